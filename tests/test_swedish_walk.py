"""A reader in Swedish walks every page (issue 16): no Finnish UI word may remain on a page opened with ?lang=sv.

The walk starts the app on the demo database (tests/browser.py), opens every page of ui/page_registry.py with
?lang=sv, waits for the page's own heading (h1) in Swedish (the title in common/strings/app.toml), saves a
full-page screenshot into TILANNEKUVA_SCREENSHOTS (default: a temporary folder) and reads the visible text
(document.body.innerText with the dataframes — canvas — hidden; kept beside the screenshot as
sv-<page>.txt). The check then

  (a) removes every data string that is legitimately Finnish: the plan's own texts and the names read from
      the database (goal, level, action, metric and question texts, meetings and deliverables, parties,
      region, municipality, area and county names in Finnish and Swedish, the indicator catalogue's own
      texts, texts that Sotkanet gives in Finnish only) — `legitimate_finnish(db)`;
  (b) searches what is left for common Finnish UI words (FINNISH_WORDS) as whole words,

and fails naming every page with its offending lines (also written to finnish_lines.txt beside the
screenshots).

The check is not loosened to pass: a Finnish word on a Swedish page is a string that still needs its sv text.
Heavy (one app, eleven pages computed live in Swedish): run it on its own,
`.venv/bin/python -m pytest -q -p no:cacheprovider tests/test_swedish_walk.py`.
"""
from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

import pytest

from common.i18n import in_language, t
from store.config import counties
from store.warehouse import connect_read
from data_sources.admin_auth import ENV_VAR, hash_password
from tests.browser import EXAMPLE_QUERY, chromium, exception_boxes, log_in, require_browser, running_app
from ui import page_registry

# Common Finnish UI words, matched as whole words (no letter either side) and case-insensitively: none of
# them is a Swedish word.
FINNISH_WORDS = (
    "tavoite", "tavoitteet", "tavoitteen", "tavoitteita", "toimenpide", "toimenpiteet", "toimenpiteen",
    "toimenpidettä", "toimenpiteitä", "kunta", "kunnat", "kunnan", "kuntien", "kuntaa", "kunnittain",
    "alue", "alueen", "alueet", "alueiden", "aluetta", "hyvinvointialue", "hyvinvointialueen",
    "lataa", "lataus", "ladattu", "näytä", "näytetään", "vuosi", "vuoden", "vuodet", "vuonna", "vuosittain",
    "mittari", "mittarit", "mittarin", "mittareita", "indikaattori", "indikaattorit", "indikaattorin",
    "lähde", "lähteet", "päivitetty", "päivitys", "ei tietoja", "tietoja", "tiedot", "valitse", "kyllä",
    "osittain", "ei vastausta", "vastaus", "vastaukset", "vastausta", "vastanneet", "kysely", "kyselyn",
    "kysymys", "kysymykset", "paranee", "heikkenee", "ennallaan", "parempi", "heikompi", "yhteensä",
    "keskiarvo", "mediaani", "arvo", "arvot", "muutos", "tallenna", "kirjaudu", "salasana", "kaikki",
    "esimerkkiaineisto", "yhteenveto", "tilanne", "seuranta", "kokous", "kokoukset", "suunnitelma",
    "sivu", "lisää", "katso", "puuttuu", "puuttuvat", "viimeisin", "uusin", "henkilöä", "euroa", "asukasta",
    "osuus", "ei", "tai", "vai", "sekä", "mukaan", "kohti", "koko maa",
)
# Streamlit's own words while a script runs: a page read in that state was not read whole
RUNNING_WORDS = ("Stop", "Running...")
# The Finnish conjunction "ja": lower case, between two words (letter, space, ja, space, letter). Swedish has
# "ja" too, as the status label of kyllä ("HVA: ja · …", "alla ja → ja", "✔ ja (genomförd)"): beside a
# symbol or punctuation it is not the conjunction, and next to a Swedish function word it is Swedish
# ("inget ja eller delvis") — a Finnish sentence never has "inget ja" or "ja eller".
SWEDISH_NEIGHBOURS = frozenset("""
    inget något ett en med eller och som är om på att alla var varje ingen svarat svar svarade besvarat
    nej delvis status """.split())
