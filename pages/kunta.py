"""Kunta — one municipality against its service-discussion area, the HVA and koko maa."""
import numpy as np
import pandas as pd
import streamlit as st

from common.format import fi_number
from readmodel import municipality, page_data, view_data
from readmodel.rules import STATUS_SYMBOL, clearest_changes
from ui import data
from documents.brief import BriefSection, build_brief, sparks_for
from ui.charts import line_chart
from ui.forum import changes_since_forum, take_home_downloads
from ui.indicator_table import display_table
from ui.layout import (
    brief_downloads,
    footer_text,
    page_demo_banner,
    region_facts,
    snapshot_changes,
    source_caption,
    status_year,
)
from ui.safe import md, md_lines
from ui.small_multiples import CSS as SMALL_MULTIPLES_CSS, small_multiples_html
from common.i18n import t, value_label
from ui.tables import download_buttons, opened_expander
from ui.html_table import show_table

code = st.session_state.get("municipality") or region_facts().default_municipality
year = st.session_state.get("year")
context = data.get(municipality.municipality_context, code)
name, area, area_name = context["name"], context["area"], context["area_name"]

st.title(f"{t('page_municipality')}: {md(name)}")
st.caption(t("kunta.caption", area=md(area_name), hva=md(context["hva_name"]))
           + (t("kunta.until_year", year=year) if year else ""))
is_demo = page_demo_banner()
changes_since_forum(code, name)

table = data.get(page_data.region_indicator_table, "KUNTA", code, year_max=year, references=context["references"])
plan = data.get(page_data.plan)
labels = context["labels"]


def series_of(indicator_ids: list[int] | None = None):
    """The series of the municipality and its references, named; None: every indicator (only the brief
    needs them all, and it is built only when downloaded)."""
    frame = data.get(page_data.observations, list(labels), indicator_ids, year)
    return frame.assign(alue=[labels.get((c, k), k) for c, k in zip(frame["region_category"], frame["region_code"])])


# ---- summary
st.header(t("kunta.summary"))
summary = data.get(municipality.municipality_summary, code, year_max=year, status_year_max=status_year())
st.markdown(md_lines(summary))
worse_than_hva = table[table["vs_hva"] == "heikompi"]["title_fi"].tolist()
if worse_than_hva:
    st.markdown(t("kunta.worse_than_hva", n=len(worse_than_hva)) + "; ".join(md(w) for w in worse_than_hva[:6])
                + (" …" if len(worse_than_hva) > 6 else ""))

# ---- indicators per goal
st.header(t("kunta.by_goal"))
brief_sections = []
# Lazy tabs: only the open goal's tables and figures are built and sent (all four made the page the slowest).
tabs = st.tabs([f"{t('goal', n=g.goal_id)}: {md(g.short_fi)}" for g in plan["goals"].itertuples()], key="kunta_goal",
               on_change="rerun")
every_shown = display_table(table, ["vs_area", "vs_hva", "vs_country"])  # once; each goal takes its rows
goals_of_row = [set(g) for g in table["goals"]]
for tab, goal in zip(tabs, plan["goals"].itertuples()):
    in_goal = np.array([goal.goal_id in g for g in goals_of_row], dtype=bool)
    goal_rows, shown = table[in_goal], every_shown[in_goal].reset_index(drop=True)
    brief_sections.append(BriefSection(f"{t('goal', n=goal.goal_id)}: {goal.title_fi}",
                                       shown.drop(columns=[t("table.col_direction"), t("table.col_change_window")]),
                                       lambda rows=goal_rows: sparks_for(rows, series_of(), "KUNTA", code),
                                       spark_label=t("col_trend"),
                                       source=t("table.source") + (t("table.demo_suffix") if is_demo else "")))
    if not tab.open:
        continue
    with tab:
        show_table(shown, f"{t('goal', n=goal.goal_id)}: {goal.short_fi}")
        source_caption(goal_rows)
        moving = clearest_changes(goal_rows, None, 9)
        panels = [(int(r.indicator_id), r.title_fi, r.unit or "", int(r.decimals) if pd.notna(r.decimals) else 1)
                  for r in moving.itertuples()]
        if panels:
            panel_series = series_of(sorted(p[0] for p in panels))
            st.subheader(t("kunta.small_multiples"))
            st.html(SMALL_MULTIPLES_CSS + small_multiples_html(panel_series, panels, name, context["hva_name"]))
            st.caption(t("kunta.small_multiples_caption", name=md(name), hva=md(context["hva_name"])))
            source_caption(goal_rows)
            options = [p[0] for p in panels]
            titles = {p[0]: p[1] for p in panels}
            chosen = st.selectbox(t("kunta.detail_chart"), options, format_func=lambda i: titles[i], key=f"chart_{goal.goal_id}")
            row = goal_rows[goal_rows["indicator_id"] == chosen].iloc[0]
            series = panel_series[panel_series["indicator_id"] == chosen]
            decimals = int(row["decimals"]) if pd.notna(row["decimals"]) else 1
            first_year, last_year = int(series["year"].min()), int(series["year"].max())
            st.plotly_chart(line_chart(series, "year", "value", "alue", f"{row['title_fi']}, {first_year}–{last_year}",
                                       row["unit"] or "", decimals),
                            width="stretch", key=f"kunta_chart_{goal.goal_id}")
            source_caption(series.assign(data_updated=row["data_updated"], licence=row["licence"]))
            if box := opened_expander(t("kunta.as_table"), key=f"kunta_table_{goal.goal_id}"):
                with box:
                    wide = series.pivot_table(index="year", columns="alue", values="value").reset_index()
                    year_col = t("col_year")
                    wide = wide.rename(columns={"year": year_col})
                    show_table(wide.assign(**{c: [fi_number(v, decimals) for v in wide[c]]
                                              for c in wide.columns if c != year_col}), t("kunta.as_table"))
                    download_buttons(wide, t("kunta.file_series", name=name, indicator=chosen), key=f"kunta_series_{goal.goal_id}")
