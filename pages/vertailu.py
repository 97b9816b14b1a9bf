"""Vertailu — HYTE coordinators compare the own municipalities on an indicator."""
import pandas as pd
import streamlit as st

from common.format import fi_datetime, fi_number, with_unit
from readmodel import comparison, page_data, view_data
from readmodel.deployment import deployment
from readmodel.rules import COMPARISON_SYMBOL as _SYMBOLS
from ui import data
from ui.charts import CHART_SAFE, comparison_heatmap, fi, ranking_chart, tile_map
from ui.county_comparison import county_section
from ui.layout import page_demo_banner, select_from_url, source_caption
from ui.maps import choropleth
from ui.safe import chart as esc
from ui.safe import md
from common.i18n import t
from ui.tables import download_buttons

COMPARISON_SYMBOL = {k: CHART_SAFE.get(v, v) for k, v in _SYMBOLS.items()}
year = st.session_state.get("year")
highlight = st.session_state.get("municipality")
st.title(t("page_compare"))
st.caption("Kuntien vertailu indikaattorilla: järjestys, kartta ja tavoitteen mittarit yhdellä silmäyksellä.")
page_demo_banner()

inds = data.get(page_data.indicators)
titles = dict(zip(inds["id"], inds["title_fi"]))
ids = [int(i) for i in inds["id"]]
indicator = int(select_from_url("Indikaattori", ids, "indikaattori", format_func=lambda i: f"{titles[i]} ({i})",
                                default_index=ids.index(181) if 181 in ids else 0))
meta = inds[inds["id"] == indicator].iloc[0]
decimals = int(meta["decimals"]) if pd.notna(meta["decimals"]) else 1
unit = meta["unit"] or ""

dep = data.get(deployment)
munis = data.get(page_data.municipalities)
ranking = data.get(comparison.municipality_ranking, indicator, year)
if ranking["year"] is None:
    st.info(t("no_data"))
    st.stop()
chosen_year = ranking["year"]
kunnat = ranking["rows"]
refs = {dep.hva_name: ranking["hva_value"], dep.country_name: ranking["country_value"]}
rows = kunnat.assign(region_category="KUNTA")
direction = {"higher_better": "suurempi arvo on parempi", "lower_better": "pienempi arvo on parempi"}.get(meta["direction"], "ei arvosuuntaa")
names = dict(zip(munis["code"], munis["name_fi"]))
caption_src = rows.assign(data_updated=meta["data_updated"], licence=meta["licence"])

st.header(f"{md(meta['title_fi'])}, {chosen_year}")
st.plotly_chart(ranking_chart(kunnat, "value", "name_fi", f"{with_unit(meta['title_fi'], unit)}, {chosen_year}", unit, decimals, refs,
                              names.get(highlight)), width="stretch", key="ranking")
st.caption(f"Yksikkö: {md(unit)} · vuosi {chosen_year} · {direction}. Pystyviivat: {md(dep.hva_name)} "
           f"({fi_number(ranking['hva_value'], decimals)}) ja {md(dep.country_name.lower())} "
           f"({fi_number(ranking['country_value'], decimals)}). "
           f"Korostettu (oranssi): {md(names.get(highlight, '–'))}. Taulukkona alla.")
source_caption(caption_src)

st.header("Kartta")
tile_pos = data.get(page_data.tiles)
tile_data = tile_pos.merge(kunnat[["code", "name_fi", "value"]], on="code", how="left")
geo = data.get(view_data.geometry)
if geo:
    left, right = st.columns(2)
    with left:
        st.plotly_chart(choropleth(geo, kunnat[["code", "name_fi", "value"]], "code", "value", "name_fi",
                                   f"Kuntarajat: {meta['title_fi'][:50]}, {chosen_year}", unit, decimals),
                        width="stretch", key="choropleth", config={"scrollZoom": False})
        src = data.get(view_data.geometry_source)
        st.caption("Koropleettikartta: tummempi = suurempi arvo (Cividis-väriasteikko). Kuntarajat: © Maanmittauslaitos / "
                   "Tilastokeskus, CC BY 4.0" + (f" (ladattu {fi_datetime(src['finished_at'])})" if src else "") + ".")
    target = right
else:
    target = st.container()
