"""The printable brief each page offers is built from the page's own data when a reader asks for it.

The pages build it lazily (a callable given to the download button), so a broken call would only fail when
someone clicks: this builds every page's document the way the button would."""
from __future__ import annotations

from pathlib import Path

import pytest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.mark.parametrize("page, params, title", [
    ("pages/kunta.py", {"kunta": "297"}, "Kuopio — kuntakooste"),
    ("pages/palvelukeskustelualue.py", {"kunta": "749", "alue": "PK-KESKI"}, "— palvelukeskustelun tilannekuva"),
])
def test_the_page_brief_builds_when_asked(page, params, title, demo_env, monkeypatch):
    from streamlit.testing.v1 import AppTest

    import ui.layout

    documents: list[str] = []
    monkeypatch.setattr(ui.layout, "brief_downloads", lambda make, slug, key: documents.append(make()))
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(documents) == 1
    document = documents[0]
    assert document.startswith("<!DOCTYPE html>") or document.lower().startswith("<!doctype html>")
    assert title in document and "Esimerkkiaineisto" in document
