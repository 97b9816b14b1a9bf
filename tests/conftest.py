"""Shared fixtures: one demo database per test session, built through the real CLI path."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import readmodel  # noqa: F401  (the tests' composition root: registers the stored page data with the store)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A demo database built once; tests that write must copy it (see `fresh_db`)."""
    from data_sources.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path)
    return path


@pytest.fixture
def fresh_db(demo_db, tmp_path) -> Path:
    """A private copy of the demo database that a test may change."""
    path = tmp_path / "tilannekuva.duckdb"
    shutil.copy2(demo_db, path)
    return path


@pytest.fixture
def demo_env(demo_db, monkeypatch) -> Path:
    monkeypatch.setenv("TILANNEKUVA_DB", str(demo_db))
    return demo_db


def shared_file(*parts: str) -> Path:
    """A file from ../shared, or skip the test cleanly when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} puuttuu (../shared ei ole tämän kloonin vieressä)")
    return path


os.environ.setdefault("TILANNEKUVA_SOTKANET_BACKOFF", "0.01")