with target:
    st.plotly_chart(tile_map(tile_data, "value", "name_fi", f"Ruutukartta: {meta['title_fi'][:50]}, {chosen_year}", unit, decimals),
                    width="stretch", key="tilemap")
    st.caption(f"Ruutukartta: jokainen kunta on samankokoinen ruutu karkeasti maantieteellisellä paikallaan; arvo ruudussa ({md(unit)}).")
if not geo:
    st.caption("Kuntarajakartta näkyy, kun ylläpito on ladannut kuntarajat (ks. Tietolähteet).")
source_caption(caption_src)

st.subheader("Taulukko")
table = pd.DataFrame({
    "Kunta": kunnat["name_fi"],
    f"Arvo ({unit})": [fi_number(v, decimals) for v in kunnat["value"]],
    "Sija": kunnat["rank"].map(lambda r: "–" if pd.isna(r) else int(r)),
    t("col_vs_hva"): [("–" if pd.isna(v) else fi_number(v, decimals, signed=True)) for v in kunnat["vs_hva"]],
}).sort_values("Kunta")
st.dataframe(table, hide_index=True, width="stretch")
download_buttons(kunnat[["code", "name_fi", "value", "abs_value"]].rename(columns={"code": "kuntanumero", "name_fi": "kunta", "value": "arvo"})
                 .assign(vuosi=chosen_year, indikaattori=indicator), f"vertailu_{indicator}_{chosen_year}")

county_section(indicator, meta, year, unit, decimals)  # the HVA among the 21 counties, its peers

# ---- heatmap: municipalities × the goal's indicators
st.header("Tavoitteen mittarit kunnittain")
plan = data.get(page_data.plan)
goals = plan["goals"]
goal_ids = [int(g) for g in goals["goal_id"]]
own_goals = [g for g in meta["goals"]] if len(meta["goals"]) else goal_ids[:1]
goal = int(select_from_url("Tavoite", goal_ids, "tavoite", format_func=lambda g: f"{g}. {goals.set_index('goal_id').loc[g, 'title_fi']}",
                           default_index=goal_ids.index(int(own_goals[0])) if int(own_goals[0]) in goal_ids else 0))
goal_inds = data.get(comparison.comparable_indicators, goal)
cells = data.get(view_data.heatmap, [int(i) for i in goal_inds["id"]], year_max=year)
if cells.empty:
    st.info(t("no_data"))
else:
    hva_short = t("hva_short")
    cells = cells.assign(vihje=[f"{esc(ti)}<br>{fi(v, int(d))} {esc(u)} ({y}) · {c} ({hva_short} {fi(r, int(d))})"
                                for ti, v, d, u, y, c, r in zip(cells["title_fi"], cells["value"], cells["decimals"],
                                                                cells["unit"].fillna(""), cells["year"], cells["comparison"],
                                                                cells["reference_value"])])
    st.plotly_chart(comparison_heatmap(cells, "name_fi", "title_fi", "comparison", "vihje",
                                       f"Tavoite {goal}: kunnat verrattuna hyvinvointialueeseen (viimeisin vuosi)", COMPARISON_SYMBOL),
                    width="stretch", key="heatmap")
    legend = " · ".join(f"{COMPARISON_SYMBOL[k]} {k}" for k in ["parempi", "samaa tasoa", "heikompi", "suurempi", "pienempi", "ei vertailua"])
    st.caption(f"Jokainen ruutu: kunnan viimeisin arvo verrattuna hyvinvointialueeseen ({md(dep.hva_name)}) samana vuonna. "
               f"Symboli kertoo tuloksen värin lisäksi: {legend}. Samaa tasoa = ero enintään 5 % tai luottamusvälit päällekkäin. "
               "Taulukkona alla.")
    source_caption(cells.assign(data_updated=None, licence=None))
    heat_table = cells.pivot_table(index="name_fi", columns="title_fi", values="comparison",
                                   aggfunc=lambda s: f"{COMPARISON_SYMBOL.get(s.iloc[0], '·')} {s.iloc[0]}")
    heat_table = heat_table.reset_index().rename(columns={"name_fi": "Kunta"})
    with st.expander("Taulukkona"):
        st.dataframe(heat_table, hide_index=True, width="stretch")
        download_buttons(heat_table, f"vertailu_tavoite_{goal}", key="heat")