FINNISH_PATTERNS = (
    re.compile(r"(?<![^\W\d_])(" + "|".join(re.escape(w) for w in sorted(FINNISH_WORDS, key=len, reverse=True))
               + r")(?![^\W\d_])", re.IGNORECASE),
)
PASSWORD = "ruotsinkielinen ylläpitäjä 2026"  # the walk's own admin password (hashed into the app's environment)
HOLE = "\ue000"  # where a data string was: a word for the conjunction check ("Kuopio ja Iisalmi")
CONJUNCTION = re.compile(rf"([^\W\d_]+|{HOLE}) (ja) (?=([^\W\d_]+|{HOLE}))")
# URL parameter names are codes (?tavoite=…&taso=…), not words
URL_PARAMETER = re.compile(r"[?&][^\s=&?]+=")
ELLIPSIS = re.compile(r"(…|\.\.\.)")

# Texts of the database that are the plan's own words or names (data in the language they were written in).
DATA_SQL = (
    "SELECT name_fi FROM region", "SELECT name_sv FROM region",
    # Sotkanet's region category codes (HYVINVOINTIALUE, KUNTA …), matched in capitals only
    "SELECT DISTINCT category FROM region", "SELECT DISTINCT region_category FROM observation",
    "SELECT source FROM region_member",
    "SELECT title_fi FROM goal", "SELECT short_fi FROM goal",
    "SELECT title_fi FROM level", "SELECT short_fi FROM level",
    "SELECT text_fi FROM action", "SELECT responsible_fi FROM action",
    "SELECT text_fi FROM metric",
    "SELECT text_fi FROM survey_question",
    "SELECT title_fi FROM meeting", "SELECT parties_fi FROM meeting", "SELECT basis_fi FROM meeting",
    "SELECT party_fi FROM deliverable", "SELECT text_fi FROM deliverable", "SELECT basis_fi FROM deliverable",
    "SELECT text_fi FROM meeting_decision", "SELECT responsible_fi FROM meeting_decision",
    "SELECT name_fi FROM party", "SELECT short_fi FROM party", "SELECT note_fi FROM party",
    "SELECT note FROM action_status",
    # free-text survey answers (not the coded ones: "kyllä"/"ei" are codes shown through value_label)
    "SELECT a.answer FROM survey_answer a JOIN survey_question q USING (question_id) WHERE q.type = 'text'",
    # the respondents' roles as the survey file names them ("hyte-koordinaattori")
    "SELECT DISTINCT respondent_role FROM survey_response",
    "SELECT name_fi FROM geometry",
    # the indicator catalogue's own texts (region folder, Finnish only) and the producer's name
    "SELECT direction_reason FROM indicator", "SELECT notes FROM indicator", "SELECT organisation FROM indicator",
    # what Sotkanet gives in Finnish only: a Swedish reader gets the Finnish (store.warehouse.localize)
    "SELECT title_fi FROM indicator WHERE coalesce(title_sv, '') = ''",
    "SELECT description_fi FROM indicator WHERE coalesce(description_sv, '') = ''",
    "SELECT interpretation_fi FROM indicator WHERE coalesce(interpretation_sv, '') = ''",
    "SELECT limits_fi FROM indicator WHERE coalesce(limits_sv, '') = ''",
)
# Texts hidden before reading the page's text: dataframes are canvas (their cells are data, not UI).
VISIBLE_TEXT_JS = """
const hidden = [...document.querySelectorAll('[data-testid="stDataFrame"], [data-testid="stDataFrameResizable"]')];
const before = hidden.map(e => e.style.visibility);
hidden.forEach(e => e.style.display = 'none');
const text = document.body.innerText;
hidden.forEach((e, i) => { e.style.display = ''; e.style.visibility = before[i]; });
return text;
"""
PAGE_HEIGHT_JS = """
const boxes = [document.scrollingElement || document.documentElement, document.body,
               ...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"],'
                                            + ' [data-testid="stSidebarContent"]')];
return Math.max(...boxes.map(e => e.scrollHeight));
"""
HEADING_JS = """return [...document.querySelectorAll('[data-testid="stMain"] h1')].map(h => h.innerText);"""
RUNNING_JS = """return document.querySelectorAll('[data-testid="stStatusWidget"]').length;"""
OPEN_EXPANDERS_JS = """
const closed = [...document.querySelectorAll('[data-testid="stMain"] details:not([open]) > summary')];
closed.forEach(s => s.click());
return closed.length;
"""
TABS_JS = """return [...document.querySelectorAll('[data-testid="stMain"] button[role="tab"]')].map(b => b.innerText);"""
CLICK_TAB_JS = """
const tabs = [...document.querySelectorAll('[data-testid="stMain"] button[role="tab"]')];
if (arguments[0] < tabs.length) { tabs[arguments[0]].click(); return true; }
return false;
"""


