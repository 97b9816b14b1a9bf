"""Vuosikello — the follow-up year: what is next, what each party brings before it, what the meetings decided."""
from datetime import date

import pandas as pd
import streamlit as st

from common.clock import local_today
from common.format import fi_date
from readmodel import forum
from ui import admin, data
from ui.forum import decision_kind, deliverables_table, kind_name, load_alerts, meeting_label, take_home_downloads
from ui.layout import footer_text, is_admin, page_demo_banner, region_facts
from ui.html_table import show_table
from ui.safe import md
from common.i18n import t

today = local_today()
st.title(t("page_year"))
dep = region_facts()
# the region folder's [plan] rhythm (in the reader's language); else the bundled plan's
rhythm = (md(dep.rhythm) + " ") if dep.rhythm else t("year.rhythm_default")
st.caption(t("year.rhythm_caption", plan=md(dep.plan_name or "–"), rhythm=rhythm))
page_demo_banner()

view = data.get(forum.year_view, today)
frame = view["meetings"]
if frame.empty:
    st.info(t("year.no_meetings"))
    st.stop()

nxt = view["next"]
if nxt is not None:
    days = (nxt["meeting_date"].date() - today).days
    st.subheader(t("year.next", title=md(nxt["title_fi"])))
    st.markdown(t("year.next_when", date=fi_date(nxt["meeting_date"]), days=days, kind=md(kind_name(nxt["kind"])))
                + (t("year.date_assumed") if nxt["date_status"] == "assumed" else "")
                + ("  \n" + t("year.parties", parties=md(nxt["parties_fi"])) if isinstance(nxt["parties_fi"], str) else ""))

st.header(t("year.deliverables_heading"))
deliverables = view["deliverables"]
if deliverables.empty:
    st.caption(t("year.no_deliverables"))
else:
    for meeting_id, rows in deliverables.groupby("meeting_id", sort=False):
        first = rows.iloc[0]
        with st.expander(f"{fi_date(first['meeting_date'])} {md(first['meeting_title'])}",
                         expanded=first["kind"] == forum.FORUM or meeting_id == (nxt["meeting_id"] if nxt is not None else None)):
            show_table(deliverables_table(rows), f"{fi_date(first['meeting_date'])} {first['meeting_title']}")
    st.caption(t("year.deliverables_caption"))

st.header(t("year.meetings_heading"))
years = sorted({d.year for d in frame["meeting_date"]})
default = years.index(today.year) if today.year in years else len(years) - 1
chosen = st.selectbox(t("year.year_select"), years, index=default, key="vuosikello_year")
shown = frame[[d.year == chosen for d in frame["meeting_date"]]]
show_table(pd.DataFrame({
    t("year.col_date"): [fi_date(d) + (t("year.assumed") if s == "assumed" else "")
                         for d, s in zip(shown["meeting_date"], shown["date_status"])],
    t("year.col_meeting"): shown["title_fi"],
    t("year.col_kind"): [kind_name(k) for k in shown["kind"]],
    t("year.col_parties"): shown["parties_fi"].fillna(""),
    t("year.col_decisions"): shown["decisions"],
    t("year.col_snapshot"): [(t("year.snapshot_preparing") if r == "valmistelu" else t("year.snapshot_taken"))
                             if pd.notna(s) else "" for s, r in zip(shown["snapshot_id"], shown["snapshot_reason"])],
    t("year.col_basis"): shown["basis_fi"].fillna(""),
}), t("year.meetings_heading"))

st.header(t("year.decisions_heading"))
decided = data.get(forum.decisions)
if decided.empty:
    st.caption(t("year.no_decisions"))
else:
    show_table(pd.DataFrame({
        t("year.col_meeting"): [f"{fi_date(d)} {m}" for d, m in zip(decided["meeting_date"], decided["meeting_title"])],
        t("year.col_kind"): [decision_kind(k) for k in decided["kind"]],
        t("year.col_record"): decided["text_fi"],
        t("col_action"): [f"{a} {text}" if isinstance(a, str) else ""
                          for a, text in zip(decided["action_id"], decided["action_text"])],
        t("year.col_responsible"): decided["responsible_fi"].fillna(""),
        t("year.col_due"): [fi_date(d) if pd.notna(d) else "" for d in decided["due_date"]],
    }), t("year.decisions_heading"))

