"""Palvelukeskustelualue — the area's rollups next to its member municipalities, by the themes of the
annual service discussion (the region folder's [areas] themes)."""
import streamlit as st

from common.format import fi_number, with_unit
from readmodel import area as area_model
from readmodel import latest, page_data
from readmodel.rules import STATUS_SYMBOL
from ui import data
from documents.brief import BriefSection, build_brief, sparks_for
from ui.followup import area_actions_table, plan_actions, rule_caption
from ui.indicator_table import display_table
from ui.layout import (
    brief_downloads,
    footer_text,
    page_demo_banner,
    region_facts,
    source_caption,
    status_year,
    summary_sentences,
)
from ui.region_notes import area_note
from ui.safe import md, md_lines
from common.i18n import t
from ui.html_table import show_table
from ui.tables import download_buttons, opened_expander


area = st.session_state.get("area")
year = st.session_state.get("year")
context = data.get(area_model.area_context, area)
mine = context["members"]
area_name = context["name"]
st.title(f"{t('page_area')}: {md(area_name)}")
status = t("area.verified", source=context["plan_name"] or t("area.folder")) if context["all_verified"] else \
    t("area.assumed")
st.caption(t("area.caption", members=md(", ".join(mine["member_name"])), status=md(status))
           + (t("area.until_year", year=year) if year else ""))
area_note(context["all_verified"])
is_demo = page_demo_banner()

table = data.get(page_data.region_indicator_table, "PALVELUALUE", area, year_max=year,
                 references=context["references"])
codes = list(mine["member_code"])
names = dict(zip(mine["member_code"], mine["member_name"]))
members_and_area = [("KUNTA", c) for c in codes] + [("PALVELUALUE", area)]
estimates = data.get(area_model.rollup_flags, area, year)
table = table.merge(estimates, on="indicator_id", how="left")

summary = summary_sentences("PALVELUALUE", area, year)
if summary:
    st.header(t("area.summary"))
    st.markdown(md_lines(summary))

themes_of_area = region_facts().area_themes or ((t("area_all_indicators"), tuple(table["theme"].dropna().unique())),)
st.markdown(t("area.themes") + " · ".join(md(name) for name, _ in themes_of_area))
brief_sections = []
col_indicator, col_unit, col_latest = t("col_indicator"), t("col_unit"), t("col_latest")
col_calc, col_area = t("area.col_calculation"), t("area.col_area")
calc_estimate, calc_counts = t("area.calc_estimate"), t("area.calc_counts")
latest_by_member = data.get(latest.latest_values, [("KUNTA", c) for c in codes], year).pivot_table(
    index="indicator_id", columns="region_code", values="value")  # once; each theme takes its rows
every_shown = display_table(table, ["vs_hva", "vs_country"])  # once; each theme takes its rows
for theme_name, themes in themes_of_area:
    in_theme = table["theme"].isin(list(themes)).to_numpy()
    rows, shown = table[in_theme], every_shown[in_theme].reset_index(drop=True)
    if rows.empty:
        continue
    st.header(md(theme_name))
    shown.insert(1, col_calc, [calc_estimate if e else calc_counts for e in rows["area_estimate"].fillna(False)])
    wide = latest_by_member.reindex(rows["indicator_id"])
    side = shown.drop(columns=[t("table.col_direction"), t("table.col_change_window"), col_calc]).rename(
        columns={col_latest: col_area})
    side[col_indicator] = [with_unit(i, u) for i, u in zip(side[col_indicator], side.pop(col_unit))]
    for c in codes:
        side[names[c]] = [fi_number(v, d) for v, d in zip(wide[c] if c in wide else [None] * len(rows), rows["decimals"])]
    show_table(side, theme_name)
    if box := opened_expander(t("area.calculation"), key=f"area_calc_{theme_name}"):
        with box:
            show_table(shown[[col_indicator, col_calc]], t("area.calculation"))
    st.caption(t("area.side_caption"))
    if rows["area_incomplete"].fillna(False).any():
        st.caption(t("area.incomplete"))
    if rows["area_demo_weights"].fillna(False).any():
        st.caption(t("area_demo_weights"))
    source_caption(rows)
    brief_sections.append(BriefSection(theme_name, side,
                                       # the series are read only when the brief is built
                                       lambda rows=rows: sparks_for(
                                           rows, data.get(page_data.observations, members_and_area, None, year),
                                           "PALVELUALUE", area),
                                       spark_label=t("area.spark_label"),
                                       source=t("table.source") + (t("table.demo_suffix") if is_demo else "")))

st.caption(t("area.rollup_caption"))
download_buttons(every_shown, t("area.file_indicators", name=area_name))

st.header(t("area.progress"))
plan = data.get(page_data.plan)
matrix = data.get(page_data.action_status, status_year())
matrix = matrix[matrix["municipality_code"].isin(codes)].merge(plan["actions"][["action_id", "level_id"]], on="action_id")
levels = plan["levels"].set_index("level_id")["short_fi"]
progress = (matrix.assign(kunta=matrix["municipality_code"].map(names), taso=matrix["level_id"].map(levels))
            .pivot_table(index="taso", columns="kunta", values="status", aggfunc=lambda s: f"{STATUS_SYMBOL['kyllä']} {(s == 'kyllä').sum()}/{len(s)}"))
progress = progress.reindex([lv for lv in levels if lv in progress.index]).reset_index().rename(columns={"taso": t("table.col_level_interface")})
show_table(progress, t("area.progress"))
st.caption(t("area.progress_caption"))
download_buttons(progress, t("area.file_actions", name=area_name))
brief_sections.append(BriefSection(t("area.brief_progress"), progress))
st.subheader(t("area.all_actions"))
area_actions_table(plan_actions(status_year()), data.get(page_data.action_status, status_year()), codes, plan)
rule_caption()

st.header(t("area.brief"))
st.caption(t("area.brief_caption"))
brief_title = t("area.brief_title", name=area_name)
brief_subtitle = t("area.brief_subtitle", members=", ".join(mine["member_name"]), status=status)
make_document = lambda: build_brief(  # noqa: E731  (built only when downloaded)
    brief_title, brief_subtitle, brief_sections, summary=summary, is_demo=is_demo, footer=footer_text())
brief_downloads(make_document, t("area.file_brief", area=area), key="alue")
