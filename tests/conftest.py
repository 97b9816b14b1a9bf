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
    """The default region's demo database, built once by the CLI (`demo --db F`); tests that write must copy
    it (see `fresh_db`)."""
    from data_sources.__main__ import main as cli

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    assert cli(["demo", "--db", str(path)]) == 0
    return path


SECOND_REGION = "pohjois-karjala"  # the second bundled county: its own AppTest, browser and leak tests


@pytest.fixture(scope="session")
def region_demo_db(tmp_path_factory, demo_db):
    """region -> its demo database, built once per session by the CLI (`demo --region R --db F`); the
    default region's is `demo_db`."""
    from data_sources.__main__ import main as cli
    from store.config import region_config

    built: dict[str, Path] = {region_config().id: demo_db}

    def get(region: str) -> Path:
        if region not in built:
            path = tmp_path_factory.mktemp(f"demo-{region}") / "demo.duckdb"
            assert cli(["demo", "--region", region, "--db", str(path)]) == 0
            built[region] = path
        return built[region]
    return get


@pytest.fixture
def fresh_db(demo_db, tmp_path) -> Path:
    """A private copy of the demo database that a test may change."""
    path = tmp_path / "tilannekuva.duckdb"
    shutil.copy2(demo_db, path)
    return path


@pytest.fixture(scope="session")
def catalogue_db(tmp_path_factory) -> Path:
    """The region's catalogues only (no observations): what a Sotkanet load starts from. Copy before writing."""
    from data_sources.reference import load_catalogues

    path = tmp_path_factory.mktemp("catalogue") / "catalogue.duckdb"
    load_catalogues(path=path)
    return path


@pytest.fixture
def catalogue_copy(catalogue_db, tmp_path) -> Path:
    """A private copy of `catalogue_db` that a test may change."""
    path = tmp_path / "t.duckdb"
    shutil.copy2(catalogue_db, path)
    return path


@pytest.fixture
def fast_backoff(monkeypatch):
    """HTTP retries without the real back-off waits (tests of the loaders against the local replay server)."""
    monkeypatch.setenv("TILANNEKUVA_HTTP_BACKOFF", "0.001")


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


@pytest.fixture
def swedish_by_test_name(request, monkeypatch):
    """The Swedish page tests' language: ?lang=sv is read by app.py, but AppTest's switch_page runs a page file
    on its own (app.py does not run again), so a test whose name says "swedish" (and not "default") also names
    the language as a deployment does (TILANNEKUVA_LANG); the others make sure none is set."""
    name = request.node.name
    if "swedish" in name and "default" not in name:
        monkeypatch.setenv("TILANNEKUVA_LANG", "sv")
    else:
        monkeypatch.delenv("TILANNEKUVA_LANG", raising=False)


@pytest.fixture
def downloads(monkeypatch):
    """The CSV texts the pages' download buttons would give, built at once instead of on click."""
    import ui.tables

    made: list[str] = []
    real = ui.tables.to_finnish_csv

    def record(frame):
        data = real(frame)
        made.append(data.decode("utf-8-sig"))
        return data

    monkeypatch.setattr(ui.tables, "DEFERRED", False)
    monkeypatch.setattr(ui.tables, "to_finnish_csv", record)
    return made
