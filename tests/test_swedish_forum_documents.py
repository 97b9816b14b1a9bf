"""The forum's year and the documents in Swedish (issue 16): the Vuosikello page, the accessibility statement, the
'changed since the last forum' block of the overview, the change digest made from the stored facts in the
reader's language, the take-home brief and deck and the printable brief's fixed texts; Finnish stays the
default. Meeting titles, decisions, deliverables and the plan's texts are data: they stay as written."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timezone

import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from common.i18n import in_language, t, value_labels
from tests.test_app import APP, frames, texts
from tests.apptest import run

FINNISH_YEAR = ["Mitä kukin osapuoli tuo", "Kokoukset", "Päätökset ja sovitut toimenpiteet", "Muutoshälytykset",
                "Kuntafoorumin aineistot osapuolille", "Suunnitelman seurannan rytmi", "päivän päästä",
                "Koordinaattori lisää kokouksia", "Tarkistus lasketaan tiedoista", "Seuraavaksi:", "Jokainen lataus"]
FINNISH_YEAR_WIDGETS = ["Lataa Atom-syöte", "Lataa muutokset (CSV)", "Lataa kooste (HTML)", "Lataa kalvot (PPTX)",
                        "Osapuoli", "Vuosi", "Päivä", "Kokous", "Laji", "Osapuolet", "Peruste", "muutosta",
                        "valmistelussa", "otettu", "oletettu"]
# (meeting titles and deliverables are data: "Kuntafoorumi kevät 2027" stays as the folder wrote it)
FINNISH_ADMIN = ["Koordinaattori: kokoukset ja päätökset", "Lisää kokous", "Otsikko", "Kirjaa kokouksen päätös",
                 "Toimenpide, jota päätös koskee", "Vastuutaho", "Määräpäivä", "Avaa kokous valmisteluun", "sovittu toimenpide"]
FINNISH_A11Y = ["Palvelu täyttää", "WCAG-kriteeri", "Puute", "Kiertotie", "Tarkistus", "läpäisty", "Kaaviot (Plotly)",
                "Näkymä 390 px", "Käyttö näppäimistöllä"]


pytestmark = pytest.mark.usefixtures("swedish_by_test_name")


@pytest.fixture
def changed_env(fresh_db, monkeypatch):
    """The demo database after one more load that changed something (a status recorded): the change alerts."""
    from data_sources import action_status

    action_status.record_status("J-3-1", "Tervo", "kyllä", note="kuntafoorumin jälkeen", db=fresh_db)
    monkeypatch.setenv("TILANNEKUVA_DB", str(fresh_db))
    return fresh_db


def everything(at: AppTest) -> str:
    parts = [texts(at)] + [x.value for x in at.title] + [str(e.label) for e in at.expander]
    parts += [x.value for x in at.success] + [x.value for x in at.error]
    for kind in ("selectbox", "text_input", "text_area", "date_input", "button", "toggle"):
        for w in getattr(at, kind):
            parts.append(str(w.label))
            parts += [str(o) for o in getattr(w, "options", [])]  # as shown (formatted)
    parts += [str(c) for f in frames(at) for c in f.columns]
    parts += [" ".join(str(v) for v in f.iloc[:, i]) for f in frames(at) for i in range(min(len(f.columns), 8))]
    parts += [str(b.proto.label) for b in at.get("download_button")]
    return "\n".join(parts)


def _absent(words: list[str], body: str) -> list[str]:
    return [w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", body)]


# ---------------------------------------------------------------- Vuosikello


def test_year_page_in_swedish(changed_env):
    at = run("pages/vuosikello.py", lang="sv")
    assert at.title[0].value == "Årshjul"
    headers = [h.value for h in at.header]
    assert {"Vad varje part tar med sig före de följande mötena", "Möten", "Beslut och överenskomna åtgärder",
            "Förändringslarm: vad de senaste laddningarna ändrade", "Kommunforumets material för parterna"} <= set(headers)
    body = everything(at)
    assert "Rytmen för uppföljningen av planen (" in body and "datumen är antagna tills koordinatorn bekräftar dem" in body
    assert "Koordinatorn lägger till möten" in body and "Kontrollen beräknas ur uppgifterna" in body
    meetings = next(f for f in frames(at) if "Möte" in f.columns)
    assert {"Datum", "Möte", "Typ", "Parter", "Beslut", "Lägesbild", "Grund"} == set(meetings.columns)
    assert set(meetings["Typ"]) <= {t_sv for t_sv in _swedish_kinds()}
    assert "Kommunforum" in set(meetings["Typ"])
    labels = [str(b.proto.label) for b in at.get("download_button")]
    assert {"Ladda ner Atom-flödet", "Ladda ner förändringarna (CSV)", "Ladda ner sammandraget (HTML)",
            "Ladda ner bildspelet (PPTX)"} <= set(labels)
    assert at.selectbox(key="take_home_party").label == "Part"
    assert at.selectbox(key="vuosikello_year").label == "År"
    delivered = [f for f in frames(at) if "Part" in f.columns]
    for frame in delivered:
        assert list(frame.columns) == ["Part", "Tar med sig före mötet", "Läge", "Kontroll", "Saknas"]
        assert set(frame["Läge"]) <= {"✔ klart", "✖ inte klart", "–"}
        checks = " ".join(frame["Kontroll"])
        assert "kuntaa" not in checks and "ladattu" not in checks
    alerts = [str(e.label) for e in at.expander if str(e.label).startswith("Laddning #")]
    assert alerts and all("förändringar" in a for a in alerts)
    assert not _absent(FINNISH_YEAR, body), _absent(FINNISH_YEAR, body)
    assert not _absent(FINNISH_YEAR_WIDGETS, body), _absent(FINNISH_YEAR_WIDGETS, body)
    assert "Toimenpiteet:" not in body and "Uutta tietoa" not in body  # the alerts' sections


def _swedish_kinds() -> set[str]:
    from readmodel import forum

    with in_language("sv"):
        return {forum.kind_name(k) for k in forum.KINDS}


def test_year_page_coordinator_forms_in_swedish(demo_env):
    at = run("pages/vuosikello.py", lang="sv", admin=True)
    body = everything(at)
    assert "Koordinator: möten och beslut" in [h.value for h in at.header]
    assert {"Lägg till möte", "Registrera mötets beslut eller en överenskommen åtgärd",
            "Öppna mötet för beredning"} <= {h.value for h in at.subheader}
    kinds = at.selectbox(key="decision_kind")
    assert list(kinds.options) == ["beslut", "överenskommen åtgärd"]  # shown in Swedish …
    assert kinds.value == "päätös"  # … the code stays Finnish
    assert not _absent(FINNISH_ADMIN, body), _absent(FINNISH_ADMIN, body)


def test_year_page_stays_finnish_by_default(changed_env):
    at = run("pages/vuosikello.py")
    assert at.title[0].value == "Vuosikello"
    headers = [h.value for h in at.header]
    assert {"Mitä kukin osapuoli tuo ennen seuraavia kokouksia", "Kokoukset", "Päätökset ja sovitut toimenpiteet",
            "Muutoshälytykset: mitä viimeisimmät lataukset muuttivat", "Kuntafoorumin aineistot osapuolille"} <= set(headers)
    meetings = next(f for f in frames(at) if "Kokous" in f.columns)
    assert {"Päivä", "Laji", "Osapuolet", "Päätöksiä", "Tilannekuva", "Peruste"} <= set(meetings.columns)
    assert "Kuntafoorumi" in set(meetings["Laji"])
    assert "Suunnitelman seurannan rytmi (" in texts(at)
    assert any(str(e.label).startswith("Lataus #") and "muutosta" in str(e.label) for e in at.expander)


# ---------------------------------------------------------------- the forum block on the overview


def test_forum_block_on_the_overview_in_swedish(demo_env):
    at = run(lang="sv")
    body = texts(at)
    assert "**Förändringar sedan föregående kommunforum** — " in body
    assert "Muutokset edellisen" not in body and "kuntafoorumin jälkeen" not in body
    assert "Vuosikellossa ei ole vielä" not in body and "Ei muutoksia: toimenpiteiden" not in body
    assert not any(str(e.label).startswith("Näytä kaikki") for e in at.expander)


def test_forum_block_stays_finnish_by_default(demo_env):
    at = run()
    assert "**Muutokset edellisen kuntafoorumin jälkeen** — " in texts(at)


# ---------------------------------------------------------------- the accessibility statement


def test_accessibility_statement_in_swedish(demo_env):
    at = run("pages/saavutettavuus.py", lang="sv")
    assert at.title[0].value == "Tillgänglighetsutlåtande"
    body = everything(at)
    assert "Tjänsten uppfyller tillgänglighetskraven delvis (WCAG 2.1, nivåerna A och AA)." in body
    gaps = next(f for f in frames(at) if "WCAG-kriterium" in f.columns)
    assert list(gaps.columns) == ["WCAG-kriterium", "Brist", "Alternativt sätt"]
    assert any(g.startswith("Diagrammen (Plotly)") for g in gaps["Brist"])
    assert "1.3.1 Information och relationer" in set(gaps["WCAG-kriterium"])  # the criterion's Swedish name
    checks = next((f for f in frames(at) if "Granskning" in f.columns), None)
    if checks is not None:  # the committed evaluation record has checks
        assert list(checks.columns) == ["Granskning", "Resultat", "Sidor"]
        assert set(checks["Resultat"]) <= {"✔ godkänd", "✘ inte godkänd"}
        assert any(c.startswith("Användning med tangentbord") for c in checks["Granskning"])
    assert not _absent(FINNISH_A11Y, body), _absent(FINNISH_A11Y, body)


def test_accessibility_statement_stays_finnish_by_default(demo_env):
    at = run("pages/saavutettavuus.py")
    body = everything(at)
    assert "Palvelu täyttää saavutettavuusvaatimukset osittain" in body
    gaps = next(f for f in frames(at) if "WCAG-kriteeri" in f.columns)
    assert list(gaps.columns) == ["WCAG-kriteeri", "Puute", "Kiertotie"]
    assert any(g.startswith("Kaaviot (Plotly)") for g in gaps["Puute"])


def test_every_known_gap_has_swedish():
    from readmodel.accessibility import GAPS_FILE

    rows = list(csv.DictReader(GAPS_FILE.open(encoding="utf-8")))
    assert rows and all(r["gap_sv"].strip() and r["workaround_sv"].strip() for r in rows)


# ---------------------------------------------------------------- the change digest: facts stored, words read


def test_the_change_digest_is_worded_when_read():
    """load_change keeps facts (kind, region, subject, before, after: codes); the sentences are made in the
    reader's language from them, so a digest a Finnish load stored reads in Swedish."""
    from readmodel import changes

    titles = {"regions": {"HVA": "Norra Savolax välfärdsområde", "844": "Tervo"},
              "indicators": {"5": "Arbetslösa"}, "actions": {"J-3-1": "Toiminta."}}
    records = [("action", "844", "J-3-1", "ei vastausta", "kyllä"), ("comparison", "844", "5:vs_hva", "parempi", "heikompi"),
               ("trend", "844", "5", "paranee", "heikkenee"), ("new_year", "844", "5", "2023", "2024"),
               ("data_updated", None, "5", "2026-01-02", "2026-03-04"), ("survey", None, "2026", "3", "5")]
    with in_language("sv"):
        grouped = [(x["section"], x["text"]) for x in changes.lines(records, titles)]
        single = [x["text"] for x in changes.lines(records, titles, group_regions=False)]
        table = changes.feed_csv([{"load_id": 7, "finished_at": datetime(2026, 3, 4, 10, tzinfo=timezone.utc), "source": "demo", "is_demo": True,
                                   "changes": records}], titles).decode("utf-8-sig")
        atom = changes.feed_atom([{"load_id": 7, "finished_at": datetime(2026, 3, 4, 10, tzinfo=timezone.utc), "source": "demo",
                                   "is_demo": True, "changes": records}], titles, feed_id="urn:x",
                                 title=t("changes.feed_title")).decode("utf-8")
    assert grouped == [
        ("Åtgärder", "J-3-1 Toiminta: klar (ja) — Tervo"),
        ("Jämförelsen ändrades", "Tervo: Arbetslösa — jämfört med välfärdsområdet bättre → sämre"),
        ("Utvecklingsklassen ändrades", "Tervo: Arbetslösa — utveckling förbättras → försämras"),
        ("Nya uppgifter", "Arbetslösa: nytt statistikår 2024 (Tervo)"),
        ("Nya uppgifter", "Arbetslösa: Sotkanets uppgifter uppdaterade 4.3.2026 (tidigare 2.1.2026)"),
        ("Nya uppgifter", "Kompassenkäten 2026: 5 svar (tidigare 3)"),
    ]
    assert single[0] == "J-3-1 Toiminta: inget svar → ja — Tervo"
    assert single[3] == "Tervo: Arbetslösa — nytt statistikår 2024 (tidigare 2023)"
    header = next(csv.reader(io.StringIO(table), delimiter=";"))
    assert header == ["load_id", "laddad", "källa", "typ", "område", "objekt", "före", "nu", "förändring"]
    assert "Laddning #7 (demo): 6 förändringar (exempeldata)" in atom and "Lägesbild: förändringar" in atom
    with in_language("fi"):
        finnish = [x["text"] for x in changes.lines(records, titles)]
    assert finnish[0] == "J-3-1 Toiminta: valmis (kyllä) — Tervo"
    assert finnish[1] == "Tervo: Arbetslösa — verrattuna hyvinvointialueeseen parempi → heikompi"
    assert finnish[2] == "Tervo: Arbetslösa — kehitys paranee → heikkenee"


