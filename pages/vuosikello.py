"""Vuosikello — the follow-up year: what is next, what each party brings before it, what the meetings decided."""
from datetime import date

import pandas as pd
import streamlit as st

from common.clock import local_today
from common.format import fi_date
from readmodel import forum
from ui import admin, data
from ui.forum import deliverables_table, kind_name, load_alerts, meeting_label, take_home_downloads
from ui.layout import footer_text, is_admin, page_demo_banner, region_facts
from ui.safe import md
from common.i18n import t

today = local_today()
st.title(t("page_year"))
dep = region_facts()
rhythm = (md(dep.rhythm) + " ") if dep.rhythm else (  # the region folder's [plan] rhythm_fi; else the bundled plan's
    "kuntafoorumi kahdesti vuodessa, kompassikysely kerran vuodessa ennen sitä, palvelukeskustelut kerran vuodessa "
    "alueittain, HYTE-neuvottelut vuosittain ja neuvottelu (611/2021 14 §) kerran valtuustokaudessa. ")
st.caption(f"Suunnitelman seurannan rytmi ({md(dep.plan_name or '–')}): {rhythm}Suunnitelma kertoo rytmin mutta ei päiviä: "
           "päivät ovat oletettuja, kunnes koordinaattori vahvistaa ne.")
page_demo_banner()

view = data.get(forum.year_view, today)
frame = view["meetings"]
if frame.empty:
    st.info("Vuosikellossa ei ole kokouksia. Aluekansion meetings.csv tai ylläpidon lisäämät kokoukset näkyvät tässä.")
    st.stop()

nxt = view["next"]
if nxt is not None:
    days = (nxt["meeting_date"].date() - today).days
    st.subheader(f"Seuraavaksi: {md(nxt['title_fi'])}")
    st.markdown(f"**{fi_date(nxt['meeting_date'])}** ({days} päivän päästä) · {md(kind_name(nxt['kind']))}"
                + (" · päivä oletettu" if nxt["date_status"] == "assumed" else "")
                + (f"  \nOsapuolet: {md(nxt['parties_fi'])}" if isinstance(nxt["parties_fi"], str) else ""))

st.header("Mitä kukin osapuoli tuo ennen seuraavia kokouksia")
deliverables = view["deliverables"]
if deliverables.empty:
    st.caption("Aluekansion deliverables.csv ei nimeä toimitettavia tuleville kokouksille.")
else:
    for meeting_id, rows in deliverables.groupby("meeting_id", sort=False):
        first = rows.iloc[0]
        with st.expander(f"{fi_date(first['meeting_date'])} {md(first['meeting_title'])}",
                         expanded=first["kind"] == forum.FORUM or meeting_id == (nxt["meeting_id"] if nxt is not None else None)):
            st.dataframe(deliverables_table(rows), hide_index=True, width="stretch")
    st.caption("Tarkistus lasketaan tiedoista: kyselyvastaukset kunnittain kokousvuodelta, tilan kirjaukset tai "
               "kyselyvastaukset edellisen samanlaisen kokouksen jälkeen ja tilastojen viimeisin lataus.")

st.header("Kokoukset")
years = sorted({d.year for d in frame["meeting_date"]})
default = years.index(today.year) if today.year in years else len(years) - 1
chosen = st.selectbox("Vuosi", years, index=default, key="vuosikello_year")
shown = frame[[d.year == chosen for d in frame["meeting_date"]]]
st.dataframe(pd.DataFrame({
    "Päivä": [fi_date(d) + (" (oletettu)" if s == "assumed" else "") for d, s in zip(shown["meeting_date"], shown["date_status"])],
    "Kokous": shown["title_fi"],
    "Laji": [kind_name(k) for k in shown["kind"]],
    "Osapuolet": shown["parties_fi"].fillna(""),
    "Päätöksiä": shown["decisions"],
    "Tilannekuva": [("✔ valmistelussa" if r == "valmistelu" else "✔ otettu") if pd.notna(s) else ""
                    for s, r in zip(shown["snapshot_id"], shown["snapshot_reason"])],
    "Peruste": shown["basis_fi"].fillna(""),
}), hide_index=True, width="stretch")

st.header("Päätökset ja sovitut toimenpiteet")
decided = data.get(forum.decisions)
if decided.empty:
    st.caption("Kokousten päätöksiä ei ole vielä kirjattu.")