take_home_downloads(footer_text())
load_alerts()

if is_admin():
    user = str(st.session_state.get("admin_user") or "ylläpito")
    st.header(t("year.admin_heading"))
    flash = st.session_state.pop("vuosikello_flash", None)
    if flash:  # set before the rerun that shows the page with the new meeting or decision
        st.success(flash)
    with st.form("add_meeting", clear_on_submit=True):
        st.subheader(t("year.add_meeting"))
        kinds = list(admin.MEETING_KINDS)
        kind = st.selectbox(t("year.col_kind"), kinds, format_func=kind_name)
        day = st.date_input(t("year.col_date"), value=None, format="DD.MM.YYYY", min_value=date(2020, 1, 1))
        title = st.text_input(t("year.form_title"), max_chars=admin.MAX_MEETING_TITLE)
        parties = st.text_input(t("year.form_parties"))
        areas = data.get(forum.areas)
        area = st.selectbox(t("year.form_area"), [""] + list(areas["code"]),
                            format_func=lambda c: dict(zip(areas["code"], areas["name_fi"])).get(c, "–"))
        if st.form_submit_button(t("year.add_meeting")):
            try:
                new_id = admin.add_meeting(kind, day, title, area_code=area or None, parties=parties, by=user)
                st.session_state["vuosikello_flash"] = t("year.meeting_added", meeting=md(new_id))
                st.rerun()
            except admin.MeetingRejected as exc:
                st.error("  \n".join(md(p) for p in exc.problems))
    meetings_now = data.get(forum.meetings)
    meetings_now = meetings_now[meetings_now["kind"] != "kompassikysely"]
    labels = {r.meeting_id: meeting_label(r) for r in meetings_now.itertuples()}
    past = [m for m, d in zip(meetings_now["meeting_id"], meetings_now["meeting_date"]) if d.date() <= today]
    with st.form("record_decision", clear_on_submit=True):
        st.subheader(t("year.record_heading"))
        ids = list(labels)
        meeting = st.selectbox(t("year.col_meeting"), ids, index=ids.index(past[-1]) if past else 0,
                               format_func=lambda m: labels[m])
        chosen_kind = st.selectbox(t("year.col_kind"), list(admin.DECISION_KINDS), format_func=decision_kind,
                                   key="decision_kind")
        text = st.text_area(t("year.form_decision"), max_chars=admin.MAX_DECISION_TEXT)
        actions = admin.plan_actions()
        no_action = t("year.no_action")
        action = st.selectbox(t("year.form_action"), [""] + list(actions["action_id"]),
                              format_func=lambda a: f"{a} {dict(zip(actions['action_id'], actions['text_fi'])).get(a, '')}"[:120] if a else no_action)
        responsible = st.text_input(t("year.form_responsible"))
        due = st.date_input(t("year.col_due"), value=None, format="DD.MM.YYYY")
        if st.form_submit_button(t("year.record_button")):
            try:
                decision_id = admin.record_decision(meeting, text, kind=chosen_kind, action_id=action or None,
                                                    responsible=responsible, due=due, by=user)
                st.session_state["vuosikello_flash"] = t("year.recorded", decision=decision_id)
                st.rerun()
            except admin.MeetingRejected as exc:
                st.error("  \n".join(md(p) for p in exc.problems))
    upcoming = [m for m, d in zip(meetings_now["meeting_id"], meetings_now["meeting_date"]) if d.date() > today]
    if upcoming:
        with st.form("prepare_meeting"):
            st.subheader(t("year.prepare_heading"))
            st.caption(t("year.prepare_caption"))
            chosen_meeting = st.selectbox(t("year.col_meeting"), upcoming, format_func=lambda m: labels[m], key="prepare_pick")
            if st.form_submit_button(t("year.prepare_button")):
                try:
                    snapshot_id = forum.prepare(chosen_meeting, user_name=user)
                    st.session_state["vuosikello_flash"] = t("year.prepared", snapshot=snapshot_id)
                    st.rerun()
                except ValueError as exc:
                    st.error(md(exc))
else:
    st.caption(t("year.admin_hint"))
