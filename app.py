"""Tilannekuva — the shared situational picture of a wellbeing services county (Streamlit entry point).

    ./run.sh      (installs on first run, builds the demo database if missing, serves the app)
"""
from __future__ import annotations

import gc

import streamlit as st

import readmodel  # noqa: F401  (the app's composition root: registers the stored page data with the store)
from common.i18n import LANGUAGE_NAMES, LANGUAGES, default_language, t, use_language, use_overrides
from data_sources.__main__ import main as cli
from readmodel import page_data
from store.config import db_path, region_config
from ui import data
from ui.layout import (
    accessibility_css,
    footer,
    query_param,
    region_facts,
    set_query_param,
    year_selector,
)
from ui.page_registry import PAGES
from ui.safe import md


def _switch_language() -> None:
    """The switch's callback runs before the script, so the whole rerun (page title, navigation) is in the
    new language; the URL keeps it (a default-language URL stays clean)."""
    chosen = st.session_state["sidebar_lang"]
    set_query_param("lang", None if chosen == default_language() else chosen)


# The reader's language for this run: ?lang= (the switch keeps it there), else the session's choice (moving
# to another page drops the URL's parameters), else TILANNEKUVA_LANG.
reader_language = use_language(query_param("lang") or st.session_state.get("sidebar_lang"))
use_overrides(region_config().strings)
set_query_param("lang", None if reader_language == default_language() else reader_language)
st.set_page_config(page_title=t("app_title", region=region_config().text("region.name", reader_language)),
                   page_icon="🧭", layout="wide")
accessibility_css()
# WCAG 3.1.1: the page's language for screen readers and hyphenation (Streamlit's own page says "en"). The
# value is one of LANGUAGES, never reader input.
st.html(f"<script>document.documentElement.lang = {reader_language!r};</script>", unsafe_allow_javascript=True)


@st.cache_resource(show_spinner=t("building_demo_db"))
def _ensure_database(path: str) -> None:
    cli(["ensure", "--db", path])


_ensure_database(str(db_path()))

page = st.navigation([st.Page(p.file, title=t(p.title_key), icon=p.icon, default=p.default, url_path=p.url_path)
                      for p in PAGES])

with st.sidebar:
    st.selectbox(t("language_switch"), LANGUAGES, index=LANGUAGES.index(reader_language),
                 format_func=LANGUAGE_NAMES.get, key="sidebar_lang", on_change=_switch_language)
    dep = region_facts()
    st.markdown(f"### {t('app_title', region=md(dep.region_name))}")
    st.caption(t("app_caption", parties=md(dep.parties), plan=md(dep.plan_name or "–")))
    munis = data.get(page_data.municipalities)
    areas = data.get(page_data.regions)
    areas = areas[areas["category"] == "PALVELUALUE"]
    codes = list(munis["code"])
    names = dict(zip(munis["code"], munis["name_fi"]))
    current = query_param("kunta", dep.default_municipality)
    muni = st.selectbox(t("sidebar_municipality"), codes, index=codes.index(current) if current in codes else 0,
                        format_func=lambda c: names.get(c, c), key="sidebar_kunta")
    set_query_param("kunta", muni)
    area_codes = list(areas["code"])
    area_names = dict(zip(areas["code"], areas["name_fi"]))
    default_area = data.get(page_data.area_of, muni) or (area_codes[0] if area_codes else None)
    # A new municipality brings its own area; the URL's area counts only while the municipality stays.
    changed = st.session_state.get("_sidebar_last_kunta") not in (None, muni)
    st.session_state["_sidebar_last_kunta"] = muni
    if changed:
        st.session_state.pop("sidebar_alue", None)
    current_area = default_area if changed else query_param("alue", default_area)
    area = st.selectbox(t("sidebar_area"), area_codes,
                        index=area_codes.index(current_area) if current_area in area_codes else 0,
                        format_func=lambda c: area_names.get(c, c), key="sidebar_alue")
    set_query_param("alue", area)
    st.session_state["municipality"] = muni
    st.session_state["area"] = area
    st.session_state["year"] = year_selector()

page.run()
footer()


@st.cache_resource(show_spinner=False)
def _freeze_long_lived(page_path: str) -> None:
    """Once per page and server process, after its first run: what the process holds then (modules, plotly's
    validators, the caches' frames) moves out of the garbage collector's sight. Without it every automatic full
    collection walked that heap - at national scale a pause of a tenth of a second or more inside a page run,
    and every other reader waited for it (issue 17). Garbage is collected first, so nothing dead is kept."""
    gc.collect()
    gc.freeze()


_freeze_long_lived(page.url_path)
