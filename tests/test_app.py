"""Every page runs on the demo database and shows real warehouse content (AppTest)."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ui.strings import t

APP = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "app.py")
DEMO = t("demo_banner")


def run(page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption] + [h.value for h in at.header]
    parts += [h.value for h in at.subheader] + [w.value for w in at.warning] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def frames(at: AppTest):
    return [d.value for d in at.dataframe]


def test_overview_shows_goals_numbers_and_demo_label(demo_env):
    at = run()
    assert at.title[0].value == "Tilannekuva"
    assert DEMO in texts(at)
    headers = [h.value for h in at.header]
    assert sum(h.startswith("Tavoite ") for h in headers) == 4
    indicator_tables = [f for f in frames(at) if "Indikaattori" in f.columns]
    assert len(indicator_tables) == 4
    all_rows = sum(len(f) for f in indicator_tables)
    assert all_rows >= 40
    assert any("/19 kuntaa" in str(v) for f in frames(at) if "Valmis" in f.columns for v in f["Valmis"])
    trends = {str(v).split(" ", 1)[1] for f in indicator_tables for v in f["Kehitys"]}
    assert trends & {"paranee", "heikkenee", "ennallaan", "kasvaa", "laskee"}


def test_municipality_page_follows_the_url(demo_env):
    at = run("pages/kunta.py", kunta="844")
    assert at.title[0].value == "Kunta: Tervo"
    table = next(f for f in frames(at) if "vs. koko maa" in f.columns)
    assert {"vs. alue", "vs. Pohjois-Savo", "Kehitys", "Viimeisin"} <= set(table.columns)
    assert DEMO in texts(at)
    assert "Sisä-Savo" in texts(at)


def test_area_page_lists_members_and_assumption(demo_env):
    at = run("pages/alue.py", alue="PK-KESKI")
    assert at.title[0].value.endswith("Siilinjärvi, Lapinlahti, Kaavi ja Tuusniemi")
    assert "vahvistettu" in texts(at)
    at = run("pages/alue.py", alue="PK-YLASAVO")
    assert "oletettu" in texts(at)


def test_comparison_page_ranks_19_municipalities(demo_env):
    at = run("pages/vertailu.py", indikaattori="181")
    table = next(f for f in frames(at) if "Kunta" in f.columns)
    assert len(table) == 19
    assert len(at.get("plotly_chart")) == 2


def test_trends_page_deep_link(demo_env):
    at = run("pages/trendit.py", indikaattorit="181,5641", alueet="KUNTA:297,MAA:358")
    assert [str(v) for v in at.multiselect[0].value] == ["181", "5641"]
    assert len(at.get("plotly_chart")) == 2


def test_plan_page_shows_the_matrix(demo_env):
    at = run("pages/tavoitteet.py", tavoite="2", taso="A")
    grid = frames(at)[0]
    assert grid.shape == (4, 6)
    assert int(grid.to_numpy().sum()) == 42
    assert "Palvelupolkukuvaus" in texts(at) or any("Palvelupolkukuvaus" in str(v) for f in frames(at) for v in f.get("Mittari", []))


def test_sources_page_shows_licences_and_load_log(demo_env):
    at = run("pages/tietolahteet.py")
    body = texts(at)
    assert "CC BY 4.0" in body and "oletettu" in body.lower() or "oletetuiksi" in body
    log = next(f for f in frames(at) if "Lähde" in f.columns and "Tila" in f.columns)
    assert "demo" in set(log["Lähde"])


@pytest.mark.parametrize("page", ["pages/kompassikysely.py", "pages/yllapito.py"])
def test_survey_and_admin_pages_run(demo_env, page):
    at = run(page)
    assert at.title


def test_hostile_query_parameters_fall_back_to_defaults(demo_env):
    at = run("pages/kunta.py", kunta="'; DROP TABLE observation; --", vuosi="abc")
    assert at.title[0].value == "Kunta: Iisalmi"
    at = run("pages/vertailu.py", indikaattori="x" * 10_000)
    assert at.selectbox[0].value is not None
