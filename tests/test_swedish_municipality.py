"""The municipality (Kunta) and area (Palvelukeskustelualue) pages in Swedish (?lang=sv), their tables, figures
and summary sentences; Finnish stays the default (issue 16)."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from common.i18n import in_language
from metrics.summary import summarise_region
from tests.test_app import APP, frames, texts
from tests.test_summary import STATUS, table as summary_table
from tests.apptest import run

# Finnish UI sentences of these pages that a Swedish reader must not see.
FINNISH_MUNICIPALITY = ["Yhteenveto", "Mittarit tavoitteittain", "Toimenpiteet kunnassa", "Kompassikyselyn vastaukset",
                        "Tulostettava kooste", "Kehitys pienkuvina", "yhtenäinen viiva", "yhtenä taulukkona",
                        "toimenpidettä, joista kunta vastaa", "vertailu alueeseen", "vertailukelpoisesta mittarista",
                        "% vuodessa", "Heikompi kuin hyvinvointialue", "kyllä/ei-kysymykseen"]
FINNISH_AREA = ["Yhteenveto", "Teemat", "vahvistettu", "oletettu", "Kunnat:", "jäsenyys", "Aluearvot lasketaan",
                "Alue = palvelukeskustelualueen arvo", "Toimenpiteiden eteneminen alueen kunnissa",
                "Kaikki suunnitelman toimenpiteet alueella", "Tulostettava kooste", "Palvelukeskusteluun",
                "vertailukelpoisesta mittarista"]
SV_TRENDS = {"förbättras", "oförändrad", "försämras", "inte tillräckligt med data", "ökar", "minskar",
             "förändringen urskiljs inte från slumpmässig variation", "inga uppgifter"}
SV_COMPARISONS = {"bättre", "samma nivå", "sämre", "större", "mindre", "ingen jämförelse"}


pytestmark = pytest.mark.usefixtures("swedish_by_test_name")


def labels_of(at: AppTest) -> str:
    """Widget labels (selectboxes, expanders) next to the texts."""
    parts = [s.label for s in at.selectbox] + [e.label for e in at.expander]
    return "\n".join(str(p) for p in parts)


def test_municipality_page_in_swedish(demo_env, monkeypatch):
    import ui.layout

    documents: list[str] = []
    monkeypatch.setattr(ui.layout, "brief_downloads", lambda make, slug, key: documents.append((make(), slug)))
    at = run("pages/kunta.py", kunta="297", lang="sv")
    assert at.title[0].value == "Kommun: Kuopio"
    headers = [h.value for h in at.header]
    for heading in ("Sammanfattning", "Mätare per mål", "Åtgärder i kommunen", "Kompassenkätens svar",
                    "Utskrivbart sammandrag"):
        assert heading in headers, headers
    body = texts(at)
    assert "Servicediskussionsområde: " in body and "jämförelse med området, välfärdsområdet" in body
    assert "Jämfört med välfärdsområdet ligger Kuopio" in body  # the summary, computed live in Swedish
    assert "Klara **" in body and "Kompassenkäten **" in body
    assert "Utvecklingen i små diagram: de tydligaste förändringarna" in [h.value for h in at.subheader]
    assert "Närmare utvecklingsdiagram" in labels_of(at) and "Som tabell" in labels_of(at)
    for finnish in FINNISH_MUNICIPALITY:
        assert finnish not in body and finnish not in labels_of(at), finnish

    indicators = next(f for f in frames(at) if "jfr hela landet" in f.columns)
    assert {"Indikator", "Senaste", "Enhet", "År", "Utveckling", "Förändring (fönster)", "jfr området",
            "jfr välfärdsområdet", "Riktning"} <= set(indicators.columns)
    assert {str(v).split(" ", 1)[1] for v in indicators["Utveckling"]} <= SV_TRENDS
    assert {str(v).split(" ", 1)[1] for v in indicators["jfr välfärdsområdet"]} <= SV_COMPARISONS
    assert set(indicators["Riktning"]) <= {"större är bättre", "mindre är bättre", "ingen värderiktning"}
    actions = next(f for f in frames(at) if "Åtgärd" in f.columns)
    assert len(actions) == 42
    assert {"Mål", "Ledningsnivå / gränsyta", "Kommunen ansvarar", "Status", "I sin egen enhet", "Källa",
            "Datum"} <= set(actions.columns)
    assert {str(v).split(" ", 1)[1] for v in actions["Status"]} <= {"ja", "delvis", "nej", "inget svar"}
    assert all(v == "ja" or v.startswith("nej: ") for v in actions["Kommunen ansvarar"])
    survey = next(f for f in frames(at) if "Fråga" in f.columns)
    assert len(survey) > 0 and set(survey["Svar"]) <= {"✔ ja", "✘ nej", "? inget svar"}
    assert {"Svarande", "Svar"} <= set(survey.columns)

    chart = json.loads(at.get("plotly_chart")[-1].proto.spec)  # the detail chart: its year axis
    assert chart["layout"]["xaxis"]["title"]["text"] == "År"

    (document, slug), = documents
    assert slug == "kommunsammandrag_Kuopio"
    assert "Kuopio — kommunsammandrag" in document and "Servicediskussionsområde " in document
    assert "Källa: THL, Sotkanet.fi" in document and "Kommunen ansvarar" in document
    assert "kuntakooste" not in document and "Kunta vastaa" not in document


def test_area_page_in_swedish(demo_env):
    at = run("pages/palvelukeskustelualue.py", alue="PK-KESKI", lang="sv")
    assert at.title[0].value.startswith("Servicediskussionsområde: ")
    body = texts(at)
    assert "Kommuner: " in body and "medlemskap: bekräftat" in body
    assert "**Teman** (servicediskussionens föredragningslista): " in body
    assert "Områdesvärdena beräknas ur medlemskommunerna" in body
    headers = [h.value for h in at.header]
    assert "Åtgärdernas framskridande i områdets kommuner" in headers and "Utskrivbart sammandrag" in headers
    assert "Alla planens åtgärder i området" in [h.value for h in at.subheader]
    assert "Beräkning av områdesvärdet" in labels_of(at)
    for finnish in FINNISH_AREA:
        assert finnish not in body and finnish not in labels_of(at), finnish
    side = next(f for f in frames(at) if "Område" in f.columns)
    assert {"Siilinjärvi", "Lapinlahti", "Kaavi", "Tuusniemi", "Indikator", "Utveckling", "jfr välfärdsområdet"} \
        <= set(side.columns)
    assert not {"Alue", "Indikaattori", "Yksikkö", "Enhet", "Riktning", "Beräkning"} & set(side.columns)
    assert any("Ledningsnivå / gränsyta" in f.columns for f in frames(at))

    at = run("pages/palvelukeskustelualue.py", alue="PK-YLASAVO", lang="sv")
    assert "delvis antaget (se nedan och Datakällor)" in texts(at)


def test_finnish_stays_the_default(demo_env):
    at = run("pages/kunta.py", kunta="297")
    assert at.title[0].value == "Kunta: Kuopio"
    headers = [h.value for h in at.header]
    assert "Yhteenveto" in headers and "Toimenpiteet kunnassa" in headers
    body = texts(at)
    assert "Sammanfattning" not in headers and "Jämfört med" not in body
    indicators = next(f for f in frames(at) if "vs. koko maa" in f.columns)
    assert {"Indikaattori", "Muutos (ikkuna)", "Suunta"} <= set(indicators.columns)
    at = run("pages/palvelukeskustelualue.py", alue="PK-KESKI")
    assert "vahvistettu" in texts(at) and any("Alue" in f.columns for f in frames(at))


def test_summary_sentences_in_sv():
    with in_language("sv"):
        items = summarise_region(summary_table().assign(is_demo=True), STATUS, "Testby")
    text = {i["kind"]: [] for i in items}
    for i in items:
        text[i["kind"]].append(i["text"])
    assert text["paranee"][0].startswith("Förbättras: Työttömät (%): 10,0 (2020) → 8,0 (2024), förändring −5,0 % per år.")
    assert text["heikkenee"][0].startswith("Försämras: Yksinäiset (%)") and "per år." in text["heikkenee"][0]
    assert ("Jämfört med välfärdsområdet ligger Testby av 3 jämförbara mätare på en bättre nivå i 1, "
            "på samma nivå i 1 och på en sämre nivå i 1.") in text["vertailu"]
    assert text["toimenpiteet"] == ["Åtgärder: 4/9 par kommun × åtgärd genomförda (ja), 5 öppna (1 delvis, 2 nej, "
                                    "2 inget svar)."]
    assert text["huomio"] == ["Siffrorna är exempeldata — inte verkliga siffror."]
    # the codes stay Finnish: the values the page reads do not change with the language
    vs_hva = next(i for i in items if i["kind"] == "vertailu" and i["values"]["reference"] == "vs_hva")
    assert vs_hva["values"]["parempi"] == 1 and vs_hva["worse_indicator_ids"] == [2]


def test_indicator_table_and_chart_in_both_languages():
    from ui.charts import line_chart
    from ui.indicator_table import display_table

    rows = pd.DataFrame({"title_fi": ["A", "B"], "value": [1.5, None], "decimals": [1, 1], "unit": ["%", "%"],
                         "year": [2024, None], "trend_class": ["ei erotu", None], "trend_arrow": ["≈", None],
                         "trend_label": ["muutos ei erotu satunnaisvaihtelusta", None], "change_window": [None, None],
                         "window_start_year": [None, None], "vs_country": ["heikompi", None],
                         "direction": ["lower_better", "neutral"]})
    fi = display_table(rows, ["vs_country"])
    assert list(fi.columns) == ["Indikaattori", "Viimeisin", "Yksikkö", "Vuosi", "Kehitys", "Muutos (ikkuna)",
                                "vs. koko maa", "Suunta"]
    assert list(fi["Kehitys"]) == ["≈ muutos ei erotu satunnaisvaihtelusta", "· ei tietoa"]
    assert list(fi["vs. koko maa"]) == ["▼ heikompi", "· ei vertailua"]
    assert list(fi["Suunta"]) == ["pienempi on parempi", "ei arvosuuntaa"]
    with in_language("sv"):
        sv = display_table(rows, ["vs_country"])
        figure = line_chart(pd.DataFrame({"year": [2020, 2021], "value": [1, 2], "alue": ["X", "X"]}),
                            "year", "value", "alue", "T", "%")
    assert list(sv.columns) == ["Indikator", "Senaste", "Enhet", "År", "Utveckling", "Förändring (fönster)",
                                "jfr hela landet", "Riktning"]
    assert list(sv["Utveckling"]) == ["≈ förändringen urskiljs inte från slumpmässig variation", "· inga uppgifter"]
    assert list(sv["jfr hela landet"]) == ["▼ sämre", "· ingen jämförelse"]
    assert list(sv["Riktning"]) == ["mindre är bättre", "ingen värderiktning"]
    assert figure.layout.xaxis.title.text == "År"


@pytest.mark.parametrize("lang, expected", [("fi", "Rytmi: "), ("sv", "Rytm: ")])
def test_region_note_strings(lang, expected):
    from common.i18n import t

    with in_language(lang):
        assert t("notes.rhythm", rhythm="x") == expected + "x"
        assert t("map.attribution").endswith("CC BY 4.0")
