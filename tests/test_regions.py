"""Both bundled counties run from their own folders: every page of each region's app (AppTest, on a demo
database built by the CLI for that region) runs, and shows none of the other region's names or codes.

The other region's facts come from its folder (as in tests/test_region_literals.py). Names are looked for in
everything a page shows as text or table; codes in the values a page keeps in its URL and in the tables'
code columns (a number such as 297 may well be a value). The national comparison of the counties
(Vertailu: "Hyvinvointialueiden vertailu") names other counties by design, so its table is left out.
"""
from __future__ import annotations

import contextlib

import csv
import re
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import SECOND_REGION
from ui import page_registry
from common.i18n import t
from store.config import region_config
from tests.apptest import shown_tables

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
REGIONS = ["pohjois-savo", SECOND_REGION]
CODE_COLUMNS = {"kuntanumero", "code", "Koodi", "region_code", "alue"}
NATIONAL = t("compare_counties_heading")
DEFAULT_PAGE = next(p.file for p in page_registry.PAGES if p.default)


def facts(region: str) -> tuple[set[str], re.Pattern]:
    """(codes, name pattern) of a region folder: its HVA, maakunta, municipalities and areas."""
    folder = ROOT / "data" / "regions" / region
    raw = tomllib.loads((folder / "region.toml").read_text(encoding="utf-8"))
    codes = {str(raw[level]["code"]) for level in ("hva", "maakunta")}
    names = {raw["region"]["name_fi"], raw["hva"]["name_fi"], raw["maakunta"]["name_fi"]}
    with open(folder / "municipalities.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            codes.add(row["code"])
            names.add(row["name_fi"])
    with open(folder / "areas.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            codes.add(row["area_code"])
            names.add(row["area_name_fi"])
    return codes, re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in sorted(names, key=len, reverse=True)))


def other(region: str) -> str:
    return next(r for r in REGIONS if r != region)


def run_page(monkeypatch, db: Path, region: str, page: str, **params) -> AppTest:
    monkeypatch.setenv("TILANNEKUVA_DB", str(db))
    monkeypatch.setenv("TILANNEKUVA_REGION", region)
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != DEFAULT_PAGE:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_text(at: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "warning", "info", "error", "success"):
        parts += [str(x.value) for x in getattr(at, kind)]
    parts += [str(o) for s in at.selectbox for o in s.options]
    parts += [str(o) for s in at.multiselect for o in s.options]
    for frame in shown_frames(at):
        parts += [str(c) for c in frame.columns] + [frame.astype(str).to_csv(index=False)]
    return "\n".join(parts)


def shown_frames(at: AppTest):
    frames = shown_tables(at)
    return [f for f in frames if NATIONAL_COLUMN not in f.columns]


NATIONAL_COLUMN = "Hyvinvointialue"  # the counties' comparison table (national data, every county named)


def shown_codes(at: AppTest) -> set[str]:
    codes = {str(v) for k, v in at.query_params.items() if k in ("kunta", "alue")}
    for frame in shown_frames(at):
        for column in CODE_COLUMNS & set(frame.columns):
            codes |= {str(v) for v in frame[column]}
    return codes


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("page", [p.file for p in page_registry.PAGES], ids=[p.url_path for p in page_registry.PAGES])
def test_every_page_runs_and_shows_none_of_the_other_region(region_demo_db, monkeypatch, region, page):
    at = run_page(monkeypatch, region_demo_db(region), region, page)
    assert at.title
    codes, names = facts(other(region))
    text = shown_text(at)
    leaked = sorted({m.group(0) for m in names.finditer(text)})
    assert not leaked, f"{region} {page}: the other region's names {leaked}"
    assert not (shown_codes(at) & codes), f"{region} {page}: the other region's codes {shown_codes(at) & codes}"


def test_second_region_overview_municipality_and_area(region_demo_db, monkeypatch):
    db = region_demo_db(SECOND_REGION)
    at = run_page(monkeypatch, db, SECOND_REGION, "pages/tilannekuva.py")
    body = shown_text(at)
    assert "Mittarit (Pohjois-Karjalan hyvinvointialue)" in body
    assert "alueen 13 kuntaa ja Pohjois-Karjalan maakuntaliitto" in body
    assert t("demo_banner") in body
    assert sum(h.value.startswith("Tavoite ") for h in at.header) == 4
    assert len(next(s for s in at.selectbox if s.label == t("sidebar_municipality")).options) == 13
    plan_tables = [tb.value for tb in at.table if "Omassa yksikössään" in tb.value.columns]  # issue 12
    assert any(re.search(r"\d+/\d+", str(v)) for f in plan_tables for v in f["Omassa yksikössään"])

    at = run_page(monkeypatch, db, SECOND_REGION, "pages/kunta.py", kunta="167")
    assert at.title[0].value == "Kunta: Joensuu"
    assert "Joensuun seutukunta" in shown_text(at)
    actions = next(f for f in shown_frames(at) if "Tila" in f.columns and "Toimenpide" in f.columns)
    assert len(actions) > 0

    at = run_page(monkeypatch, db, SECOND_REGION, "pages/palvelukeskustelualue.py", alue="KR-PIELINEN")
    assert at.title[0].value.endswith("Pielisen Karjalan seutukunta")
    body = shown_text(at)
    assert "oletettu" in body and "kumppanuusryhm" in body
    side = next(f for f in shown_frames(at) if "Alue" in f.columns)
    assert {"Lieksa", "Nurmes"} <= set(side.columns)

    at = run_page(monkeypatch, db, SECOND_REGION, "pages/vertailu.py", indikaattori="181")
    table = next(f for f in shown_frames(at) if "Kunta" in f.columns and "Sija" in f.columns)
    assert len(table) == 13


