"""Every page runs on the demo database and shows real warehouse content (AppTest)."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
from streamlit.testing.v1 import AppTest

from store.warehouse import connect_read
from ui.safe import md
from common.i18n import t
from tests.apptest import run, shown_tables

APP = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "app.py")
DEMO = t("demo_banner")


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption] + [h.value for h in at.header]
    parts += [h.value for h in at.subheader] + [w.value for w in at.warning] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def frames(at: AppTest):
    return shown_tables(at)


class _ScaleBars(HTMLParser):
    """One ui/scale_bars.py item: its legend's labels, its groups' labels and each group's segments' tooltips."""

    def __init__(self):
        super().__init__()
        self.legend, self.groups, self.segments, self._in = [], [], [], []

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        self._in.append(cls)
        if cls == "tk-legend":
            self._where = "legend"
        elif cls == "tk-rows":
            self._where = "rows"
        elif cls == "tk-group":
            self.groups.append("")
            self.segments.append([])
        elif cls == "tk-seg":
            self.segments[-1].append(dict(attrs)["title"])
        if tag == "li" and getattr(self, "_where", "") == "legend":
            self.legend.append("")

    def handle_endtag(self, tag):
        self._in.pop()

    def handle_data(self, data):
        if "tk-group" in self._in:
            self.groups[-1] += data
        elif "tk-legend" in self._in:
            self.legend[-1] += data


def scale_bars(at: AppTest) -> list[_ScaleBars]:
    """Kompassikysely's scale items as drawn (HTML bars, not Plotly figures), in page order."""
    found = []
    for element in at.get("html"):
        if 'class="tk-scale"' in element.proto.body:
            parser = _ScaleBars()
            parser.feed(element.proto.body)
            found.append(parser)
    return found


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
    # every action of the plan once, in its own unit, counted as the export counts them (issue 12)
    plan_tables = [tb.value for tb in at.table if "Omassa yksikössään" in tb.value.columns]
    assert len(plan_tables) == 4 and sum(len(tb) for tb in plan_tables) == 42
    units = [str(v) for tb in plan_tables for v in tb["Omassa yksikössään"]]
    assert any("/19 kuntaa" in u for u in units) and any(u.startswith(md("HVA: ")) for u in units)
    assert any(u.startswith(md("liitto: ")) for u in units)  # stored text is escaped Markdown in st.table
    assert "**Koko suunnitelma:** " in texts(at) and "toimenpidettä tehty (kyllä)" in texts(at)
    assert "Tilastotiedot vuoteen **2024**" in texts(at)
    assert "Muutokset tallennetun tilannekuvan jälkeen" in texts(at)
    assert not [b for b in at.button if "Tallenna" in str(b.label)]  # the save button is for admins only
    trends = {str(v).split(" ", 1)[1] for f in indicator_tables for v in f["Kehitys"]}
    assert trends & {"paranee", "heikkenee", "ennallaan", "kasvaa", "laskee"}


def test_municipality_page_follows_the_url(demo_env):
    at = run("pages/kunta.py", kunta="844")
    assert at.title[0].value == "Kunta: Tervo"
    table = next(f for f in frames(at) if "vs. koko maa" in f.columns)
    assert {"vs. alue", "vs. hyvinvointialue", "Kehitys", "Viimeisin"} <= set(table.columns)
    assert DEMO in texts(at)
    assert "Sisä-Savo" in texts(at)
    body = texts(at)
    assert "Yhteenveto" in body and "Toimenpiteet kunnassa" in body and "Kompassikyselyn vastaukset" in body
    survey = next(f for f in frames(at) if "Kysymys" in f.columns)
    assert len(survey) > 0 and set(survey["Vastaus"]) <= {"✔ kyllä", "✘ ei", "? ei vastausta"}
    actions = next(f for f in frames(at) if "Tila" in f.columns and "Toimenpide" in f.columns)
    assert len(actions) == 42
    assert len(at.get("plotly_chart")) == 1  # the detail chart; the small multiples are HTML (ui/small_multiples.py)
    small = [h.proto.body for h in at.get("html") if 'class="tk-sm"' in h.proto.body]
    assert len(small) == 1 and small[0].count('<figure class="tk-sm-panel">') >= 2
    labels = [str(b.proto.label) for b in at.get("download_button")]
    assert "Lataa tulostettava kooste (HTML)" in labels


