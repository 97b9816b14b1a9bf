"""The kuntafoorumi's year on the pages: "changed since the last forum" (top of the overview and municipality
pages), the change alerts of the latest loads, and the vuosikello's pieces. Every stored text (meeting titles,
decisions, indicator titles, action texts, names) goes through ui.safe.md where Streamlit renders Markdown."""
from __future__ import annotations

from itertools import groupby

import pandas as pd
import streamlit as st

from common.clock import local_today
from common.format import fi_date, fi_datetime
from readmodel import changes, forum
from ui import data
from ui.safe import md

VISIBLE = 6  # sentences per section before "näytä kaikki"


def changes_since_forum(region_key: str, label: str) -> None:
    """'Muutokset edellisen kuntafoorumin jälkeen' for one region (HVA_KEY or a municipality code)."""
    since = data.get(forum.since_last_forum, region_key, local_today())
    if since is None:
        st.caption("Vuosikellossa ei ole vielä pidettyä kuntafoorumia, joten muutoksia ei ole mihin verrata.")
        return
    with st.container(border=True):
        st.markdown(f"**Muutokset edellisen kuntafoorumin jälkeen** — {md(since['title'])}, "
                    f"{fi_date(since['date'])} · {md(label)}")
        if not since["lines"]:
            st.caption("Ei muutoksia: toimenpiteiden tilat, kehitysluokat, vertailut ja ladatut tiedot ovat samat kuin "
                       "kuntafoorumin tilannekuvassa.")
            return
        for section, items in groupby(since["lines"], key=lambda x: x["section"]):
            items = list(items)
            st.markdown(f"*{md(section)}* ({len(items)})")
            st.markdown("\n".join(f"- {md(x['text'])}" for x in items[:VISIBLE]))
            if len(items) > VISIBLE:
                with st.expander(f"Näytä kaikki {len(items)}"):
                    st.markdown("\n".join(f"- {md(x['text'])}" for x in items[VISIBLE:]))


def load_alerts(limit: int = 5) -> None:
    """The latest loads that changed something, with the Atom feed and CSV as downloads."""
    loads = data.get(changes.load_changes, limit_loads=limit)
    titles = data.get(changes.names)
    st.header("Muutoshälytykset: mitä viimeisimmät lataukset muuttivat")
    st.caption("Jokainen lataus vertaa tilannekuvaa edelliseen lataukseen ja tallentaa erot. Tietotiimi voi tilata "
               "ne Atom-syötteenä tai CSV-tiedostona (myös komennolla `python -m data_sources changes --out KANSIO`).")
    if not loads:
        st.caption("Yksikään lataus ei ole vielä muuttanut tilannekuvaa.")
        return
    for load in loads:
        lines = changes.lines(load["changes"], titles)
        demo = " · esimerkkiaineisto" if load["is_demo"] else ""
        with st.expander(f"Lataus #{load['load_id']} ({md(load['source'])}), {fi_datetime(load['finished_at'])}: "
                         f"{len(lines)} muutosta{demo}"):
            st.markdown("\n".join(f"- {md(x['section'])}: {md(x['text'])}" for x in lines))
    left, right = st.columns(2)
    left.download_button("Lataa Atom-syöte", lambda: changes.feed_atom(
        data.get(changes.load_changes), titles, feed_id="urn:tilannekuva:muutokset", title="Tilannekuva: muutokset"),
        "muutokset.atom", "application/atom+xml", on_click="ignore", key="alerts_atom")
    right.download_button("Lataa muutokset (CSV)", lambda: changes.feed_csv(data.get(changes.load_changes), titles),
                          "muutokset.csv", "text/csv", on_click="ignore", key="alerts_csv")


def meeting_label(row) -> str:
    assumed = " (päivä oletettu)" if row.date_status == "assumed" else ""
    return f"{fi_date(row.meeting_date)} {row.title_fi}{assumed}"


def deliverables_table(rows: pd.DataFrame) -> pd.DataFrame:
    def state(done) -> str:
        if done is None or done != done:
            return "–"
        return "✔ valmis" if done else "✖ kesken"
    return pd.DataFrame({
        "Osapuoli": rows["party"],
        "Tuo ennen kokousta": rows["text"],
        "Tilanne": [state(d) for d in rows["done"]],
        "Tarkistus": rows["check_text"],
        "Puuttuu": [", ".join(m) for m in rows["missing"]],
    })


def kind_name(kind: str) -> str:
    return forum.KIND_NAMES.get(kind, kind)
