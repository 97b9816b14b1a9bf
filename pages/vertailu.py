"""Vertailu — HYTE coordinators compare the own municipalities on an indicator."""
import pandas as pd
import streamlit as st

from common.format import fi_datetime, fi_number, with_unit
from readmodel import comparison, page_data, view_data
from readmodel.deployment import deployment
from readmodel.rules import COMPARISON_SYMBOL as _SYMBOLS
from ui import data
from ui.county_comparison import county_section
from ui.heat_table import CSS as HEAT_CSS, heat_table_html
from ui.html_table import show_table
from ui.indicator_table import SAFE
from ui.layout import page_demo_banner, select_from_url, source_caption
from ui.maps import choropleth
from ui.ranking_bars import CSS as RANKING_CSS, ranking_html
from ui.safe import md
from ui.tile_map import tile_map_html
from common.i18n import t, value_label
from ui.tables import download_buttons, opened_expander

COMPARISON_SYMBOL = {k: SAFE.get(v, v) for k, v in _SYMBOLS.items()}
year = st.session_state.get("year")
highlight = st.session_state.get("municipality")
st.title(t("page_compare"))
st.caption(t("compare.caption"))
page_demo_banner()

inds = data.get(page_data.indicators)
titles = dict(zip(inds["id"], inds["title_fi"]))
ids = [int(i) for i in inds["id"]]
indicator = int(select_from_url(t("compare.indicator"), ids, "indikaattori", format_func=lambda i: f"{titles[i]} ({i})",
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
direction = t({"higher_better": "compare.higher_better", "lower_better": "compare.lower_better"}.get(meta["direction"],
                                                                                                     "compare.no_direction"))
names = dict(zip(munis["code"], munis["name_fi"]))
caption_src = rows.assign(data_updated=meta["data_updated"], licence=meta["licence"])

st.header(f"{md(meta['title_fi'])}, {chosen_year}")
st.html(RANKING_CSS + ranking_html(kunnat, "value", "name_fi", f"{with_unit(meta['title_fi'], unit)}, {chosen_year}",
                                   unit, decimals, refs, names.get(highlight)))
st.caption(t("compare.ranking_caption", unit=md(unit), year=chosen_year, direction=direction, hva=md(dep.hva_name),
             hva_value=fi_number(ranking["hva_value"], decimals), country=md(dep.country_name.lower()),
             country_value=fi_number(ranking["country_value"], decimals), highlight=md(names.get(highlight, "–"))))
source_caption(caption_src)

st.header(t("compare.map"))
tile_pos = data.get(page_data.tiles)
tile_data = tile_pos.merge(kunnat[["code", "value"]], on="code", how="left").assign(
    name_fi=lambda f: f["code"].map(names))
geo = data.get(view_data.geometry)
if geo:
    left, right = st.columns(2)
    with left:
        st.plotly_chart(choropleth(geo, kunnat[["code", "name_fi", "value"]], "code", "value", "name_fi",
                                   t("compare.choropleth_title", title=meta["title_fi"][:50], year=chosen_year), unit, decimals),
                        width="stretch", key="choropleth", config={"scrollZoom": False})
        src = data.get(view_data.geometry_source)
        st.caption(t("compare.choropleth_caption",
                     loaded=t("compare.borders_loaded", date=fi_datetime(src["finished_at"])) if src else ""))
    target = right
else:
    target = st.container()
with target:
    st.html(tile_map_html(tile_data, "value", "name_fi", t("compare.tilemap_title", title=meta["title_fi"][:50],
                                                            year=chosen_year), unit, decimals))
    st.caption(t("compare.tilemap_caption", unit=md(unit)))
if not geo:
    st.caption(t("compare.no_borders"))
source_caption(caption_src)

st.subheader(t("compare.table"))
municipality_column = t("compare.col_municipality")
table = pd.DataFrame({
    municipality_column: kunnat["name_fi"],
    t("compare.col_value", unit=unit): [fi_number(v, decimals) for v in kunnat["value"]],
    t("compare.col_rank"): kunnat["rank"].map(lambda r: "–" if pd.isna(r) else int(r)),
    t("col_vs_hva"): [("–" if pd.isna(v) else fi_number(v, decimals, signed=True)) for v in kunnat["vs_hva"]],
}).sort_values(municipality_column)
show_table(table, t("compare.table"))
download_buttons(kunnat[["code", "name_fi", "value", "abs_value"]]
                 .rename(columns={"code": t("export.municipality_code"), "name_fi": t("export.municipality"),
                                  "value": t("export.value")})
                 .assign(**{t("export.year"): chosen_year, t("export.indicator"): indicator}),
                 t("export.file_compare", indicator=indicator, year=chosen_year), key=f"vertailu_{indicator}_{chosen_year}")

county_section(indicator, meta, year, unit, decimals)  # the HVA among the 21 counties, its peers

# ---- heatmap: municipalities × the goal's indicators
st.header(t("compare.heatmap_heading"))
plan = data.get(page_data.plan)
goals = plan["goals"]
goal_ids = [int(g) for g in goals["goal_id"]]
own_goals = [g for g in meta["goals"]] if len(meta["goals"]) else goal_ids[:1]
goal = int(select_from_url(t("compare.goal"), goal_ids, "tavoite", format_func=lambda g: f"{g}. {goals.set_index('goal_id').loc[g, 'title_fi']}",
                           default_index=goal_ids.index(int(own_goals[0])) if int(own_goals[0]) in goal_ids else 0))
goal_inds = data.get(comparison.comparable_indicators, goal)
cells = data.get(view_data.heatmap, [int(i) for i in goal_inds["id"]], year_max=year)
if cells.empty:
    st.info(t("no_data"))
else:
    hva_short = t("hva_short")
    cells = cells.assign(vihje=[f"{ti}: {fi_number(v, int(d))} {u} ({y}) · {value_label('comparison', c)} "
                                f"({hva_short} {fi_number(r, int(d))})"
                                for ti, v, d, u, y, c, r in zip(cells["title_fi"], cells["value"], cells["decimals"],
                                                                cells["unit"].fillna(""), cells["year"], cells["comparison"],
                                                                cells["reference_value"])])
    st.html(HEAT_CSS + heat_table_html(cells, "name_fi", "title_fi", "comparison", "vihje",
                                       t("compare.heatmap_title", goal=goal), COMPARISON_SYMBOL,
                                       t("compare.col_municipality")))
    legend = " · ".join(f"{COMPARISON_SYMBOL[k]} {value_label('comparison', k)}"
                        for k in ["parempi", "samaa tasoa", "heikompi", "suurempi", "pienempi", "ei vertailua"])
    st.caption(t("compare.heatmap_caption", hva=md(dep.hva_name), legend=legend))
    source_caption(cells.assign(data_updated=None, licence=None))
    if box := opened_expander(t("layout.as_table"), key=f"compare_heat_table_{goal}"):
        heat_table = cells.pivot_table(index="name_fi", columns="title_fi", values="comparison",
                                       aggfunc=lambda s: f"{COMPARISON_SYMBOL.get(s.iloc[0], '·')} "
                                                         f"{value_label('comparison', s.iloc[0])}")
        heat_table = heat_table.reset_index().rename(columns={"name_fi": t("compare.col_municipality")})
        with box:
            st.dataframe(heat_table, hide_index=True, width="stretch")
            download_buttons(heat_table, t("export.file_compare_goal", goal=goal), key="heat")
