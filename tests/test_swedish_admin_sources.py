"""The Tietolähteet and Ylläpito pages in Swedish (?lang=sv), Finnish by default (issue 16)."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_app import APP, frames, texts
from tests.apptest import run

FAST = 100_000  # the fewest iterations a hash may have


pytestmark = pytest.mark.usefixtures("swedish_by_test_name")


def _body(at: AppTest) -> str:
    parts = [texts(at)] + [str(e.value) for e in at.error] + [str(s.value) for s in at.success]
    parts += [str(c.value) for c in at.code] + [str(e.label) for e in at.expander]
    return "\n".join(parts)


def test_sources_page_swedish(demo_env):
    at = run("pages/tietolahteet.py", lang="sv")
    assert at.title[0].value == "Datakällor"
    headers = [h.value for h in at.header]
    assert {"Källor och licenser", "Underhåll", "Indikatorer", "Laddningslogg",
            "Kommungränser och sparade lägesbilder", "Områdesindelningar"} <= set(headers)
    body = _body(at)
    assert "**Kompassenkäten**" in body and "Hänvisning: *Källa: THL, Sotkanet.fi, indikator N" in body
    assert "**Exempeldata används**" in body and "Av kompassenkätens svar är" in body
    assert "Inga kommungränser har laddats" in body and "Datateamets kommandon (på servern)" in body
    assert "Områdesmapp" in body or "områdesmappens fil" in body
    # the commands stay commands, their explanations are Swedish
    code = "\n".join(str(c.value) for c in at.code)
    assert "python -m data_sources refresh" in code and "# månatlig uppdatering" in code
    assert "kuukausittainen päivitys" not in code
    for finnish in ("Lähteet ja lisenssit", "Latausloki", "Kuntarajoja ei ole ladattu", "Esimerkkiaineisto on käytössä",
                    "Tietotiimin komennot", "Viittaus:", "ja sen voi korjata ilman koodimuutoksia", "Aluejaot"):
        assert finnish not in body, finnish
    assert at.metric[0].label == "Exempeldatas andel av indikatorraderna (is_demo)"
    indicators = next(f for f in frames(at) if "Indikator" in f.columns)
    assert {"Producent", "Uppdaterad (Sotkanet)", "Senaste laddning", "Rader", "Data", "Licens"} <= set(indicators.columns)
    assert set(indicators["Data"]) <= {"EXEMPEL", "verklig", "–"} and "EXEMPEL" in set(indicators["Data"])
    log = next(f for f in frames(at) if "Källa" in f.columns and "Meddelande" in f.columns)
    assert {"Mål", "Status", "Började", "Slutade", "Data", "Licens"} <= set(log.columns)
    assert "exempeldata" in set(log["Källa"])  # the source in words (values.toml load_source)
    # the loaders' stored messages and licences in Swedish (common.i18n.Phrase), times as on every page
    demo_load = log[log["Källa"] == "exempeldata"].iloc[0]
    assert demo_load["Meddelande"] == "Exempeldata — inte verkliga siffror"
    assert demo_load["Licens"] == "Exempeldata; inga licensvillkor" and demo_load["Data"] == "EXEMPEL"
    assert all(" kl. " in str(v) for v in log["Började"]), list(log["Började"])
    licences = set(indicators["Licens"])
    assert "Sotkanet.fi (THL); producent Tilastokeskus, enligt producentens användarvillkor" in licences
    assert not any("käyttöehdoin" in str(v) for v in licences)
    assert set(indicators["Metadata"]) <= {"sotkanet.fi", "–"}  # a link, shown by its site
    body_html = next(h.proto.body for h in at.get("html") if ">Metadata<" in h.proto.body)
    hrefs = re.findall(r'href="([^"]+)"', body_html)
    assert hrefs and all("/sotkanet/sv/metadata/" in u for u in hrefs), hrefs[:3]
    areas = next(f for f in frames(at) if "Kategori" in f.columns)
    assert set(areas.columns) == {"Kategori", "Område", "Kommun", "Status", "Källa"}
    assert set(areas["Status"].dropna()) <= {"✔ bekräftad", "? antagen"}
    assert "servicediskussionsområde" in set(areas["Kategori"])
    links = [str(p.proto.label) for p in at.get("page_link")]
    assert "Gå till sidan Underhåll (inloggning)" in links


def test_sources_page_stays_finnish_by_default(demo_env):
    at = run("pages/tietolahteet.py")
    assert at.title[0].value == "Tietolähteet"
    body = _body(at)
    assert "Lähteet ja lisenssit" in [h.value for h in at.header]
    assert "Kuntarajoja ei ole ladattu" in body and "# kuukausittainen päivitys" in body
    assert "Källor och licenser" not in body and "Exempeldata" not in body
    indicators = next(f for f in frames(at) if "Indikaattori" in f.columns)
    assert {"Tuottaja", "Päivitetty (Sotkanet)", "Aineisto"} <= set(indicators.columns)
    assert "ESIMERKKI" in set(indicators["Aineisto"])
    log = next(f for f in frames(at) if "Lähde" in f.columns and "Viesti" in f.columns)
    assert "Esimerkkiaineisto — ei todellisia lukuja" in set(log["Viesti"])
    assert "Sotkanet.fi (THL); tuottaja Tilastokeskus, tuottajan käyttöehdoin" in set(indicators["Lisenssi"])


def _admin_app(monkeypatch, lang: str | None, logged_in: bool, hash_value: str | None) -> AppTest:
    from data_sources.admin_auth import ENV_VAR

    if hash_value:
        monkeypatch.setenv(ENV_VAR, hash_value)
    else:
        monkeypatch.delenv(ENV_VAR, raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    if lang:
        at.query_params["lang"] = lang
    if logged_in:
        at.session_state["admin_user"] = "testi"
    at.run()
    at.switch_page("pages/yllapito.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def password_hash():
    from data_sources.admin_auth import hash_password

    return hash_password("oikea salasana 123", iterations=FAST)


def test_admin_page_off_swedish(demo_env, monkeypatch):
    at = _admin_app(monkeypatch, "sv", logged_in=False, hash_value=None)
    assert at.title[0].value == "Underhåll"
    assert any("Underhållsfunktionerna" in i.value and "avstängda" in i.value for i in at.info)
    body = _body(at)
    assert "miljövariabeln `TILANNEKUVA_ADMIN_PASSWORD_HASH`" in body and "hash-password" in body
    assert "pois päältä" not in body and "ympäristömuuttujaan" not in body


def test_admin_invalid_hash_swedish(demo_env, monkeypatch):
    at = _admin_app(monkeypatch, "sv", logged_in=False, hash_value="pbkdf2_sha256$10$00$00")
    assert [e.value for e in at.error] == ["Underhållets lösenordshash är ogiltig. Skapa en ny med kommandot "
                                           "`python -m data_sources hash-password`."]


def test_admin_login_swedish(demo_env, monkeypatch, password_hash):
    at = _admin_app(monkeypatch, "sv", logged_in=False, hash_value=password_hash)
    assert at.text_input[0].label == "Underhållets lösenord"
    assert [str(b.label) for b in at.button] == ["Logga in"]
    at.text_input[0].input("väärä"); at.button[0].click(); at.run()
    assert [e.value for e in at.error] == ["Fel lösenord."] and not at.tabs


def test_admin_logged_in_swedish(fresh_db, monkeypatch, password_hash):
    monkeypatch.setenv("TILANNEKUVA_DB", str(fresh_db))  # the test records a status
    at = _admin_app(monkeypatch, "sv", logged_in=True, hash_value=password_hash)
    assert [tab.label for tab in at.tabs] == ["Kompassenkäten", "Åtgärdernas status", "Egna mätare"]
    subheaders = [h.value for h in at.subheader]
    assert {"Ladda upp enkätens svar", "Laddade enkätfiler", "Registrera åtgärdens status", "Åtgärdernas status",
            "Importera statusar från en fil", "Egna mätare"} <= set(subheaders)
    labels = {str(w.label) for w in at.text_input} | {str(w.label) for w in at.selectbox} | {str(w.label) for w in at.radio}
    assert {"Registrerarens namn (sparas i laddningsloggen och statusanteckningarna)", "Framstegen i korthet (valfritt)",
            "Åtgärd", "Ansvarig", "Status"} <= labels
    radio = at.radio[0]
    assert radio.value == "kyllä" and [radio.format_func(o) for o in radio.options] == ["ja", "delvis", "nej"]
    uploaders = [str(u.proto.label) for u in at.get("file_uploader")]
    assert uploaders == ["Svarsfil", "Statusfil (CSV eller XLSX, samma kolumner som i nedladdningen)",
                         "Ifylld mall (CSV eller XLSX)"]
    downloads = [str(b.proto.label) for b in at.get("download_button")]
    assert "Ladda ner mallen (CSV)" in downloads and "Ladda ner CSV (hela historiken)" in downloads
    surveys = next(f for f in frames(at) if "Laddning" in f.columns)
    assert list(surveys.columns) == ["Laddning", "År", "Fil", "Laddad", "Svar", "Gällande", "Kommunkoder", "Exempel"]
    statuses = next(f for f in frames(at) if "åtgärd" in f.columns)
    assert {"kommun", "status", "datum", "anteckning", "registrerare"} <= set(statuses.columns)
    assert set(statuses["status"]) <= {"ja", "delvis", "nej"}
    body = _body(at)
    assert "Inloggad: testi" in body and "En rad per respondent" in body
    for finnish in ("Kirjautunut:", "Lataa kyselyn vastaukset", "Rivi per vastaaja", "Omia mittareita",
                    "Vastuutahot:", "CSV:n voi muokata"):
        assert finnish not in body, finnish
    # a status recorded in Swedish is stored with the Finnish code and confirmed in Swedish
    radio.set_value("osittain")
    [b for b in at.button if b.label == "Spara"][0].click()
    at.run()
    assert not at.exception
    assert any("Sparat (anteckning #" in s.value and ": delvis." in s.value for s in at.success)


def test_admin_logged_in_stays_finnish_by_default(demo_env, monkeypatch, password_hash):
    at = _admin_app(monkeypatch, None, logged_in=True, hash_value=password_hash)
    assert [tab.label for tab in at.tabs] == ["Kompassikysely", "Toimenpiteiden tila", "Omat mittarit"]
    assert "Kirjautunut: testi" in _body(at)
    statuses = next(f for f in frames(at) if "toimenpide" in f.columns)
    assert {"kunta", "tila", "päivämäärä", "huomio", "kirjaaja"} <= set(statuses.columns)
    assert [at.radio[0].format_func(o) for o in at.radio[0].options] == ["kyllä", "osittain", "ei"]