def test_a_download_is_built_in_the_language_of_the_run_that_offered_it():
    """Streamlit builds a deferred download outside the script run, where the run's language is not set."""
    import contextvars

    from common.i18n import in_this_language

    with in_language("sv"):
        build = in_this_language(lambda: t("forum.done"))
    assert contextvars.Context().run(build) == "✔ klart"
    with in_language("fi"):
        assert contextvars.Context().run(in_this_language(lambda: t("forum.done"))) == "✔ valmis"


# ---------------------------------------------------------------- the take-home brief and deck, the printable brief


@pytest.fixture(scope="module")
def contents(demo_db):
    """The HVA's and Tervo's take-home content in each language, read as the app reads it (localized names)."""
    from readmodel import take_home
    from store.config import region_config
    from store.warehouse import connect_read, localize

    out = {}
    for lang in ("fi", "sv"):
        with connect_read(demo_db) as con, in_language(lang):
            cur = con.cursor()  # as ui.data reads
            cur.execute("USE wh")
            localize(cur, lang, value_labels("unit", lang))
            tervo = cur.execute("SELECT code FROM region WHERE category = 'KUNTA' AND code = '844'").fetchone()[0]
            out[lang] = {"HVA": take_home.content(cur, take_home.changes.HVA_KEY), "Tervo": take_home.content(cur, tervo)}
            out[lang]["region"] = region_config().id
    return out