def legitimate_finnish(db: Path) -> list[str]:
    """Every data string shown as it is (one per line of a multi-line text), longest first."""
    con = connect_read(db)
    try:
        values = [r[0] for sql in DATA_SQL for r in con.execute(sql).fetchall()]
    finally:
        con.close()
    values += [c.name_fi for c in counties()] + [c.name_sv for c in counties()]
    pieces = {" ".join(line.split()) for v in values if isinstance(v, str) for line in v.splitlines()}
    return sorted((p for p in pieces if len(p) >= 2), key=len, reverse=True)


def data_remover(data: list[str]):
    """A function line -> the line without the data strings (whole words only) and without a data string cut
    short with an ellipsis (labels shortened to fit: "Lasten ja nuorten…")."""
    # whole words: no letter on either side (a chart label may glue a number to a name: "Kaavi11,8")
    pattern = re.compile("|".join(rf"(?<![^\W\d_]){re.escape(d)}(?![^\W\d_])" for d in data)) if data else None

    def cut_prefix(line: str) -> str:
        out, pos = line, 0
        while (m := ELLIPSIS.search(out, pos)) is not None:
            head = out[:m.start()].rstrip()
            starts = [0] + [i + 1 for i, ch in enumerate(head) if not ch.isalnum() and ch not in "-'"]
            for start in starts:  # the longest piece before the ellipsis that begins a data string
                piece = head[start:].strip()
                if len(piece) >= 4 and any(d.startswith(piece) and len(d) > len(piece) for d in data):
                    out = out[:start] + HOLE + out[m.end():]
                    pos = start
                    break
            else:
                pos = m.end()
        return out

    def remove(line: str) -> str:
        line = " ".join(line.split())
        if ELLIPSIS.search(line):
            line = cut_prefix(line)
        if pattern is not None:
            line = pattern.sub(HOLE, line)
        return " ".join(URL_PARAMETER.sub(" ", line).split())

    return remove


def finnish_lines(text: str, remove) -> list[str]:
    """The lines of `text` that still hold a Finnish UI word once the data strings are removed, each with the
    words found: 'line  [words]'."""
    found = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        rest = remove(line)
        words = {m.group(1) for p in FINNISH_PATTERNS for m in p.finditer(rest)}
        words |= {m.group(2) for m in CONJUNCTION.finditer(rest)
                  if m.group(1).lower() not in SWEDISH_NEIGHBOURS and m.group(3).lower() not in SWEDISH_NEIGHBOURS}
        words = sorted(words, key=str.lower)
        if words:
            shown = line if len(line) <= 220 else line[:217] + "…"
            found.append(f"{shown}  [{', '.join(words)}]")
    return found


def screenshot_dir() -> Path:
    folder = os.environ.get("TILANNEKUVA_SCREENSHOTS")
    path = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="tilannekuva-sv-"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def swedish_pages() -> list[tuple[str, str]]:
    """(URL path with ?lang=sv and the page's example parameters, its Swedish title)."""
    with in_language("sv"):
        out = []
        for page in page_registry.PAGES:
            query = "&".join(q for q in ("lang=sv", EXAMPLE_QUERY.get(page.url_path, "")) if q)
            out.append((f"{'' if page.default else page.url_path}?{query}", t(page.title_key)))
        return out


