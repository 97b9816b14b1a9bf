"""Tilannekuva — the kuntafoorumi's one screen per goal: what moved, what is done, what is late."""
import pandas as pd
import streamlit as st

from common.format import fi_datetime, fi_number
from readmodel import page_data
from readmodel.changes import HVA_KEY
from readmodel.rules import STATUS_SYMBOL, clearest_changes
from readmodel.snapshots import save_snapshot
from ui import data
from ui.followup import actions_table, plan_total
from ui.forum import changes_since_forum
from ui.indicator_table import display_table
from ui.layout import (
    is_admin,
    page_demo_banner,
    region_facts,
    snapshot_changes,
    source_caption,
    status_year,
    summary_sentences,
)
from ui.safe import md, md_lines
from common.i18n import t, value_label
from ui.tables import download_buttons
from ui.html_table import show_table

year = st.session_state.get("year")
st.title(t("page_overview"))
dep = region_facts()
st.caption(t("overview.caption", parties=md(dep.parties)))
page_demo_banner()
changes_since_forum(HVA_KEY, dep.hva_name)

overview = data.get(page_data.overview, status_year())
plan = data.get(page_data.plan)
loads = data.get(page_data.latest_loads)
indicators = overview["indicators"]  # status_year() is None only when the year is the latest
latest_year = int(indicators["year"].max()) if indicators["year"].notna().any() else None
freshness = ", ".join(f"{md(value_label('load_source', r.source))}: {fi_datetime(r.last)}" for r in loads.itertuples())
st.info(t("overview.freshness", year=latest_year or "–", loads=freshness or t("overview.no_loads")), icon=":material/schedule:")

goal_status = data.get(page_data.goal_status, *dep.hva, year_max=year,
                       status_year_max=status_year()).set_index("goal_id")

summary = summary_sentences(*dep.hva, year)
if summary:
    with st.expander(t("overview.summary", region=md(dep.hva_name)), expanded=False):
        st.markdown(md_lines(summary))

completion = overview["completion"].merge(plan["actions"], on="action_id")
tracked = set(overview["tracked"]["action_id"])
goal_level = overview["goal_level"]
levels = plan["levels"].set_index("level_id")
TREND_WORDS = [("paranee", "▲"), ("heikkenee", "▼"), ("ennallaan", "▶"), ("ei erotu", "≈"), ("kasvaa", "↗"), ("laskee", "↘")]
plan_rows = overview["actions"]
st.subheader(t("overview.actions"))
plan_total(overview)

for goal in plan["goals"].itertuples():
    st.header(f"{t('goal', n=goal.goal_id)}: {md(goal.title_fi)}")
    if goal_status is not None and goal.goal_id in goal_status.index:
        g = goal_status.loc[goal.goal_id]
        trend_text = " · ".join(f"{sym} {value_label('trend', word)} {int(g[word])}" for word, sym in TREND_WORDS
                               if word in g and int(g[word] or 0))
        completion_text = g.get("completion_text") if isinstance(g.get("completion_text"), str) else ""
        st.markdown(t("overview.goal_line", region=md(dep.hva_name), trends=trend_text or "–",
                      completion=md(completion_text) or "–"))
    st.subheader(t("overview.progress"))
    actions_table(plan_rows, plan, goal.goal_id, compact=True)
    st.caption(t("overview.progress_caption"))
    st.subheader(t("overview.indicators", region=md(dep.hva_name)))
    goal_inds = indicators[indicators["goals"].map(lambda g: goal.goal_id in list(g))]
    shown = display_table(goal_inds, ["vs_country"])
    show_table(shown, t("overview.indicators", region=dep.hva_name))
    source_caption(goal_inds)
    better = clearest_changes(goal_inds, "paranee", 2)
    worse = clearest_changes(goal_inds, "heikkenee", 2)
    lines = [t("overview.clearest_line", arrow=arrow, trend=value_label("trend", word), title=md(r.title_fi),
               slope=fi_number(r.relative_slope_pct, 1, signed=True))
             for arrow, word, rows in (("▲", "paranee", better), ("▼", "heikkenee", worse)) for r in rows.itertuples()]
    if lines:
        st.markdown(t("overview.clearest") + "  \n" + "  \n".join(lines))
    st.divider()

st.subheader(t("overview.download"))
download_buttons(display_table(indicators, ["vs_country"]), t("export.file_overview"), key="tilannekuva_mittarit")

snapshot_changes("HVA", year, dep.hva_name)

if is_admin():
    st.header(t("overview.save_heading"))
    st.caption(t("overview.save_caption"))
    with st.form("save_snapshot"):
        name = st.text_input(t("overview.save_name"), placeholder=t("overview.save_placeholder"))
        if st.form_submit_button(t("overview.save_heading")):
            try:
                with st.spinner(t("overview.saving")):
                    new_id = save_snapshot(name, year_max=year if status_year() else None,
                                           user_name=str(st.session_state.get("admin_user") or "ylläpito"))
                st.success(t("overview.saved", id=new_id))
            except ValueError as exc:
                st.error(md(exc))
else:
    st.caption(t("overview.save_login"))
