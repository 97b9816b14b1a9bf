"""The Tilannekuva (overview), Vertailu and Trendit pages in Swedish (?lang=sv): headings, captions, widget labels,
table and download headings, chart titles, the snapshot-changes block; the metrics' labels and reasons in the
reader's language while their codes stay Finnish; Finnish stays the default (issue 16)."""
from __future__ import annotations

import html
import json
import re

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from common.i18n import in_language, value_label
from metrics import compare as cmp
from metrics import trends
from tests.test_app import APP, frames, texts
from tests.apptest import html_tables, run

SV_TRENDS = {"förbättras", "oförändrad", "försämras", "inte tillräckligt med data", "ökar", "minskar", "urskiljs inte"}
SV_COMPARISONS = {"bättre", "samma nivå", "sämre", "större", "mindre", "ingen jämförelse"}
FINNISH_OVERVIEW = ["Yhteiset tavoitteet", "Tilastotiedot vuoteen", "Toimenpiteiden eteneminen", "Selvimmät muutokset",
                    "Muutokset tallennetun tilannekuvan jälkeen", "Ylläpito voi tallentaa", "Tavoitteet-sivu",
                    "▲ paranee", "Mittarit (", "%/v)", "Ei tallennettuja"]
FINNISH_COMPARE = ["Kuntien vertailu", "Pystyviivat", "Ruutukartta", "Taulukkona", "Tavoitteen mittarit kunnittain",
                   "Kuntarajakartta", "samaa tasoa", "Symboli kertoo", "Korostettu", "suurempi arvo on parempi",
                   "pienempi arvo on parempi", "1 = pienin arvo"]
FINNISH_TRENDS = ["Indikaattorit", "Sukupuoli", "Lataa valitut sarjat", "Taulukkona", "indeksi 2016", "Yksikkö:",
                  "(kunta)", "(TYP-alue)", "perusvuosi"]


pytestmark = pytest.mark.usefixtures("swedish_by_test_name")


def everything(at: AppTest) -> str:
    """Texts, widget labels and options, expanders, table headings and chart specs of a page."""
    parts = [texts(at)] + [t.value for t in at.title] + [str(e.label) for e in at.expander]
    for kind in ("selectbox", "multiselect", "radio", "slider", "text_input", "button"):
        for w in getattr(at, kind):
            parts.append(str(w.label))
            parts += [str(o) for o in getattr(w, "options", [])]
    parts += [str(c) for f in frames(at) for c in f.columns]
    parts += [str(b.proto.label) + " " + str(b.proto.help) for b in at.get("download_button")]
    parts += [c.proto.spec for c in at.get("plotly_chart")]
    return "\n".join(parts)


def chart_titles(at: AppTest) -> list[str]:
    """The titles of the page's figures: Plotly's, and those drawn in HTML (ui/ranking_bars.py, ui/tile_map.py,
    ui/heat_table.py: the first line of their markup)."""
    titles = [json.loads(c.proto.spec)["layout"].get("title", {}).get("text") or "" for c in at.get("plotly_chart")]
    for element in at.get("html"):
        titles += [html.unescape(m) for m in re.findall(
            r'<(?:p class="tk-(?:rank|heat)-title"|figcaption[^>]*)>([^<]*)<', element.proto.body)]
    return titles


# ---------------------------------------------------------------- Tilannekuva


def test_overview_in_swedish_from_the_url(fresh_db, monkeypatch):
    """The default page runs through app.py, so ?lang=sv alone makes it Swedish."""
    from data_sources.__main__ import main as cli
    from store.warehouse import connect_read

    monkeypatch.delenv("TILANNEKUVA_LANG", raising=False)
    assert cli(["snapshot", "save", "--name", "Kommunforum test", "--year", "2022", "--db", str(fresh_db)]) == 0
    with connect_read(fresh_db) as con:
        sid = con.execute("SELECT snapshot_id FROM snapshot WHERE name = 'Kommunforum test'").fetchone()[0]
    monkeypatch.setenv("TILANNEKUVA_DB", str(fresh_db))
    at = run(lang="sv", vertailukohta=str(sid))
    assert at.title[0].value == "Lägesbild"
    headers, subheaders = [h.value for h in at.header], [h.value for h in at.subheader]
    assert sum(h.startswith("Mål ") for h in headers) == 4
    assert "Förändringar sedan den sparade lägesbilden" in headers
    assert {"Åtgärder", "Åtgärdernas framskridande", "Ladda ner", "Nytt statistikår", "Utvecklingsklassen ändrades",
            "Slutförda åtgärder"} <= set(subheaders)
    assert "Mätare: Norra Savolax välfärdsområde" in subheaders
    body = texts(at)
    assert "Gemensamma mål (" in body and "Statistik till och med år **2024**" in body
    assert "**Mätare (Norra Savolax välfärdsområde):** " in body and "**De tydligaste förändringarna:**" in body
    assert "%/år)" in body and "sedan lägesbilden *Kommunforum test" in body
    assert "Underhållet kan spara kommunforumets lägesbild efter inloggning (sidan Underhåll)." in body
    assert any(str(e.label).startswith("Sammanfattning: ") for e in at.expander)
    assert at.selectbox(key="snapshot_pick").label == "Jämförelsepunkt: sparad lägesbild"
    changed = next(f for f in frames(at) if list(f.columns) == ["Indikator", "Före", "Nu"] and len(f)
                   and not any(str(v).isdigit() for v in f["Nu"]))  # the trend changes, not the new years
    assert set(changed["Före"]) | set(changed["Nu"]) <= SV_TRENDS
    shown = everything(at)
    for finnish in FINNISH_OVERVIEW:
        assert finnish not in shown, finnish