def wait_for_swedish_heading(driver, title: str, timeout: float = 120) -> str:
    """Wait until the page's h1 starts with `title` and the page has settled: the app not running and its text
    unchanged for 2 s (the h1 is drawn before the rest, and the running indicator shows only after a moment,
    so one quiet look is no proof). '' when it did, else what the page showed instead (the walk goes on and
    reports it)."""
    deadline = time.monotonic() + timeout
    headings: list[str] = []
    quiet_since, last_text = None, None
    while time.monotonic() < deadline:
        headings = driver.execute_script(HEADING_JS)
        text = driver.execute_script(VISIBLE_TEXT_JS)
        settled = any(h.startswith(title) for h in headings) and not driver.execute_script(RUNNING_JS)
        if settled and text == last_text:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= 2.0:
                return ""
        else:
            quiet_since = None
        last_text = text
        time.sleep(0.4)
    return f"otsikko ei ole ruotsiksi: odotettiin {title!r}, sivun h1: {headings!r}"


def wait_until_idle(driver, timeout: float = 60) -> None:
    """After a click: wait for the rerun it starts to end — the app not running and the page's text unchanged
    for 1,5 s."""
    time.sleep(0.5)
    deadline = time.monotonic() + timeout
    quiet_since, last_text = None, None
    while time.monotonic() < deadline:
        text = driver.execute_script(VISIBLE_TEXT_JS)
        if not driver.execute_script(RUNNING_JS) and text == last_text:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= 1.5:
                return
        else:
            quiet_since = None
        last_text = text
        time.sleep(0.3)


def hidden_texts(driver, rounds: int = 3) -> list[str]:
    """The page's text with every expander open (lazy expanders build their content on opening, which may
    show more expanders: a few rounds), then once per tab of the page."""
    texts = []
    for _ in range(rounds):
        if not driver.execute_script(OPEN_EXPANDERS_JS):
            break
        wait_until_idle(driver)
    texts.append(driver.execute_script(VISIBLE_TEXT_JS))
    for index in range(len(driver.execute_script(TABS_JS))):
        if driver.execute_script(CLICK_TAB_JS, index):
            wait_until_idle(driver)
            driver.execute_script(OPEN_EXPANDERS_JS) and wait_until_idle(driver)
            texts.append(driver.execute_script(VISIBLE_TEXT_JS))
    return texts


def full_page_screenshot(driver, path: Path, width: int) -> None:
    """The whole page, not only the viewport: the viewport is made as tall as the page for the capture."""
    import base64

    height = min(int(driver.execute_script(PAGE_HEIGHT_JS) or 1800), 16000)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": max(height, 800), "deviceScaleFactor": 1, "mobile": False})
    try:
        time.sleep(0.8)  # the layout follows the new viewport
        height = min(int(driver.execute_script(PAGE_HEIGHT_JS) or height), 16000)
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": max(height, 800), "scale": 1}})
        path.write_bytes(base64.b64decode(shot["data"]))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# ---------------------------------------------------------------- the check itself (always runs, no browser)