@pytest.mark.parametrize("region", REGIONS)
def test_comparison_page_ranks_the_hva_among_the_21_counties(region_demo_db, monkeypatch, region):
    at = run_page(monkeypatch, region_demo_db(region), region, "pages/vertailu.py", indikaattori="181")
    at.session_state["compare_counties_all_181"] = True  # the expander with every county (built when open)
    at.run()
    assert NATIONAL in [h.value for h in at.header]
    counties = next(f for f in shown_tables(at) if NATIONAL_COLUMN in f.columns)
    assert len(counties) == 21
    body = "\n".join(str(x.value) for x in at.markdown) + "\n".join(str(x.value) for x in at.caption)
    assert re.search(r"sija \*\*\d+\*\*/21", body)
    assert "Sotkanet" in body


def test_a_database_of_another_region_is_refused(region_demo_db, monkeypatch):
    """The app built for one region does not show another region's database: it says why."""
    at = run_page(monkeypatch, region_demo_db(SECOND_REGION), "pohjois-savo", "pages/tilannekuva.py")
    assert any("rakennettu alueelle 'pohjois-karjala'" in str(e.value) for e in at.error)
    assert not shown_tables(at)


# The second region in a real browser: one server and one Chromium session walk every page, with axe-core on
# each (the default region's pages have their own browser and accessibility tests); screenshots are kept.
SECOND_QUERY = {
    "kunta": "kunta=167",
    "palvelukeskustelualue": "kunta=167&alue=KR-JOENSUU",
    "vertailu": "indikaattori=181",
    "trendit": "indikaattorit=181&alueet=KUNTA:167,MAA:358",
}


@pytest.mark.browser
@contextlib.contextmanager
def region_words(region: str):
    from common.i18n import use_overrides
    use_overrides(region_config(region).strings)
    try:
        yield
    finally:
        use_overrides({})


def test_second_region_in_chromium_every_page_accessible_and_its_own(region_demo_db):
    from selenium.webdriver.common.by import By

    from tests.browser import ARTIFACTS, chromium, exception_boxes, require_browser, running_app, wait_for_heading
    from tests.test_accessibility import BLOCKING, require_axe, run_axe

    require_browser()
    require_axe()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    _, names = facts(other(SECOND_REGION))
    problems = {}
    with running_app(region_demo_db(SECOND_REGION), region=SECOND_REGION) as url, chromium() as driver:
        for spec in page_registry.PAGES:
            path = "" if spec.default else spec.url_path + (f"?{SECOND_QUERY[spec.url_path]}" if spec.url_path in SECOND_QUERY else "")
            driver.get(f"{url}/{path}")
            with region_words(SECOND_REGION):  # the county's own words for its pages (region.toml [strings])
                heading = t(spec.title_key)
            wait_for_heading(driver, heading)
            driver.save_screenshot(str(ARTIFACTS / f"{SECOND_REGION}-{spec.url_path}.png"))
            assert exception_boxes(driver) == [], f"{path}: {exception_boxes(driver)}"
            body = driver.find_element(By.TAG_NAME, "body").text
            assert t("demo_banner") in body or not spec.shows_data, f"{path}: demo label missing"
            if spec.url_path != "vertailu":  # the national comparison names every county by design
                leaked = sorted({m.group(0) for m in names.finditer(body)})
                assert not leaked, f"{path}: the other region's names {leaked}"
            blocking = [f"{v['impact']}: {v['id']} ({v['nodes']})" for v in run_axe(driver) if v["impact"] in BLOCKING]
            if blocking:
                problems[spec.url_path] = blocking
    assert not problems, problems


def test_the_cli_and_the_export_refuse_a_database_of_another_region(region_demo_db, monkeypatch, capsys):
    from data_sources.__main__ import main as cli
    from metrics.__main__ import main as export

    db = region_demo_db(SECOND_REGION)
    monkeypatch.setenv("TILANNEKUVA_REGION", "pohjois-savo")
    assert cli(["status", "--db", str(db)]) == 2
    assert cli(["catalogue", "--db", str(db)]) == 2
    assert export(["export", "--db", str(db), "--format", "json", "--out", "-"]) == 2
    assert capsys.readouterr().err.count("rakennettu alueelle 'pohjois-karjala'") == 3
    assert cli(["status", "--db", str(db), "--json"]) == 2
    assert cli(["status", "--db", str(db)]) == 2
    monkeypatch.setenv("TILANNEKUVA_REGION", SECOND_REGION)
    assert cli(["status", "--db", str(db)]) == 0  # its own region: fine (read only; the session's file is shared)


def test_a_region_folder_can_live_anywhere(tmp_path, monkeypatch):
    import shutil

    from data_sources.reference import parse_catalogues
    from store.config import region_config, region_dir

    folder = tmp_path / "oma-alue"
    shutil.copytree(ROOT / "data" / "regions" / SECOND_REGION, folder)
    assert region_dir(str(folder)) == folder.resolve()
    monkeypatch.setenv("TILANNEKUVA_REGION", str(folder))
    config = region_config()
    assert config.folder == folder.resolve() and config.hva.code == region_config(SECOND_REGION).hva.code
    assert len([r for r in parse_catalogues(config).regions if r[0] == "KUNTA"]) == 13
    with pytest.raises(FileNotFoundError):
        region_dir(str(tmp_path / "ei-ole"))