def test_area_page_lists_members_and_assumption(demo_env):
    at = run("pages/palvelukeskustelualue.py", alue="PK-KESKI")
    assert at.title[0].value.endswith("Siilinjärvi, Lapinlahti, Kaavi ja Tuusniemi")
    assert "vahvistettu" in texts(at)
    for heading in ("Väestö ja palvelutarpeet", "Hyvinvoinnin ja terveyden edistäminen (HYTE)", "Talouden mittarit",
                    "Yhdyspinnat: työllisyys"):
        assert heading in [h.value for h in at.header]
    side = next(f for f in frames(at) if "Alue" in f.columns)
    assert {"Siilinjärvi", "Lapinlahti", "Kaavi", "Tuusniemi"} <= set(side.columns)
    assert any("Kaavi" in f.columns and "Johdon taso / yhdyspinta" in f.columns for f in frames(at))
    every = next(tb.value for tb in at.table if "Alueen kunnat" in tb.value.columns)
    assert len(every) == 42 and any(str(v).endswith("/4 kuntaa") for v in every["Alueen kunnat"])
    at = run("pages/palvelukeskustelualue.py", alue="PK-YLASAVO")
    assert "oletettu" in texts(at)


def test_comparison_page_ranks_19_municipalities(demo_env):
    at = run("pages/vertailu.py", indikaattori="181")
    table = next(f for f in frames(at) if "Kunta" in f.columns and "Sija" in f.columns)
    assert len(table) == 19
    assert not at.get("plotly_chart")  # rankings, tile map and heatmap in HTML (no borders loaded: no map)
    bodies = [h.proto.body for h in at.get("html")]
    assert sum('class="tk-rank"' in b for b in bodies) == 2 and any('class="tk-tiles"' in b for b in bodies)
    heat = next(f for f in frames(at) if "Kunta" in f.columns and "Sija" not in f.columns)
    assert len(heat) == 19
    cells = {str(v).split(" ", 1)[0] for c in heat.columns if c != "Kunta" for v in heat[c]}
    assert cells <= {"▲", "=", "▼", "+", "−", "·", "–"} and "▲" in cells
    assert "Työttömät, % työvoimasta, 2024" in [h.value for h in at.header]


def test_trends_page_deep_link(demo_env):
    at = run("pages/trendit.py", indikaattorit="181,5641", alueet="KUNTA:297,MAA:358")
    assert [str(v) for v in at.multiselect[0].value] == ["181", "5641"]
    assert len(at.get("plotly_chart")) == 2
    at = run("pages/trendit.py", indikaattorit="181", alueet="KUNTA:297", vuodet="2015-2020", esitys="indeksi",
             perusvuosi="2016", sukupuoli="total")
    assert at.slider(key="trend_years").value == (2015, 2020)
    assert at.radio(key="trend_mode").value == "indeksi"
    assert at.selectbox(key="trend_base").value == 2016
    chart = at.get("plotly_chart")[0]
    assert "indeksi 2016 = 100" in chart.proto.spec


def test_plan_page_shows_the_matrix(demo_env):
    at = run("pages/tavoitteet.py", tavoite="2", taso="C")
    grid = frames(at)[0]
    assert grid.shape == (4, 7) and grid.columns[0] == "Tavoite"  # the goal, then the six levels
    status = next(f for f in frames(at) if "Kunta" in f.columns and len(f.columns) > 2 and "Tila" not in f.columns)
    assert len(status) == 19
    assert sum(int(v) for v in grid.iloc[:, 1:].to_numpy().ravel()) == 42
    every = next(tb.value for tb in at.table if "Vastuutahot" in tb.value.columns)
    assert len(every) == 42  # the whole plan, not only the actions municipalities answer
    metric_tables = [tb.value for tb in at.table if "Tietolähde" in tb.value.columns]
    assert any("Yhteystiedot löytyvät" in str(v) for tb in metric_tables for v in tb["Mittari"])
    assert any("kompassikysely Q-C-2-1-M1" in str(v) for tb in metric_tables for v in tb["Tietolähde"])


