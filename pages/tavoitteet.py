"""Tavoitteet ja toimenpiteet — the plan as a goal × level matrix: every action with its owners, its one status
(source and date), its metrics and their data sources, own-metric trends, its history and status by municipality."""
import pandas as pd
import streamlit as st

from readmodel import page_data
from readmodel.rules import STATUS_SYMBOL
from ui import data
from ui.followup import action_followup, actions_table, plan_actions, rule_caption, status_label
from ui.layout import page_demo_banner, region_facts, select_from_url, status_year
from ui.safe import md
from ui.region_notes import plan_note
from common.i18n import t, value_label
from ui.tables import download_buttons, opened_expander
from ui.html_table import show_table

year = st.session_state.get("year")
st.title(t("page_plan"))
st.caption(t("plan.caption", plan=md(region_facts().plan_name)))
page_demo_banner()
plan_note()

plan = data.get(page_data.plan)
goals, levels, actions, metrics = plan["goals"], plan["levels"], plan["actions"], plan["metrics"]
matrix = data.get(page_data.action_status, status_year())
munis = data.get(page_data.municipalities)
plan_rows = plan_actions(status_year())
# Status by municipality for the actions municipalities answer for (their owner keys); the HVA's and the
# liitto's own answers are in each action's status and unit ("HVA: kyllä").
municipal = matrix[matrix["party_kind"] == "municipalities"] if "party_kind" in matrix else matrix

overview = actions.groupby(["goal_id", "level_id"]).size().rename("toimenpiteitä").reset_index()
grid = overview.pivot(index="goal_id", columns="level_id", values="toimenpiteitä").reindex(columns=list(levels["level_id"]))
grid.index = [f"{g}. {s}" for g, s in zip(goals["goal_id"], goals["short_fi"])]
grid.columns = list(levels["short_fi"])
st.subheader(t("plan.count_heading"))
grid = grid.fillna(0).astype(int)
show_table(grid.reset_index(names=t("compare.goal")), t("plan.count_heading"))
st.caption(t("plan.count_caption"))

st.subheader(t("plan.all_actions", n=len(plan_rows)))
rule_caption()
actions_table(plan_rows, plan)

goal_ids = list(goals["goal_id"])
level_ids = list(levels["level_id"])
c1, c2 = st.columns(2)
with c1:
    goal = int(select_from_url(t("plan.goal_select"), goal_ids, "tavoite", format_func=lambda g: f"{g}. {goals.set_index('goal_id').loc[g, 'title_fi']}"))
with c2:
    level = select_from_url(t("followup.col_level"), level_ids, "taso", format_func=lambda lv: levels.set_index("level_id").loc[lv, "title_fi"])

cell = actions[(actions["goal_id"] == goal) & (actions["level_id"] == level)]
names = dict(zip(munis["code"], munis["name_fi"]))
for action in cell.itertuples():
    st.markdown(f"#### {md(action.action_id)}: {md(action.text_fi)}")
    st.markdown(t("plan.responsible", who=md(action.responsible_fi) or "–"))
    action_followup(action.action_id, plan_rows, plan)
    status = municipal[municipal["action_id"] == action.action_id]
    if status.empty:
        continue  # no municipality answers for it: its status is the HVA's or the liitto's (above)
    counts = status["status"].value_counts()
    st.markdown(" · ".join(f"{status_label(s)}: {counts.get(s, 0)}" for s in STATUS_SYMBOL)
                + t("plan.of_municipalities", n=len(status)))
    if box := opened_expander(t("plan.status_by_municipality"), key=f"plan_status_{action.action_id}"):
        municipality = t("plan.col_municipality")
        with box:
            show_table(pd.DataFrame({
                municipality: status["municipality_code"].map(names),
                t("followup.col_status"): [status_label(s) for s in status["status"]],
                t("plan.col_source"): [value_label("plan.source", s) if isinstance(s, str) else "–" for s in status["source"]],
                t("followup.col_date"): [d.strftime("%-d.%-m.%Y") if pd.notna(d) else "–" for d in status["date"]],
            }).sort_values(municipality), t("plan.status_by_municipality"))

municipal_actions = [a for a in cell["action_id"] if a in set(municipal["action_id"])]
if municipal_actions:
    st.subheader(t("plan.matrix_heading"))
    cell_status = municipal[municipal["action_id"].isin(municipal_actions)]
    grid_status = cell_status.assign(_municipality=cell_status["municipality_code"].map(names),
                                     mark=[status_label(s) for s in cell_status["status"]])
    grid_status = grid_status.pivot(index="_municipality", columns="action_id", values="mark").reset_index()
    grid_status = grid_status.rename(columns={"_municipality": t("plan.col_municipality")})
    show_table(grid_status, t("plan.matrix_heading"))
    st.caption(t("plan.matrix_caption"))
    download_buttons(grid_status, t("export.file_cell_status", goal=goal, level=level), key="cell_status")

goal_column, level_column = t("plan.download_goal"), t("plan.download_level")
full = actions.merge(goals[["goal_id", "title_fi"]].rename(columns={"title_fi": goal_column}), on="goal_id") \
    .merge(levels[["level_id", "title_fi"]].rename(columns={"title_fi": level_column}), on="level_id")
download_buttons(full[["action_id", goal_column, level_column, "text_fi", "responsible_fi"]], t("export.file_plan_actions"))
