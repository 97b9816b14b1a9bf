"""A checksum of a piece of code and everything of the product it imports (as Our World in Data's etl
does for its steps): the files of the root modules and, transitively, of every product module they
import, plus the versions of the libraries that shape the results. Read from the source, nothing is
imported, so the check is cheap and cannot hide a dependency behind an import cycle."""
from __future__ import annotations

import ast
import hashlib
from importlib import metadata
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _module_file(name: str) -> Path | None:
    parts = name.split(".")
    candidates = [PROJECT_ROOT.joinpath(*parts).with_suffix(".py"), PROJECT_ROOT.joinpath(*parts, "__init__.py")]
    return next((p for p in candidates if p.is_file()), None)


def _imported_names(path: Path, packages: tuple[str, ...]) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)  # `from pkg import module`
    return {n for n in names if n.split(".")[0] in packages}


def dependencies(roots: tuple[str, ...], packages: tuple[str, ...]) -> list[Path]:
    """The files of `roots` and of every module of `packages` they import, directly or not."""
    seen: dict[str, Path] = {}
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _module_file(name)
        if path is None:
            continue  # `from pkg import function`: the name is not a module
        seen[name] = path
        todo.extend(_imported_names(path, packages))
    return sorted(set(seen.values()))


def fingerprint(roots: tuple[str, ...], packages: tuple[str, ...], libraries: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for path in dependencies(roots, packages):
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(path.read_bytes())
    for library in libraries:
        try:
            digest.update(f"{library}=={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library} missing".encode())
    return digest.hexdigest()[:16]