def test_plan_page_shows_the_hvas_own_answer_for_its_own_actions(demo_env):
    from store.warehouse import connect_read
    from readmodel import page_data

    with connect_read(demo_env) as con:
        row = page_data.plan_actions(con).set_index("action_id").loc["J-2-1"]  # the HVA answers for it alone
    at = run("pages/tavoitteet.py", tavoite="2", taso="J")
    body = texts(at)
    assert row["unit_text"].startswith("HVA: ") and row["source"].startswith("kompassikysely")
    assert f"({md(row['unit_text'])}) · **lähde:** {md(row['source'])}" in body
    assert not any("Kunta" in f.columns for f in frames(at))  # no 19 rows of "ei vastausta"


def test_sources_page_shows_licences_and_load_log(demo_env):
    at = run("pages/tietolahteet.py")
    body = texts(at)
    assert "CC BY 4.0" in body and "oletettu" in body.lower() or "oletetuiksi" in body
    log = next(f for f in frames(at) if "Lähde" in f.columns and "Tila" in f.columns)
    assert "esimerkkiaineisto" in set(log["Lähde"])  # the source in words (values.toml load_source)
    indicators = next(f for f in frames(at) if "Metatiedot" in f.columns)
    assert len(indicators) > 20 and set(indicators["Metatiedot"]) <= {"sotkanet.fi", "–"}
    assert "sotkanet.fi" in set(indicators["Metatiedot"])
    body_html = next(h.proto.body for h in at.get("html") if "Metatiedot" in h.proto.body)
    assert 'href="https://sotkanet.fi/sotkanet/fi/metadata/indicators/' in body_html
    assert "Kuntarajoja ei ole ladattu" in body and "Ylläpito" in [h.value for h in at.header]


def test_geometry_and_snapshot_show_up(fresh_db, monkeypatch, tmp_path):
    from data_sources.__main__ import main as cli
    from tests.test_geometry import TINY, write

    assert cli(["geometry", "--file", str(write(tmp_path, TINY)), "--db", str(fresh_db)]) == 0
    assert cli(["snapshot", "save", "--name", "Kuntafoorumi testi", "--year", "2022", "--db", str(fresh_db)]) == 0
    with connect_read(fresh_db) as con:  # the meetings' own snapshots come first (issue 14)
        sid = con.execute("SELECT snapshot_id FROM snapshot WHERE name = 'Kuntafoorumi testi'").fetchone()[0]
    monkeypatch.setenv("TILANNEKUVA_DB", str(fresh_db))
    at = run("pages/vertailu.py", indikaattori="181")
    assert [c.key for c in at.get("plotly_chart")] == ["choropleth"]  # the borders drawn: the map
    at = run("pages/tilannekuva.py")
    at.selectbox(key="snapshot_pick").set_value(sid).run()
    assert "Kuntafoorumi testi" in str(at.selectbox(key="snapshot_pick").format_func(sid))
    changed = next(f for f in frames(at) if list(f.columns) == ["Indikaattori", "Ennen", "Nyt"])
    assert len(changed) > 0
    at = run("pages/kunta.py", kunta="297", vertailukohta=str(sid))
    assert "tilannekuvan *Kuntafoorumi testi" in texts(at)


def test_admin_sees_the_snapshot_save_button(demo_env):
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["admin_user"] = "testi"
    at.run()
    assert any("Tallenna kuntafoorumin tilannekuva" in str(b.label) for b in at.button)


@pytest.mark.parametrize("page", ["pages/kompassikysely.py", "pages/yllapito.py"])
def test_survey_and_admin_pages_run(demo_env, page):
    at = run(page)
    assert at.title


def test_hostile_query_parameters_fall_back_to_defaults(demo_env):
    at = run("pages/kunta.py", kunta="'; DROP TABLE observation; --", vuosi="abc")
    assert at.title[0].value == "Kunta: Iisalmi"
    at = run("pages/vertailu.py", indikaattori="x" * 10_000)
    assert at.selectbox[0].value is not None
