"""The kuntafoorumi's year on the pages: "changed since the last forum" (top of the overview and municipality
pages), the change alerts of the latest loads, and the vuosikello's pieces. Every stored text (meeting titles,
decisions, indicator titles, action texts, names) goes through ui.safe.md where Streamlit renders Markdown."""
from __future__ import annotations

from itertools import groupby

import pandas as pd
import streamlit as st

from common.clock import local_today
from common.format import fi_date, fi_datetime
from readmodel import changes, forum, take_home
from ui import data
from documents.brief import chromium_binary
from ui.safe import md
from documents.take_home import brief_html, brief_pdf, deck_pptx

VISIBLE = 6  # sentences per section before "näytä kaikki"


def changes_since_forum(region_key: str, label: str) -> None:
    """'Muutokset edellisen kuntafoorumin jälkeen' for one region (HVA_KEY or a municipality code)."""
    since = data.get(forum.since_last_forum, region_key, local_today())
    if since is None:
        st.caption("Vuosikellossa ei ole vielä pidettyä kuntafoorumia tai strategista tapaamista, joten muutoksia ei ole "
                   "mihin verrata.")
        return
    with st.container(border=True):
        st.markdown(f"**Muutokset edellisen {since['since_word']} jälkeen** — {md(since['title'])}, "
                    f"{fi_date(since['date'])} · {md(label)}")
        decided = data.get(forum.decisions, since["meeting_id"])
        if not decided.empty:
            st.markdown(f"*Kokouksen päätökset ja sovitut toimenpiteet* ({len(decided)})")
            st.markdown("\n".join(f"- {md(_decision_text(r))}" for r in decided.itertuples()))
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


def _decision_text(r) -> str:
    parts = [f"{r.kind.capitalize()}: {r.text_fi}"]
    if isinstance(r.action_id, str):
        parts.append(f"toimenpide {r.action_id}" + (f" {r.action_text}" if isinstance(r.action_text, str) else ""))
    if isinstance(r.responsible_fi, str):
        parts.append(f"vastuu: {r.responsible_fi}")
    if pd.notna(r.due_date):
        parts.append(f"määräpäivä {fi_date(r.due_date)}")
    return " · ".join(parts)


def load_alerts(limit: int = 5) -> None:
    """The latest loads that changed something, with the Atom feed and CSV as downloads."""
    loads = data.get(changes.load_changes, limit_loads=limit)
    titles = data.get(changes.names)
    st.header("Muutoshälytykset: mitä viimeisimmät lataukset muuttivat")
    st.caption("Jokainen lataus vertaa tilannekuvaa edelliseen lataukseen ja tallentaa erot. Tietotiimi voi tilata "
               "ne Atom-syötteenä tai CSV-tiedostona.")
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


@st.cache_data(max_entries=16, show_spinner="Tulostetaan PDF:ää (Chromium)…")
def _brief_pdf(version: str, key: str, today, _party: dict, footer: str) -> bytes | None:
    return brief_pdf(_party, footer)


def take_home_downloads(footer: str = "", party_key: str | None = None) -> None:
    """The forum brief (HTML, PDF) and the slide deck (PPTX) of any party (or of `party_key`), built only when
    downloaded."""
    if party_key is not None:
        st.subheader("Kuntafoorumin kooste (enintään 2 sivua) ja kalvot")
        _take_home_buttons(party_key, footer)
        return
    st.header("Kuntafoorumin aineistot osapuolille")
    st.caption("Kooste (enintään kaksi A4-sivua: yhteenveto, muutokset edellisen kuntafoorumin jälkeen, käynnissä olevat "
               "toimenpiteet vastuutahoineen ja tiloineen, selvimmät muutokset, mitä tuodaan seuraavaan kuntafoorumiin) ja "
               "kalvot (yksi kalvo kutakin yhteistä tavoitetta kohden ja yksi muutoksista). Tietotiimi tekee ne kaikille osapuolille "
               "kerralla (ohje: Tietolähteet).")
    everyone = data.get(take_home.parties)
    keys = [p[0] for p in everyone]
    names = {p[0]: p[2] for p in everyone}
    key = st.selectbox("Osapuoli", keys, format_func=lambda k: names.get(k, k), key="take_home_party")
    _take_home_buttons(key, footer)


def _take_home_buttons(key: str, footer: str) -> None:
    names = {p[0]: p[2] for p in data.get(take_home.parties)}
    today = local_today()
    slug = "".join(ch if ch.isalnum() else "_" for ch in names.get(key, key).lower()).strip("_")
    party = data.get(take_home.content, key, today)  # cached per database version; the files are built on download
    left, middle, right = st.columns(3)
    left.download_button("Lataa kooste (HTML)", lambda: brief_html(party, footer).encode("utf-8"),
                         f"kooste_{slug}.html", "text/html", on_click="ignore", key="take_home_html")
    right.download_button("Lataa kalvot (PPTX)", lambda: deck_pptx(party), f"kalvot_{slug}.pptx",
                          "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                          on_click="ignore", key="take_home_pptx")
    if not chromium_binary():
        middle.caption("PDF vaatii palvelimelle Chromiumin; HTML-koosteen voi tulostaa PDF:ksi selaimesta.")
    elif middle.toggle("Valmistele PDF", key="take_home_pdf_on"):
        pdf = _brief_pdf(data.version(), key, today, party, footer)
        if pdf:
            middle.download_button("Lataa kooste (PDF)", pdf, f"kooste_{slug}.pdf", "application/pdf", key="take_home_pdf")
        else:
            middle.caption("PDF:n tulostus epäonnistui; käytä HTML-koostetta.")
