"""Palvelukeskustelualue — the area's rollups next to its member municipalities, by discussion theme."""
import pandas as pd
import streamlit as st

from ui import data
from ui.format import fi_number
from ui.indicator_table import display_table
from ui.layout import page_demo_banner, source_caption
from ui.strings import t
from ui.tables import download_buttons

THEMES = {
    "vaesto": "Väestö ja palvelutarpeet", "hyte": "Hyvinvoinnin ja terveyden edistäminen",
    "talous": "Talouden mittarit", "lapset": "Lapset, nuoret ja perheet", "tyollisyys": "Työllisyys",
    "kotoutuminen": "Maahanmuutto ja kotoutuminen", "turvallisuus": "Turvallisuus ja varautuminen",
    "palvelut": "Palvelut ja yhdyspinnat",
}

area = st.session_state.get("area")
year = st.session_state.get("year")
members = data.get("members")
mine = members[(members["group_category"] == "PALVELUALUE") & (members["group_code"] == area)]
area_name = mine["group_name"].iloc[0] if len(mine) else area
st.title(f"{t('page_area')}: {area_name}")
status = "vahvistettu (Yhdyspintasuunnitelma 2030)" if (mine["status"] == "verified").all() else \
    "osin oletettu — hyvinvointialueen aluejako ei ole julkinen; ks. Tietolähteet"
st.caption(f"Kunnat: {', '.join(mine['member_name'])} · jäsenyys: {status}")
page_demo_banner()

table = data.get("region_indicator_table", "PALVELUALUE", area, year_max=year,
                 references=[("vs_hva", "HYVINVOINTIALUE", "13"), ("vs_country", "MAA", "358")])
codes = list(mine["member_code"])
names = dict(zip(mine["member_code"], mine["member_name"]))
obs = data.get("observations", [("KUNTA", c) for c in codes] + [("PALVELUALUE", area)], None, year)
estimates = data.query(
    "SELECT indicator_id, bool_or(is_estimate) AS is_estimate, bool_or(is_incomplete) AS is_incomplete "
    "FROM derived_observation WHERE region_category = 'PALVELUALUE' AND region_code = ? AND year <= ? GROUP BY indicator_id",
    (area, year or 9999))
table = table.merge(estimates, on="indicator_id", how="left")

for theme, theme_name in THEMES.items():
    rows = table[table["theme"] == theme]
    if rows.empty:
        continue
    st.header(theme_name)
    shown = display_table(rows, ["vs_hva", "vs_country"])
    shown.insert(1, "Arvio", ["väestöpainotettu arvio" if e else "laskettu lukumääristä" for e in rows["is_estimate"].fillna(False)])
    st.dataframe(shown, hide_index=True, width="stretch")
    latest = obs[obs["indicator_id"].isin(rows["indicator_id"]) & (obs["region_category"] == "KUNTA")]
    latest = latest.sort_values("year").groupby(["indicator_id", "region_code"]).tail(1)
    wide = latest.pivot_table(index="indicator_id", columns="region_code", values="value")
    wide = rows.set_index("indicator_id")[["title_fi", "decimals"]].join(wide)
    formatted = pd.DataFrame({"Indikaattori": wide["title_fi"]})
    for c in codes:
        if c in wide:
            formatted[names[c]] = [fi_number(v, d) for v, d in zip(wide[c], wide["decimals"])]
    with st.expander("Jäsenkunnat (viimeisin arvo)"):
        st.dataframe(formatted, hide_index=True, width="stretch")
    if rows["is_incomplete"].fillna(False).any():
        st.caption("⚠ Osalta jäsenkunnista puuttuu arvo (tietosuoja tai puuttuva tieto): aluearvo kattaa vain kunnat, joilta tieto on.")
    source_caption(rows)

st.caption("Aluearvot lasketaan jäsenkunnista: osuudet ja suhdeluvut osoittajien ja nimittäjien summista, kun "
           "lukumäärät tunnetaan; muuten väestöllä painotettuna keskiarvona (merkitty arvioksi). Ei koskaan osuuksien tavallista keskiarvoa.")
download_buttons(display_table(table, ["vs_hva", "vs_country"]), f"alue_{area_name}")
