"""The kuntafoorumi's year on the pages: "changed since the last forum" (top of the overview and municipality
pages), the change alerts of the latest loads, and the vuosikello's pieces. Every stored text (meeting titles,
decisions, indicator titles, action texts, names) goes through ui.safe.md where Streamlit renders Markdown.
Our own texts are in the reader's language (common.i18n); a file a download builds later is built in the
language of the run that offered it (`common.i18n.in_this_language`)."""
from __future__ import annotations

from itertools import groupby

import pandas as pd
import streamlit as st

from common.clock import local_today
from common.format import fi_date, fi_datetime
from common.i18n import in_language, in_this_language, language, t, value_label
from readmodel import changes, forum, take_home
from ui import data
from documents.brief import chromium_binary
from ui.safe import md
from documents.take_home import brief_html, brief_pdf, deck_pptx

VISIBLE = 6  # sentences per section before "näytä kaikki"


def changes_since_forum(region_key: str, label: str) -> None:
    """'Muutokset edellisen kuntafoorumin jälkeen' for one region (HVA_KEY or a municipality code)."""
    since = forum.for_region(data.get(forum.changes_since_last_forum, local_today()), region_key)
    if since is None:
        st.caption(t("forum.no_baseline"))
        return
    with st.container(border=True):
        st.markdown(f"**{t('forum.changes_since', since=forum.since_word(since['kind']))}** — {md(since['title'])}, "
                    f"{fi_date(since['date'])} · {md(label)}")
        decided = data.get(forum.decisions, since["meeting_id"])
        if not decided.empty:
            st.markdown(t("forum.meeting_decisions", n=len(decided)))
            st.markdown("\n".join(f"- {md(_decision_text(r))}" for r in decided.itertuples()))
        if not since["lines"]:
            st.caption(t("forum.no_changes"))
            return
        for section, items in groupby(since["lines"], key=lambda x: x["section"]):
            items = list(items)
            st.markdown(f"*{md(section)}* ({len(items)})")
            st.markdown("\n".join(f"- {md(x['text'])}" for x in items[:VISIBLE]))
            if len(items) > VISIBLE:
                with st.expander(t("forum.show_all", n=len(items))):
                    st.markdown("\n".join(f"- {md(x['text'])}" for x in items[VISIBLE:]))


def _decision_text(r) -> str:
    parts = [f"{decision_kind(r.kind).capitalize()}: {r.text_fi}"]
    if isinstance(r.action_id, str):
        parts.append(t("forum.decision_action", action=r.action_id)
                     + (f" {r.action_text}" if isinstance(r.action_text, str) else ""))
    if isinstance(r.responsible_fi, str):
        parts.append(t("forum.decision_responsible", who=r.responsible_fi))
    if pd.notna(r.due_date):
        parts.append(t("forum.decision_due", date=fi_date(r.due_date)))
    return " · ".join(parts)


def load_alerts(limit: int = 5) -> None:
    """The latest loads that changed something, with the Atom feed and CSV as downloads."""
    loads = data.get(changes.load_changes, limit_loads=limit)
    titles = data.get(changes.names)
    st.header(t("forum.alerts_heading"))
    st.caption(t("forum.alerts_caption"))
    if not loads:
        st.caption(t("forum.no_alerts"))
        return
    for load in loads:
        lines = changes.lines(load["changes"], titles)
        demo = t("forum.alert_demo") if load["is_demo"] else ""
        with st.expander(t("forum.alert_title", load=load["load_id"], source=md(load["source"]),
                           when=fi_datetime(load["finished_at"]), n=len(lines), demo=demo)):
            st.markdown("\n".join(f"- {md(x['section'])}: {md(x['text'])}" for x in lines))
    everything = data.get(changes.load_changes)
    left, right = st.columns(2)
    left.download_button(t("forum.download_atom"), in_this_language(lambda: changes.feed_atom(
        everything, titles, feed_id="urn:tilannekuva:muutokset", title=t("changes.feed_title"))),
        "muutokset.atom", "application/atom+xml", on_click="ignore", key="alerts_atom")
    right.download_button(t("forum.download_csv"), in_this_language(lambda: changes.feed_csv(everything, titles)),
                          "muutokset.csv", "text/csv", on_click="ignore", key="alerts_csv")