def test_take_home_brief_and_deck_in_swedish(contents):
    from documents import take_home as render

    hva, tervo = contents["sv"]["HVA"], contents["sv"]["Tervo"]
    with in_language("sv"):
        document = render.brief_html(tervo, "sidfot")
        hva_document = render.brief_html(hva)
        deck = Presentation(io.BytesIO(render.deck_pptx(hva)))
    assert '<html lang="sv">' in document
    assert "Sammandrag för kommunforumet: " in document and "Exempeldata — inte verkliga siffror." in document
    for heading in ("Sammanfattning", "Förändringar sedan föregående kommunforum", "Pågående åtgärder",
                    "De tydligaste förändringarna", "Före nästa möte"):
        assert f"<h2>{heading}" in document, heading
    assert "Följs upp per kommun" in document and "<th>Kod</th>" in document and "<th>Ansvarig</th>" in document
    assert "sammanställt " in document and "%/år" in document
    for finnish in ("Yhteenveto", "Käynnissä olevat", "Muutokset edellisen", "Selvimmät", "Ennen seuraavaa",
                    "Kunnittain seurattava", "koottu", "Esimerkkiaineisto", "Tunnus", "Vastuutaho", "%/v<",
                    "kuntaa valmis", "vastannut kyselyyn", "Toimenpiteet:", "Uutta tietoa", "kehitys "):
        assert finnish not in document and finnish not in hva_document, finnish
    slides = [" ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in deck.slides]
    assert slides[0].startswith("Lägesbild: ") and "Sammanställt " in slides[0]
    assert all("Exempeldata — inte verkliga siffror" in s for s in slides)
    assert all(s.startswith("Mål ") for s in slides[1:-1]) and "Åtgärder: " in slides[1]
    assert slides[-1].startswith("Förändringar sedan föregående kommunforum")
    pictures = [s for slide in list(deck.slides)[1:-1] for s in slide.shapes if s.shape_type == 13]
    assert pictures and all(p._element.nvPicPr.cNvPr.get("descr").startswith("Stapeldiagram: ") for p in pictures)
    for text in slides:
        for finnish in ("Tilannekuva:", "Koottu", "Tavoite ", "Toimenpiteet:", "Paranevat", "Muutokset edellisen",
                        "Esimerkkiaineisto", "kuntaa valmis"):
            assert finnish not in text, finnish


def test_take_home_brief_stays_finnish_by_default(contents):
    from documents import take_home as render

    with in_language("fi"):
        document = render.brief_html(contents["fi"]["Tervo"])
    assert '<html lang="fi">' in document and "Kuntafoorumin kooste: " in document
    assert "<h2>Yhteenveto" in document and "<h2>Muutokset edellisen kuntafoorumin jälkeen" in document
    assert "Kunnittain seurattava" in document and "Esimerkkiaineisto — ei todellisia lukuja." in document


def test_printable_brief_fixed_texts_in_swedish():
    import pandas as pd

    from documents.brief import BriefSection, build_brief

    with in_language("sv"):
        table = pd.DataFrame({"Indikator": ["Arbetslösa"], "Senaste": ["12,5"]})
        document = build_brief("Tervo — kommunsammandrag", "Område X", [BriefSection("Mål 1", table, [([2020, 2021], [1, 2])]),
                                                                        BriefSection("Tomt", pd.DataFrame())],
                               is_demo=True)
    assert '<html lang="sv">' in document and "sammanställt " in document
    assert "Exempeldata — inte verkliga siffror." in document and "Utveckling: ▲ förbättras" in document
    assert "<th>Utveckling</th>" in document and "Inga uppgifter." in document
    assert '<td class="num">12,5</td>' in document and '<col class="first">' in document
    for finnish in ("koottu", "Esimerkkiaineisto", "Kehitys", "paranee", "Ei tietoja"):
        assert finnish not in document, finnish