def test_the_check_removes_data_and_finds_finnish_ui_words():
    remove = data_remover(sorted(["Kuopio", "HYVINVOINTIALUE", "Lasten ja nuorten hyvinvointi paranee",
                                  "Siilinjärvi, Lapinlahti, Kaavi ja Tuusniemi", "Kaikki kunnat tekevät yhdessä"],
                                 key=len, reverse=True))
    text = "\n".join([
        "Mål och åtgärder",                                  # Swedish UI: clean
        "Kommun: Kuopio",                                    # a name: clean
        "Servicediskussionsområde: Siilinjärvi, Lapinlahti, Kaavi ja Tuusniemi",   # a name with 'ja': clean
        "Åtgärd: Lasten ja nuorten hyvinvointi paranee",     # plan text: clean
        "Lasten ja nuorten…  ·  Kaikki kunnat…",             # plan texts cut short: clean
        "Status: Ja",                                        # the Swedish yes: clean
        "HVA: ja · 1/19 kommuner · liitto: delvis",          # the Swedish yes as a status label: clean
        "alla ja → ja; inget ja eller delvis men något nej → nej",   # Swedish: clean
        "Länken bevarar valet (?tavoite=…&taso=…).",         # URL parameter names are codes: clean
        "Sotkanets välfärdsområden (HYVINVOINTIALUE)",       # a category code: clean
        "Kuopio · Lasten ja nuorten …",                      # a name and a plan text cut short: clean
        "Kuopio11,8",                                        # a chart label: a name glued to its value
        "Vuosi2024",                                         # a Finnish word glued to a number
        "Lataa CSV",                                         # Finnish UI
        "Valitse kunta",                                     # Finnish UI
        "Kuopio ja Iisalmi",                                 # Finnish conjunction outside the data
        "Vuosi 2024 · ei tietoja",                           # Finnish UI
        "Kaikki kunnat",                                     # not the whole data string: Finnish UI
        "välfärdsområden, hyvinvointialue",                  # the Finnish word in lower case: Finnish UI
    ])
    found = finnish_lines(text, remove)
    assert found == ["Vuosi2024  [Vuosi]", "Lataa CSV  [Lataa]", "Valitse kunta  [kunta, Valitse]",
                     "Kuopio ja Iisalmi  [ja]", "Vuosi 2024 · ei tietoja  [ei tietoja, Vuosi]",
                     "Kaikki kunnat  [Kaikki, kunnat]", "välfärdsområden, hyvinvointialue  [hyvinvointialue]"]


def test_the_walk_visits_every_registered_page_in_swedish():
    pages = swedish_pages()
    assert len(pages) == len(page_registry.PAGES)
    assert all("lang=sv" in path for path, _ in pages)
    assert ("?lang=sv", "Lägesbild") in pages and ("kunta?lang=sv&kunta=749", "Kommun") in pages


# ---------------------------------------------------------------- the walk


@pytest.mark.browser
def test_every_page_in_swedish_shows_no_finnish_ui_words(demo_db, monkeypatch):
    require_browser()
    folder = screenshot_dir()
    remove = data_remover(legitimate_finnish(demo_db))
    width = 1400
    problems: dict[str, list[str]] = {}
    monkeypatch.setenv(ENV_VAR, hash_password(PASSWORD, iterations=100_000))
    with in_language("sv"):
        logged_in = t("admin.logged_in", user="").strip()
    with running_app(demo_db) as url, chromium(width=width) as driver:
        for path, title in swedish_pages():
            name = path.split("?")[0] or "tilannekuva"
            if name == "yllapito":  # logged in, so its maintenance tabs are walked too (a reload is a new session)
                log_in(driver, url, PASSWORD, lang="sv")
            else:
                driver.get(f"{url}/{path}")
            heading = wait_for_swedish_heading(driver, title)
            full_page_screenshot(driver, folder / f"sv-{name}.png", width)
            lines = [heading] if heading else []
            lines += [f"virhelaatikko: {box[:200]}" for box in exception_boxes(driver)]
            text = driver.execute_script(VISIBLE_TEXT_JS)
            hidden = hidden_texts(driver)
            (folder / f"sv-{name}.txt").write_text("\n\n".join([text, *hidden]), encoding="utf-8")  # what was checked
            lines += list(dict.fromkeys(line for part in [text, *hidden] for line in finnish_lines(part, remove)))
            lines += [f"sivu luettiin kesken ajon ({word!r} näkyi)" for part in [text, *hidden]
                      for word in RUNNING_WORDS if word in part.splitlines()]
            if name == "yllapito" and not any(logged_in in part for part in hidden):
                lines.append("ylläpitosivu ei ollut kirjautuneena: sen välilehtiä ei käyty läpi")
            lines += [f"virhelaatikko: {box[:200]}" for box in exception_boxes(driver)]
            lines = list(dict.fromkeys(lines))
            if lines:
                problems[name] = lines
    report = "\n\n".join(f"{page}:\n" + "\n".join(f"  {line}" for line in lines) for page, lines in problems.items())
    (folder / "finnish_lines.txt").write_text(report + "\n", encoding="utf-8")
    assert not problems, (f"Suomenkielisiä käyttöliittymän sanoja ruotsinkielisillä sivuilla "
                          f"({sum(map(len, problems.values()))} riviä, kuvakaappaukset {folder}):\n\n{report}")
