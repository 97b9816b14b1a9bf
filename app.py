"""Tilannekuva — the shared situational picture of Pohjois-Savo (Streamlit entry point).

    ./run.sh      (installs on first run, builds the demo database if missing, serves the app)
"""
from __future__ import annotations

import streamlit as st

from data_sources.config import db_path
from ui import data
from ui.layout import accessibility_css, footer, query_param, set_query_param, year_selector
from ui.strings import t

st.set_page_config(page_title=t("app_title"), page_icon="🧭", layout="wide")
accessibility_css()


@st.cache_resource(show_spinner="Rakennetaan esimerkkitietokantaa ensimmäistä käynnistystä varten…")
def _ensure_database(path: str) -> None:
    from data_sources.__main__ import main as cli

    cli(["ensure", "--db", path])


_ensure_database(str(db_path()))

PAGES = [
    st.Page("pages/tilannekuva.py", title=t("page_overview"), icon=":material/dashboard:", default=True, url_path="tilannekuva"),
    st.Page("pages/kunta.py", title=t("page_municipality"), icon=":material/location_city:", url_path="kunta"),
    st.Page("pages/alue.py", title=t("page_area"), icon=":material/forum:", url_path="palvelukeskustelualue"),
    st.Page("pages/vertailu.py", title=t("page_compare"), icon=":material/bar_chart:", url_path="vertailu"),
    st.Page("pages/trendit.py", title=t("page_trends"), icon=":material/show_chart:", url_path="trendit"),
    st.Page("pages/tavoitteet.py", title=t("page_plan"), icon=":material/flag:", url_path="tavoitteet"),
    st.Page("pages/kompassikysely.py", title=t("page_survey"), icon=":material/fact_check:", url_path="kompassikysely"),
    st.Page("pages/tietolahteet.py", title=t("page_sources"), icon=":material/menu_book:", url_path="tietolahteet"),
    st.Page("pages/yllapito.py", title=t("page_admin"), icon=":material/lock:", url_path="yllapito"),
]
page = st.navigation(PAGES)

with st.sidebar:
    st.markdown(f"### {t('app_title')}")
    st.caption(t("app_caption"))
    munis = data.get("municipalities")
    areas = data.get("regions")
    areas = areas[areas["category"] == "PALVELUALUE"]
    codes = list(munis["code"])
    names = dict(zip(munis["code"], munis["name_fi"]))
    current = query_param("kunta", "297")
    muni = st.selectbox(t("sidebar_municipality"), codes, index=codes.index(current) if current in codes else 0,
                        format_func=lambda c: names.get(c, c), key="sidebar_kunta")
    set_query_param("kunta", muni)
    area_codes = list(areas["code"])
    area_names = dict(zip(areas["code"], areas["name_fi"]))
    default_area = data.get("area_of", muni) or (area_codes[0] if area_codes else None)
    current_area = query_param("alue", default_area)
    area = st.selectbox(t("sidebar_area"), area_codes,
                        index=area_codes.index(current_area) if current_area in area_codes else 0,
                        format_func=lambda c: area_names.get(c, c), key="sidebar_alue")
    set_query_param("alue", area)
    st.session_state["municipality"] = muni
    st.session_state["area"] = area
    st.session_state["year"] = year_selector()

page.run()
footer()
