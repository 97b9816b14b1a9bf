"""Tavoitteet ja toimenpiteet — the plan as a goal × level matrix: every action with its owners, its one status
(source and date), its metrics and their data sources, own-metric trends, its history and status by municipality."""
import pandas as pd
import streamlit as st

from readmodel import page_data
from readmodel.rules import STATUS_SYMBOL
from ui import data
from ui.followup import action_followup, actions_table, plan_actions, rule_caption
from ui.layout import page_demo_banner, region_facts, select_from_url, status_year
from ui.safe import md
from ui.region_notes import plan_note
from common.i18n import t
from ui.tables import download_buttons, opened_expander

year = st.session_state.get("year")
st.title(t("page_plan"))
st.caption(f"{md(region_facts().plan_name)}: yhteiset tavoitteet × johdon taso ja yhdyspinnat.")
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
st.subheader("Toimenpiteiden määrä: tavoite × johdon taso ja yhdyspinnat")
grid = grid.fillna(0).astype(int)
st.dataframe(grid, width="stretch")
st.caption("Rivit: yhteiset tavoitteet; sarakkeet: suunnitelman tasot (johdon taso, yhdyspinnat, yhteistyörakenteet). Valitse alla tavoite ja taso nähdäksesi "
           "toimenpiteet, vastuutahot, mittarit ja tilan kunnittain. Linkki säilyttää valinnan (?tavoite=…&taso=…).")

st.subheader(f"Kaikki {len(plan_rows)} toimenpidettä ja niiden tila")
rule_caption()
actions_table(plan_rows, plan)

goal_ids = list(goals["goal_id"])
level_ids = list(levels["level_id"])
c1, c2 = st.columns(2)
with c1:
    goal = int(select_from_url("Tavoite", goal_ids, "tavoite", format_func=lambda g: f"{g}. {goals.set_index('goal_id').loc[g, 'title_fi']}"))
with c2:
    level = select_from_url("Johdon taso / yhdyspinta", level_ids, "taso", format_func=lambda lv: levels.set_index("level_id").loc[lv, "title_fi"])

cell = actions[(actions["goal_id"] == goal) & (actions["level_id"] == level)]
names = dict(zip(munis["code"], munis["name_fi"]))
for action in cell.itertuples():
    st.markdown(f"#### {md(action.action_id)}: {md(action.text_fi)}")
    st.markdown(f"**Vastuutaho:** {md(action.responsible_fi) or '–'}")
    action_followup(action.action_id, plan_rows, plan)
    status = municipal[municipal["action_id"] == action.action_id]
    if status.empty:
        continue  # no municipality answers for it: its status is the HVA's or the liitto's (above)
    counts = status["status"].value_counts()
    st.markdown(" · ".join(f"{STATUS_SYMBOL[s]} {s}: {counts.get(s, 0)}" for s in STATUS_SYMBOL) + f" (/{len(status)} kuntaa)")
    if box := opened_expander("Tila kunnittain", key=f"plan_status_{action.action_id}"):
        box.dataframe(pd.DataFrame({
            "Kunta": status["municipality_code"].map(names), "Tila": [f"{STATUS_SYMBOL[s]} {s}" for s in status["status"]],
            "Lähde": status["source"].fillna("–"),
            "Päivä": [d.strftime("%-d.%-m.%Y") if pd.notna(d) else "–" for d in status["date"]],
        }).sort_values("Kunta"), hide_index=True, width="stretch")

municipal_actions = [a for a in cell["action_id"] if a in set(municipal["action_id"])]
if municipal_actions:
    st.subheader("Tila kunnittain: toimenpide × kunta")
    cell_status = municipal[municipal["action_id"].isin(municipal_actions)]
    grid_status = cell_status.assign(Kunta=cell_status["municipality_code"].map(names),
                                     mark=[f"{STATUS_SYMBOL[s]} {s}" for s in cell_status["status"]])
    grid_status = grid_status.pivot(index="Kunta", columns="action_id", values="mark").reset_index()
    st.dataframe(grid_status, hide_index=True, width="stretch")
    st.caption("✔ kyllä (tehty) · ◐ osittain · ✘ ei · ? ei vastausta (ei koskaan tulkita 'ei'). Tila uusimman kompassikyselyn "
               "tai koordinaattorin kirjauksen mukaan.")
    download_buttons(grid_status, f"tila_{goal}_{level}", key="cell_status")

full = actions.merge(goals[["goal_id", "title_fi"]].rename(columns={"title_fi": "tavoite"}), on="goal_id") \
    .merge(levels[["level_id", "title_fi"]].rename(columns={"title_fi": "taso"}), on="level_id")
download_buttons(full[["action_id", "tavoite", "taso", "text_fi", "responsible_fi"]], "suunnitelman_toimenpiteet")