else:
    st.dataframe(pd.DataFrame({
        "Kokous": [f"{fi_date(d)} {m}" for d, m in zip(decided["meeting_date"], decided["meeting_title"])],
        "Laji": decided["kind"],
        "Kirjaus": decided["text_fi"],
        "Toimenpide": [f"{a} {t_}" if isinstance(a, str) else "" for a, t_ in zip(decided["action_id"], decided["action_text"])],
        "Vastuu": decided["responsible_fi"].fillna(""),
        "Määräpäivä": [fi_date(d) if pd.notna(d) else "" for d in decided["due_date"]],
    }), hide_index=True, width="stretch")

take_home_downloads(footer_text())
load_alerts()

if is_admin():
    user = str(st.session_state.get("admin_user") or "ylläpito")
    st.header("Koordinaattori: kokoukset ja päätökset")
    flash = st.session_state.pop("vuosikello_flash", None)
    if flash:  # set before the rerun that shows the page with the new meeting or decision
        st.success(flash)
    with st.form("add_meeting", clear_on_submit=True):
        st.subheader("Lisää kokous")
        kinds = list(admin.MEETING_KINDS)
        kind = st.selectbox("Laji", kinds, format_func=kind_name)
        day = st.date_input("Päivä", value=None, format="DD.MM.YYYY", min_value=date(2020, 1, 1))
        title = st.text_input("Otsikko", max_chars=admin.MAX_MEETING_TITLE)
        parties = st.text_input("Osapuolet (puolipisteellä eroteltuina)")
        areas = data.get(forum.areas)
        area = st.selectbox("Palvelukeskustelualue (palvelukeskustelulle)", [""] + list(areas["code"]),
                            format_func=lambda c: dict(zip(areas["code"], areas["name_fi"])).get(c, "–"))
        if st.form_submit_button("Lisää kokous"):
            try:
                new_id = admin.add_meeting(kind, day, title, area_code=area or None, parties=parties, by=user)
                st.session_state["vuosikello_flash"] = f"Kokous lisätty: {md(new_id)}"
                st.rerun()
            except admin.MeetingRejected as exc:
                st.error("  \n".join(md(p) for p in exc.problems))
    meetings_now = data.get(forum.meetings)
    meetings_now = meetings_now[meetings_now["kind"] != "kompassikysely"]
    labels = {r.meeting_id: meeting_label(r) for r in meetings_now.itertuples()}
    past = [m for m, d in zip(meetings_now["meeting_id"], meetings_now["meeting_date"]) if d.date() <= today]
    with st.form("record_decision", clear_on_submit=True):
        st.subheader("Kirjaa kokouksen päätös tai sovittu toimenpide")
        ids = list(labels)
        meeting = st.selectbox("Kokous", ids, index=ids.index(past[-1]) if past else 0, format_func=lambda m: labels[m])
        decision_kind = st.selectbox("Laji", list(admin.DECISION_KINDS), key="decision_kind")
        text = st.text_area("Päätös", max_chars=admin.MAX_DECISION_TEXT)
        actions = admin.plan_actions()
        action = st.selectbox("Toimenpide, jota päätös koskee", [""] + list(actions["action_id"]),
                              format_func=lambda a: f"{a} {dict(zip(actions['action_id'], actions['text_fi'])).get(a, '')}"[:120] if a else "– ei mikään –")
        responsible = st.text_input("Vastuutaho")
        due = st.date_input("Määräpäivä", value=None, format="DD.MM.YYYY")
        if st.form_submit_button("Kirjaa"):
            try:
                decision_id = admin.record_decision(meeting, text, kind=decision_kind, action_id=action or None,
                                                    responsible=responsible, due=due, by=user)
                st.session_state["vuosikello_flash"] = f"Kirjattu #{decision_id}."
                st.rerun()
            except admin.MeetingRejected as exc:
                st.error("  \n".join(md(p) for p in exc.problems))
    upcoming = [m for m, d in zip(meetings_now["meeting_id"], meetings_now["meeting_date"]) if d.date() > today]
    if upcoming:
        with st.form("prepare_meeting"):
            st.subheader("Avaa kokous valmisteluun")
            st.caption("Ottaa kokouksen tilannekuvan nyt; muuten se otetaan kokouspäivänä.")
            chosen_meeting = st.selectbox("Kokous", upcoming, format_func=lambda m: labels[m], key="prepare_pick")
            if st.form_submit_button("Avaa valmisteluun"):
                try:
                    snapshot_id = forum.prepare(chosen_meeting, user_name=user)
                    st.session_state["vuosikello_flash"] = f"Tilannekuva #{snapshot_id} otettu kokouksen valmistelua varten."
                    st.rerun()
                except ValueError as exc:
                    st.error(md(exc))
else:
    st.caption("Koordinaattori lisää kokouksia ja kirjaa päätöksiä kirjauduttuaan (Ylläpito-sivu).")