def meeting_label(row) -> str:
    assumed = t("forum.date_assumed") if row.date_status == "assumed" else ""
    return f"{fi_date(row.meeting_date)} {row.title_fi}{assumed}"


def deliverables_table(rows: pd.DataFrame) -> pd.DataFrame:
    def state(done) -> str:
        if done is None or done != done:
            return "–"
        return t("forum.done") if done else t("forum.not_done")
    return pd.DataFrame({
        t("forum.col_party"): rows["party"],
        t("forum.col_brings"): rows["text"],
        t("forum.col_state"): [state(d) for d in rows["done"]],
        t("forum.col_check"): rows["check_text"],
        t("forum.col_missing"): [", ".join(m) for m in rows["missing"]],
    })


def kind_name(kind: str) -> str:
    return forum.kind_name(kind)


def decision_kind(kind: str) -> str:
    """A decision's kind (päätös, sovittu toimenpide: codes) in the reader's language."""
    return value_label("forum.decision_kind", kind)


@st.cache_data(max_entries=16, show_spinner=False)
def _brief_pdf(version: str, key: str, today, lang: str, _party: dict, footer: str) -> bytes | None:
    with in_language(lang):
        return brief_pdf(_party, footer)


def take_home_downloads(footer: str = "", party_key: str | None = None) -> None:
    """The forum brief (HTML, PDF) and the slide deck (PPTX) of any party (or of `party_key`), built only when
    downloaded."""
    if party_key is not None:
        st.subheader(t("forum.take_home_party_heading"))
        _take_home_buttons(party_key, footer)
        return
    st.header(t("forum.take_home_heading"))
    st.caption(t("forum.take_home_caption"))
    everyone = data.get(take_home.parties)
    keys = [p[0] for p in everyone]
    names = {p[0]: p[2] for p in everyone}
    key = st.selectbox(t("forum.col_party"), keys, format_func=lambda k: names.get(k, k), key="take_home_party")
    _take_home_buttons(key, footer)


def _take_home_buttons(key: str, footer: str) -> None:
    names = {p[0]: p[2] for p in data.get(take_home.parties)}
    today = local_today()
    slug = "".join(ch if ch.isalnum() else "_" for ch in names.get(key, key).lower()).strip("_")
    # The party's content (0,3-0,4 s for a municipality not yet asked) is read only when a file is made: when a
    # reader clicks (Streamlit runs the builder then, outside the page's run) or asks for the PDF. Cached per
    # database version like every page question.
    party = lambda: data.get(take_home.content, key, today)  # noqa: E731
    left, middle, right = st.columns(3)
    brief, deck = t("forum.file_brief"), t("forum.file_deck")
    left.download_button(t("forum.download_brief_html"), in_this_language(lambda: brief_html(party(), footer).encode("utf-8")),
                         f"{brief}_{slug}.html", "text/html", on_click="ignore", key="take_home_html")
    right.download_button(t("forum.download_deck"), in_this_language(lambda: deck_pptx(party())), f"{deck}_{slug}.pptx",
                          "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                          on_click="ignore", key="take_home_pptx")
    if not chromium_binary():
        middle.caption(t("forum.pdf_needs_chromium"))
    elif middle.toggle(t("forum.prepare_pdf"), key="take_home_pdf_on"):
        with st.spinner(t("forum.printing_pdf")):
            pdf = _brief_pdf(data.version(), key, today, language(), party(), footer)
        if pdf:
            middle.download_button(t("forum.download_brief_pdf"), pdf, f"{brief}_{slug}.pdf", "application/pdf",
                                   key="take_home_pdf")
        else:
            middle.caption(t("forum.pdf_failed"))
