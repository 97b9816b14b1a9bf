"""A region folder's own words (region.toml [strings], issue 16): the second bundled county, Pohjois-Karjala,
shows none of the Pohjois-Savo plan's words ("palvelukeskustelualue", "palvelukeskustelu", "kuntafoorumi",
"kompassikysely") in either language; its overrides keep each string's placeholders and Markdown; the
default region overrides nothing. The catalogue is read through t() as the app reads it (t without values
gives the raw template: the folder's word first, as common.i18n.t chooses)."""
from __future__ import annotations

import contextvars
import re
import string

import pytest
from streamlit.testing.v1 import AppTest

from common import i18n
from common.i18n import LANGUAGES, catalogue, in_language, t, use_overrides
from store.config import region_config
from tests.conftest import SECOND_REGION
from tests.test_regions import APP, shown_text

# The Pohjois-Savo plan's words, in each language (any inflection: the stem is enough).
PLAN_WORDS = {
    "fi": re.compile(r"palvelukeskustelu|kuntafoorumi|kompassikysely", re.IGNORECASE),
    "sv": re.compile(r"servicediskussion|kommunforum|kompassenkät", re.IGNORECASE),
}
ANY_PLAN_WORD = re.compile("|".join(p.pattern for p in PLAN_WORDS.values()), re.IGNORECASE)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def markdown(text: str) -> tuple[int, int, int]:
    """The Markdown marks a string carries: bold, emphasis (single *), code."""
    return text.count("**"), text.count("*") - 2 * text.count("**"), text.count("`")


@pytest.fixture
def overrides_of():
    """region id -> its [strings] applied for this test (the previous overrides restored after)."""
    before = i18n._overrides.get()

    def apply(region: str) -> dict:
        strings = region_config(region).strings
        use_overrides(strings)
        return strings
    yield apply
    use_overrides(before)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_second_region_shows_none_of_the_default_plans_words(overrides_of, lang):
    overrides_of(SECOND_REGION)
    with in_language(lang):
        shown = {key: t(key) for key in catalogue()}
    leaked = {key: text for key, text in shown.items() if PLAN_WORDS[lang].search(text)}
    assert not leaked, f"{lang}: {len(leaked)} strings still use the Pohjois-Savo plan's words: {leaked}"
    # the folder's own words are the ones shown
    assert shown["page_area"] == {"fi": "Alueellinen kumppanuusryhmä", "sv": "Regional partnerskapsgrupp"}[lang]
    assert shown["page_survey"] == {"fi": "Seurantakysely", "sv": "Uppföljningsenkät"}[lang]


def test_every_plan_word_string_has_an_override_in_both_languages():
    strings = region_config(SECOND_REGION).strings
    wanted = {key for key, entry in catalogue().items() if any(ANY_PLAN_WORD.search(x) for x in entry.values())}
    assert len(wanted) > 50  # the scan finds them (a scan that finds none would pass vacuously)
    assert not wanted - set(strings), f"no override: {sorted(wanted - set(strings))}"
    missing = sorted(key for key, entry in strings.items() if set(entry) != set(LANGUAGES))
    assert not missing, f"an override without fi and sv: {missing}"


def test_every_override_keeps_the_originals_placeholders_and_markdown():
    strings = region_config(SECOND_REGION).strings
    assert strings
    wrong_placeholders, wrong_markdown = [], []
    for key, entry in strings.items():
        original = catalogue()[key]
        for lang, text in entry.items():
            if placeholders(text) != placeholders(original["fi"]):
                wrong_placeholders.append((key, lang, placeholders(text), placeholders(original["fi"])))
            if markdown(text) != markdown(original.get(lang, original["fi"])):
                wrong_markdown.append((key, lang))
    assert not wrong_placeholders, wrong_placeholders
    assert not wrong_markdown, wrong_markdown


def test_the_default_region_overrides_nothing(overrides_of):
    assert region_config("pohjois-savo").strings == {}
    overrides_of("pohjois-savo")
    for lang in LANGUAGES:
        with in_language(lang):
            assert all(t(key) == (entry.get(lang) or entry["fi"]) for key, entry in catalogue().items())
        with in_language(lang):
            assert t("page_area") == {"fi": "Palvelukeskustelualue", "sv": "Servicediskussionsområde"}[lang]


# The app itself: the second region's area and survey pages, titled and labelled in its own words.
OWN_WORDS = {
    "fi": {"area": "Alueellinen kumppanuusryhmä", "survey": "Seurantakysely",
           "pielinen": "Pielisen Karjalan seutukunta"},
    "sv": {"area": "Regional partnerskapsgrupp", "survey": "Uppföljningsenkät",
           "pielinen": "Pielisen Karjala ekonomiska region"},
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_second_region_area_and_survey_pages_use_its_own_words(region_demo_db, monkeypatch, lang):
    """app.py applies the folder's words (use_overrides) and the language on every run: its sidebar and
    navigation show them. AppTest's switch_page then runs the page file on its own (app.py does not run again;
    tests/test_swedish_*.py), so the page's run is given the language as a deployment names it
    (TILANNEKUVA_LANG) and the folder's overrides as app.py sets them (a fresh context has none)."""
    words = OWN_WORDS[lang]
    monkeypatch.setenv("TILANNEKUVA_DB", str(region_demo_db(SECOND_REGION)))
    monkeypatch.setenv("TILANNEKUVA_REGION", SECOND_REGION)
    monkeypatch.setenv("TILANNEKUVA_LANG", lang)
    monkeypatch.setattr(i18n, "_overrides", contextvars.ContextVar(
        "tilannekuva_string_overrides", default=region_config(SECOND_REGION).strings))

    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["alue"] = "KR-PIELINEN"
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert words["area"] in [s.label for s in at.selectbox]  # app.py's sidebar area box (sidebar_area)
    navigation = {info.get("url_pathname"): info.get("page_name") for info in at._registered_pages.values()}
    assert navigation["palvelukeskustelualue"] == words["area"]  # page_area, app.py's st.navigation
    assert navigation["kompassikysely"] == words["survey"]  # page_survey

    at.switch_page("pages/palvelukeskustelualue.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == f"{words['area']}: {words['pielinen']}"
    assert not PLAN_WORDS[lang].search(shown_text(at)), PLAN_WORDS[lang].findall(shown_text(at))

    at.switch_page("pages/kompassikysely.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == words["survey"]
    assert not PLAN_WORDS[lang].search(shown_text(at)), PLAN_WORDS[lang].findall(shown_text(at))
