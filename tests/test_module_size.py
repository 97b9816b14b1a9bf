"""Small modules with one job: a code module over 400 lines says in its docstring why it is long."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("common", "store", "metrics", "data_sources", "readmodel", "ui", "pages", "bench")
LIMIT = 400


def modules() -> list[Path]:
    return [p for package in PACKAGES for p in sorted((ROOT / package).glob("**/*.py"))] + [ROOT / "app.py"]


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_a_long_module_says_why(path):
    text = path.read_text(encoding="utf-8")
    if text.count("\n") <= LIMIT:
        return
    doc = ast.get_docstring(ast.parse(text)) or ""
    assert "Long because" in doc, f"{path.relative_to(ROOT)}: {text.count(chr(10))} lines and no reason in its docstring"
