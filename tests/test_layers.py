"""The layout is the architecture (docs/architecture.md): each package imports only the layers below it.

    common       pure helpers (formatting, clock, fingerprint, safe cells)      imports nothing of the product
    store        schema, connections, the copy-and-swap write, derived steps   common
    metrics      pure computations                                             common
    data_sources loaders (fetch/read -> parse -> validate -> write)            common, store, metrics
    readmodel    page questions, stored-vs-live (no Streamlit)                 common, store, metrics
    documents    briefs and decks to take home (no Streamlit)                  common, store, metrics, readmodel
    ui           Streamlit widgets, charts, layout, strings                    common, store, metrics, readmodel, documents
    pages        read state -> ask the read model -> render                    common, readmodel, documents, ui

Composition roots wire the layers and may import any of them: app.py, data_sources/__main__.py (the CLI) and
metrics/__main__.py (the export CLI). The admin page's writes go through ui/admin.py, the one ui module that
calls loaders. No product import is made inside a function: an import there would hide a cycle.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("common", "store", "metrics", "data_sources", "readmodel", "documents", "ui", "pages")
ALLOWED = {
    "common": {"common"},
    "store": {"common", "store"},
    "metrics": {"common", "metrics"},
    "data_sources": {"common", "store", "metrics", "data_sources"},
    "readmodel": {"common", "store", "metrics", "readmodel"},
    "documents": {"common", "store", "metrics", "readmodel", "documents"},
    "ui": {"common", "store", "metrics", "readmodel", "documents", "ui"},
    "pages": {"common", "readmodel", "documents", "ui"},
}
EXTRA = {"ui/admin.py": {"data_sources"}}
COMPOSITION_ROOTS = {"app.py", "data_sources/__main__.py", "metrics/__main__.py"}
NO_STREAMLIT = ("common", "store", "metrics", "data_sources", "readmodel", "documents")


def code_files() -> list[Path]:
    files = [ROOT / "app.py"]
    for package in PRODUCT:
        files += sorted((ROOT / package).glob("**/*.py"))
    return files


def imports(path: Path) -> list[tuple[int, str, bool]]:
    """(line, imported module, made at module level) of every absolute import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.lineno, node.module, id(node) in top))
    return out


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", code_files(), ids=rel)
def test_imports_follow_the_layers(path):
    name = rel(path)
    if name in COMPOSITION_ROOTS:
        return
    layer = name.split("/")[0]
    allowed = ALLOWED[layer] | EXTRA.get(name, set())
    wrong = [f"{name}:{line} imports {module}" for line, module, _ in imports(path)
             if module.split(".")[0] in PRODUCT and module.split(".")[0] not in allowed]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", code_files(), ids=rel)
def test_no_product_import_inside_a_function(path):
    name = rel(path)
    hidden = [f"{name}:{line} imports {module} inside a function" for line, module, at_top in imports(path)
              if not at_top and module.split(".")[0] in PRODUCT]
    assert not hidden, "\n".join(hidden)


@pytest.mark.parametrize("path", [p for p in code_files() if rel(p).split("/")[0] in NO_STREAMLIT], ids=rel)
def test_below_ui_nothing_imports_streamlit(path):
    used = [f"{rel(path)}:{line}" for line, module, _ in imports(path) if module.split(".")[0] == "streamlit"]
    assert not used, "\n".join(used)


def test_the_check_catches_a_wrong_import(tmp_path):
    """The rule table is not vacuous: a store module importing the read model is reported."""
    bad = tmp_path / "bad.py"
    bad.write_text("from readmodel import page_data\n\ndef f():\n    from ui import data\n")
    found = imports(bad)
    assert (1, "readmodel", True) in found and (4, "ui", False) in found
    assert "readmodel" not in ALLOWED["store"] and "ui" not in ALLOWED["readmodel"]