def test_overview_save_form_in_swedish(demo_env):
    at = run(admin=True, lang="sv")
    assert "Spara kommunforumets lägesbild" in [h.value for h in at.header]
    assert at.text_input[0].label == "Namn" and at.text_input[0].placeholder == "t.ex. Kommunforum hösten 2025"
    next(b for b in at.button if b.label == "Spara kommunforumets lägesbild").click().run()
    assert any("Ge lägesbilden ett namn" in str(e.value) for e in at.error)  # an empty name, refused in Swedish
    assert "Tallenna kuntafoorumin tilannekuva" not in everything(at)


# ---------------------------------------------------------------- Vertailu


def test_comparison_page_in_swedish(demo_env, downloads):
    at = run("pages/vertailu.py", lang="sv", indikaattori="181",
             opened=("compare_counties_all_181", "compare_heat_table_3"))
    assert at.title[0].value == "Jämförelse"
    headers = [h.value for h in at.header]
    assert {"Karta", "Jämförelse av välfärdsområden", "Målets mätare per kommun"} <= set(headers)
    assert "Arbetslösa, % av arbetskraften, 2024" in headers
    assert {"Tabell", "Jämförelseområden"} <= {h.value for h in at.subheader}
    assert [s.label for s in at.selectbox][:2] == ["Indikator", "Mål"]
    body = texts(at)
    assert "Enhet: % · år 2024 · ett mindre värde är bättre. Lodräta linjer: Norra Savolax välfärdsområde" in body
    assert "Rutkarta: varje kommun" in body and "Symbolen anger resultatet utöver färgen: ▲ bättre" in body
    assert "(1 = minsta värdet, mindre är bättre)" in body
    table = next(f for f in frames(at) if "Placering" in f.columns and "Kommun" in f.columns)
    assert len(table) == 19 and {"Värde (%)", "jfr välfärdsområdet"} <= set(table.columns)
    assert any({"Jämförelseområde", "Skillnad till det egna"} <= set(f.columns) for f in frames(at))
    heat = next(f for f in html_tables(at) if "Kommun" in f.columns and "Placering" not in f.columns)
    # a cell: symbol, value, the comparison in words (for a screen reader; colour is not alone)
    assert {" ".join(str(v).split(" ")[2:]) for c in heat.columns if c != "Kommun" for v in heat[c]
            if v != "–"} <= SV_COMPARISONS
    titles = chart_titles(at)
    assert "Rutkarta: Arbetslösa, % av arbetskraften, 2024" in titles
    assert "Arbetslösa, % av arbetskraften, 2024: välfärdsområden (%)" in titles
    assert any(t.startswith("Mål 3: kommunerna jämfört med välfärdsområdet") for t in titles)
    assert any("Välfärdsområde" in f.columns for f in frames(at))  # every county, in the opened expander
    assert any("median 9" in h.proto.body for h in at.get("html"))  # the counties' median line
    heads = {text.splitlines()[0] for text in downloads}
    assert "kommunnummer;kommun;värde;abs_value;år;indikator" in heads
    assert "välfärdsområde;namn;värde;placering;år;indikator" in heads
    assert any(h.startswith("Kommun;") for h in heads)  # the heatmap's table
    shown = everything(at)
    for finnish in FINNISH_COMPARE:
        assert finnish not in shown, finnish


# ---------------------------------------------------------------- Trendit


def test_trends_page_in_swedish(demo_env, downloads):
    at = run("pages/trendit.py", lang="sv", indikaattorit="181", alueet="KUNTA:297,TYP_ALUE:TYP-VARKAUS",
             esitys="indeksi", perusvuosi="2016")
    assert at.title[0].value == "Trender"
    assert [m.label for m in at.multiselect] == ["Indikatorer", "Områden"]
    assert at.radio(key="trend_mode").label == "Visning"
    assert list(at.radio(key="trend_mode").options) == ["absolut", "index (basår = 100)"]
    assert list(at.radio(key="trend_gender").options) == ["alla", "män", "kvinnor"]
    assert at.radio(key="trend_gender").help == "Uppgifter per kön finns bara för en del av indikatorerna."
    assert at.slider(key="trend_years").label == "År" and at.selectbox(key="trend_base").label == "Basår"
    options = [str(o) for o in at.multiselect[1].options]
    assert "Kuopio (kommun)" in options and "TYP Varkausområdet (TYP-område)" in options
    assert "index 2016 = 100" in chart_titles(at)[0]
    assert any(c.value.startswith("Enhet: index · åren ") for c in at.caption)
    assert "Ladda ner de valda serierna" in [h.value for h in at.subheader]
    assert any(str(e.label) == "Som tabell" for e in at.expander)
    head = downloads[-1].splitlines()[0].split(";")
    assert "indikator" in head and "område" in head
    shown = everything(at)
    for finnish in FINNISH_TRENDS:
        assert finnish not in shown, finnish