st.caption(t("kunta.all_indicators", name=md(name)))
download_buttons(every_shown, t("kunta.file_indicators", name=name))

# ---- actions
st.header(t("kunta.actions"))
own_actions = municipality.actions_of(plan, data.get(page_data.action_status, status_year()),
                                      data.get(page_data.plan_actions, status_year()), code)
mine = own_actions["actions"]
levels = plan["levels"].set_index("level_id")["short_fi"]
col_goal, col_level, col_action, col_responsible, col_status, col_date = (
    t("kunta.col_goal"), t("table.col_level_interface"), t("col_action"), t("kunta.col_responsible"), t("col_status"),
    t("kunta.col_date"))
actions_shown = pd.DataFrame({
    col_goal: mine["goal_id"],
    col_level: mine["level_id"].map(levels),
    col_action: mine["text_fi"],  # whole: the table and the brief wrap it
    col_responsible: [value_label("status", "kyllä") if tracked else t("kunta.not_responsible", owners=owners)
                      for tracked, owners in zip(mine["tracked"], mine["owners"])],
    col_status: [f"{STATUS_SYMBOL[s]} {value_label('status', s)}" for s in mine["status"]],
    t("kunta.col_own_unit"): mine["unit_text"],
    t("kunta.col_source"): [value_label("plan.source", s) if isinstance(s, str) else "–" for s in mine["source"]],
    col_date: [d.strftime("%-d.%-m.%Y") if pd.notna(d) else "–" for d in pd.to_datetime(mine["date"])],
})
st.markdown(t("kunta.actions_done", done=own_actions["done"], followed=own_actions["followed"], total=own_actions["total"])
            + " · ".join(f"{STATUS_SYMBOL[s]} {value_label('status', s)}: {n}" for s, n in own_actions["counts"].items()))
show_table(actions_shown, t("kunta.actions"))
download_buttons(actions_shown, t("kunta.file_actions", name=name))

# ---- survey answers
st.header(t("kunta.survey"))
answers = data.get(view_data.survey_answers, code, year_max=status_year())
survey_shown = pd.DataFrame()
if answers.empty:
    st.caption(t("kunta.no_survey"))
else:
    survey_year = int(answers["year"].max())
    answer_word = {code: f"{STATUS_SYMBOL[code]} {value_label('status', code)}" for code in ("kyllä", "ei", "ei vastausta")}
    survey_shown = pd.DataFrame({
        t("kunta.col_question"): answers["text_fi"],
        t("kunta.col_respondent"): answers["respondent_role"].fillna("–"),
        t("kunta.col_answer"): [answer_word.get(a, answer_word["ei vastausta"]) if isinstance(a, str) else answer_word["ei vastausta"]
                                for a in answers["answer"]],
    })
    yes = (answers["answer"] == "kyllä").sum()
    st.markdown(t("kunta.survey_result", year=survey_year, yes=yes, n=len(answers))
                + (t("table.demo_suffix") if bool(answers["is_demo"].any()) else ""))
    show_table(survey_shown, t("kunta.survey"))
    download_buttons(survey_shown, t("kunta.file_survey", name=name, year=survey_year))

# ---- changes since a snapshot
snapshot_changes(code, year, name)

# ---- printable brief
st.header(t("kunta.brief"))
st.caption(t("kunta.brief_caption", name=md(name)))
brief_sections.append(BriefSection(t("kunta.brief_actions"), actions_shown[[col_action, col_goal, col_level, col_responsible,
                                                                            col_status, col_date]]))
if not survey_shown.empty:
    brief_sections.append(BriefSection(t("kunta.brief_survey", year=int(answers["year"].max())), survey_shown))
brief_title = t("kunta.brief_title", name=name)
brief_subtitle = (t("kunta.brief_subtitle", area=area_name, region=region_facts().region_name)
                  + (t("kunta.until_year", year=year) if year else ""))
make_document = lambda: build_brief(  # noqa: E731  (built only when downloaded)
    brief_title, brief_subtitle, brief_sections, summary=summary, is_demo=is_demo, footer=footer_text())
brief_downloads(make_document, t("kunta.file_brief", name=name), key="kunta")
take_home_downloads(footer_text(), party_key=code)
