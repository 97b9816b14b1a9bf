"""Vertailu — HYTE coordinators compare the 19 municipalities on an indicator."""
import pandas as pd
import streamlit as st

from ui import data
from ui.charts import ranking_chart, tile_map
from ui.format import fi_number
from ui.layout import page_demo_banner, select_from_url, source_caption
from ui.strings import t
from ui.tables import download_buttons

year = st.session_state.get("year")
highlight = st.session_state.get("municipality")
st.title(t("page_compare"))
page_demo_banner()

inds = data.get("indicators")
titles = dict(zip(inds["id"], inds["title_fi"]))
ids = [int(i) for i in inds["id"]]
indicator = int(select_from_url("Indikaattori", ids, "indikaattori", format_func=lambda i: f"{titles[i]} ({i})",
                                default_index=ids.index(181) if 181 in ids else 0))
meta = inds[inds["id"] == indicator].iloc[0]
decimals = int(meta["decimals"]) if pd.notna(meta["decimals"]) else 1
unit = meta["unit"] or ""

munis = data.get("municipalities")
obs = data.get("observations", [("KUNTA", c) for c in munis["code"]] + [("HYVINVOINTIALUE", "13"), ("MAA", "358")], [indicator], year)
if obs.dropna(subset=["value"]).empty:
    st.info(t("no_data"))
    st.stop()
latest_year = int(obs.dropna(subset=["value"])["year"].max())
chosen_year = latest_year
rows = obs[obs["year"] == chosen_year]
kunnat = rows[rows["region_category"] == "KUNTA"].merge(munis, left_on="region_code", right_on="code", how="right")
refs = {
    "Pohjois-Savo": rows.loc[rows["region_category"] == "HYVINVOINTIALUE", "value"].mean(),
    "Koko maa": rows.loc[rows["region_category"] == "MAA", "value"].mean(),
}
direction = {"higher_better": "suurempi arvo on parempi", "lower_better": "pienempi arvo on parempi"}.get(meta["direction"], "ei arvosuuntaa")
names = dict(zip(munis["code"], munis["name_fi"]))
st.plotly_chart(ranking_chart(kunnat, "value", "name_fi", f"{meta['title_fi']}, {chosen_year}", unit, decimals, refs,
                              names.get(highlight)), width="stretch", key="ranking")
st.caption(f"Yksikkö: {unit} · vuosi {chosen_year} · {direction}. Katkoviivat: Pohjois-Savon hyvinvointialue ja koko maa. "
           f"Korostettu: {names.get(highlight, '–')}.")
source_caption(rows.assign(data_updated=meta["data_updated"], licence=meta["licence"]))

tile_pos = data.get("tiles")
tile_data = tile_pos.merge(kunnat[["code", "name_fi", "value"]], on="code", how="left")
st.plotly_chart(tile_map(tile_data, "value", "name_fi", f"Ruutukartta: {meta['title_fi']}, {chosen_year}", unit, decimals),
                width="stretch", key="tilemap")
st.caption("Ruutukartta: jokainen kunta on samankokoinen ruutu karkeasti maantieteellisellä paikallaan.")

table = pd.DataFrame({
    "Kunta": kunnat["name_fi"],
    f"Arvo ({unit})": [fi_number(v, decimals) for v in kunnat["value"]],
    "Sija": kunnat["value"].rank(ascending=meta["direction"] == "lower_better", method="min").map(lambda r: "–" if pd.isna(r) else int(r)),
}).sort_values("Kunta")
st.dataframe(table, hide_index=True, width="stretch")
download_buttons(kunnat[["code", "name_fi", "value", "abs_value"]].assign(vuosi=chosen_year, indikaattori=indicator), f"vertailu_{indicator}_{chosen_year}")