# ---------------------------------------------------------------- Finnish by default


def test_finnish_stays_the_default_without_swedish(demo_env, downloads):
    at = run()
    assert at.title[0].value == "Tilannekuva"
    body = texts(at)
    assert "Muutokset tallennetun tilannekuvan jälkeen" in body and "Tilastotiedot vuoteen **2024**" in body
    assert "Toimenpiteiden eteneminen" in [h.value for h in at.subheader]
    assert "Mittarit (Pohjois-Savon hyvinvointialue)" in body
    at = run("pages/vertailu.py", indikaattori="181")
    assert at.title[0].value == "Vertailu"
    assert any({"Kunta", "Sija"} <= set(f.columns) for f in frames(at))
    assert "kuntanumero;kunta;arvo;abs_value;vuosi;indikaattori" in {text.splitlines()[0] for text in downloads}
    assert "Lodräta" not in texts(at) and "Rutkarta" not in everything(at)
    at = run("pages/trendit.py", indikaattorit="181", alueet="KUNTA:297")
    assert [m.label for m in at.multiselect] == ["Indikaattorit", "Alueet"]
    assert list(at.radio(key="trend_gender").options) == ["kaikki", "miehet", "naiset"]


# ---------------------------------------------------------------- metrics: labels in the language, codes Finnish


def test_trend_labels_follow_the_language_and_the_classes_stay_codes():
    years = list(range(2018, 2025))
    values = pd.DataFrame({"indicator_id": 1, "region_category": "KUNTA", "region_code": "297", "gender": "total",
                           "year": years, "value": [10.0 + 2 * i for i in range(len(years))]})
    inds = pd.DataFrame({"id": [1], "direction": ["lower_better"], "scale": [None], "decimals": [1]})
    with in_language("fi"):
        fi = trends.compute_trends(values, inds).iloc[0]
    with in_language("sv"):
        sv = trends.compute_trends(values, inds).iloc[0]
        assert trends.class_labels()[trends.NOT_DISTINGUISHABLE] == value_label("trend_long", "ei erotu")
    assert fi["trend_class"] == sv["trend_class"] == trends.WORSENING
    assert fi["trend_label"] == trends.CLASS_LABEL[trends.WORSENING] and sv["trend_label"] == "försämras"
    with in_language("fi"):
        assert trends.class_labels() == trends.CLASS_LABEL


def test_comparison_reasons_in_the_language_and_amounts_known_by_their_swedish_unit():
    inds = pd.DataFrame({"id": [1, 3], "unit": ["%", "personer"], "scale": [100.0, None],
                         "direction": ["lower_better", "neutral"]})
    region = pd.DataFrame({"indicator_id": [1, 3], "gender": "total", "year": 2024, "value": [10.2, 1900.0],
                           "abs_value": np.nan})
    reference = region.assign(value=[10.0, 250000.0])
    with in_language("sv"):
        out = cmp.compare(region, reference, inds).set_index("indicator_id")
    assert list(out["comparison"]) == [cmp.SAME, cmp.NO_COMPARISON]  # codes, in any language
    assert out.loc[1, "comparison_reason"] == "skillnad högst 5 %"
    assert out.loc[3, "comparison_reason"] == "antal – områden av olika storlek jämförs inte"
    with in_language("fi"):
        fi = cmp.compare(region, reference, inds.assign(unit=["%", "henkilöä"])).set_index("indicator_id")
    assert fi.loc[1, "comparison_reason"] == cmp.REASON_TOLERANCE.format(tol=cmp.DEFAULT_TOLERANCE_PCT)
    assert fi.loc[3, "comparison_reason"] == cmp.REASON_AMOUNT


def test_the_heatmap_leaves_amounts_out_in_swedish(demo_db):
    from readmodel import comparison
    from store.warehouse import connect_read, localize
    from common.i18n import value_labels

    with connect_read(demo_db) as con, in_language("sv"):
        localize(con, "sv", value_labels("unit", "sv"))
        goal_inds = comparison.comparable_indicators(con, 4)
        assert len(goal_inds) and 127 not in set(goal_inds["id"])  # Väestö 31.12. (personer)


def test_a_snapshot_name_is_asked_for_in_the_language():
    from readmodel.snapshots import save_snapshot

    with in_language("sv"), pytest.raises(ValueError, match="Ge lägesbilden ett namn"):
        save_snapshot("  ")
    with in_language("sv"), pytest.raises(ValueError, match="högst 200 tecken"):
        save_snapshot("x" * 201)
    with in_language("fi"), pytest.raises(ValueError, match="Anna tilannekuvalle nimi"):
        save_snapshot("")
