"""Pieces every page shares: demo banner, region selection (kept in the URL), source captions."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from common.format import fi_date
from readmodel import page_data, view_data
from readmodel.deployment import deployment
from ui import data
from documents.brief import chromium_binary, html_to_pdf
from ui.html_table import CSS as TABLE_CSS
from ui.safe import md
from common.i18n import in_this_language, t, value_label


def demo_banner(is_demo: bool) -> None:
    """Shown on every page whose numbers include demo rows."""
    if is_demo:
        st.warning(f"**{t('demo_banner')}**  \n{t('demo_banner_detail')}", icon="⚠️")


def page_demo_banner() -> bool:
    """Banner for pages showing warehouse numbers: on when any demo row is in use."""
    share = data.get(page_data.demo_share)
    is_demo = bool(share["observations_demo"] or share["survey_demo"] or share["status_demo"])
    demo_banner(is_demo)
    return is_demo


def query_param(name: str, default=None):
    value = st.query_params.get(name)
    return value if value not in (None, "") else default


def set_query_param(name: str, value) -> None:
    if value is None:
        st.query_params.pop(name, None)
    elif st.query_params.get(name) != str(value):
        st.query_params[name] = str(value)


def select_from_url(label: str, options: list, param: str, format_func=str, default_index: int = 0, key=None, help=None):
    """A selectbox whose value lives in the URL (?param=...), so a link reproduces the view.
    Unknown values in the URL fall back to the default instead of failing."""
    current = query_param(param)
    keys = [str(o) for o in options]
    index = keys.index(current) if current in keys else default_index
    choice = st.selectbox(label, options, index=index, format_func=format_func, key=key or f"sel_{param}", help=help)
    set_query_param(param, choice)
    return choice


def year_selector(sidebar: bool = True) -> int:
    first, last = data.get(page_data.data_years)
    target = st.sidebar if sidebar else st
    current = query_param("vuosi")
    try:
        value = min(max(int(current), first), last) if current else last
    except ValueError:
        value = last
    year = target.slider(t("sidebar_year"), first, last, value, help=t("sidebar_year_help"), key="year_slider")
    set_query_param("vuosi", year if year != last else None)
    return year


def source_caption(indicator_rows: pd.DataFrame) -> None:
    """'Lähde: THL, Sotkanet.fi, ind. N, päivitetty …; CC BY 4.0' under every chart and table."""
    if indicator_rows.empty:
        return
    ids = ", ".join(str(i) for i in sorted(set(indicator_rows["indicator_id"] if "indicator_id" in indicator_rows else indicator_rows["id"])))
    demo = bool(indicator_rows.get("is_demo", pd.Series([False])).fillna(False).any())
    if demo:
        st.caption(t("source_caption_demo", ids=ids))
        return
    updated = indicator_rows.get("data_updated", pd.Series(dtype=object)).dropna()
    licences = sorted(set(indicator_rows.get("licence", pd.Series(dtype=object)).dropna()))
    st.caption(t("source_caption", ids=ids, updated=fi_date(max(updated)) if len(updated) else "–",
                 licence=md("; ".join(licences) or "CC BY 4.0")))


def region_facts():
    """The deployment's region facts (readmodel/deployment.py), cached like any page question."""
    return data.get(deployment)


def footer_text(escape=str) -> str:
    """The page footer; `escape` = ui.safe.md where it is rendered as Markdown (plain for the printable brief)."""
    dep = region_facts()
    return t("footer", survey_owner=escape(dep.survey_owner), plan=escape(dep.plan_name or "–"))


def footer() -> None:
    st.divider()
    st.caption(footer_text(md))


# ---------------------------------------------------------------- shared page pieces (issue 6)

# WCAG 2.1 AA: Streamlit's captions (grey at opacity 0.6: 3.0–3.8:1 on #f8f8f7) fail 4.5:1; #555 at full opacity is ≥ 6.9:1.
ACCESSIBILITY_CSS = """
<style>
[data-testid="stCaptionContainer"] { opacity: 1 !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #555555 !important; }
[data-testid="stWidgetLabel"] p { color: #262730; }
/* code blocks: the light syntax colours (e.g. #00a4d4 on #f7f7f6, 2.7:1) -> dark tones with ≥ 4.5:1 */
[data-testid="stCode"] code span { color: #1d3b5a !important; }
[data-testid="stCode"] code span.comment { color: #505050 !important; }
/* st.table: cells wrap, so a table fits its column without a scrolling wrapper (a scrolling region must be
   reachable by keyboard, WCAG 2.1.1, and st.table's wrapper is not focusable) */
.stTable table { width: 100%; }
.stTable th, .stTable td { white-space: normal !important; overflow-wrap: anywhere; }
/* WCAG 2.4.7: a visible keyboard focus on every control (Streamlit's navigation links show none) */
a:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible, [tabindex]:focus-visible,
[role="tab"]:focus-visible { outline: 3px solid #0072B2 !important; outline-offset: 2px !important; }
</style>
"""


def accessibility_css() -> None:
    st.html(ACCESSIBILITY_CSS + TABLE_CSS)


def is_admin() -> bool:
    """Authenticated on the Ylläpito page (data_sources/admin_auth.py via pages/yllapito.py)."""
    return bool(st.session_state.get("admin_user") or st.session_state.get("admin_ok"))


def summary_sentences(category: str, code: str, year: int | None) -> list[str]:
    """The region's plain-language summary (metrics/summary.py), with the same year rules as the page:
    statistics up to `year`, survey and action status per status_year()."""
    items = data.get(page_data.region_summary, category, code, year_max=year, status_year_max=status_year())
    return [item["text"] for item in items]


def snapshot_changes(region_key: str, year: int | None, label: str) -> None:
    """'Mitä on muuttunut tallennetun kuntafoorumin tilannekuvan jälkeen?' (?vertailukohta=ID)."""
    snaps = data.get(view_data.snapshot_list)
    st.header(t("snapshot.changes_heading"))
    if snaps.empty:
        st.caption(t("snapshot.none_saved"))
        return
    ids = [int(i) for i in snaps["snapshot_id"]]
    labels = {int(r.snapshot_id): f"{r.name} ({fi_date(r.created_at)})" for r in snaps.itertuples()}
    chosen = int(select_from_url(t("snapshot.pick"), ids, "vertailukohta",
                                 format_func=lambda i: labels.get(int(i), str(i)), key="snapshot_pick"))
    # the picture now as the snapshot took it: every year unless the slider was moved back (cf. save_snapshot)
    changes = data.get(view_data.snapshot_diff, chosen, region_key, year_max=status_year())
    if changes is None:
        st.info(t("snapshot.not_found"))
        return
    new_years, trend, done = changes["new_years"], changes["trend_changes"], changes["actions_completed"]
    st.markdown(t("snapshot.changes_summary", label=md(label), snapshot=md(labels[chosen]), years=len(new_years),
                  trends=len(trend), done=len(done)))
    # the before/now of a trend change are trend codes (metrics.trends), shown in the reader's language
    trend = trend.assign(**{c: trend[c].map(lambda v: value_label("trend", v)) for c in trend.columns[1:]})
    cols = st.columns(3)
    for col, (heading, frame) in zip(cols, [(t("snapshot.new_years"), new_years), (t("snapshot.trend_changed"), trend),
                                            (t("snapshot.completed"), done)]):
        with col:
            st.subheader(heading)
            if frame.empty:
                st.caption(t("snapshot.no_changes"))
            else:
                st.dataframe(frame.rename(columns=_snapshot_columns()), hide_index=True, width="stretch",
                             height=min(35 * len(frame) + 38, 320))


def _snapshot_columns() -> dict[str, str]:
    """readmodel.view_data.snapshot_diff's column names -> their headings in the reader's language."""
    return {"Indikaattori": t("snapshot.col_indicator"), "Ennen": t("snapshot.col_before"), "Nyt": t("snapshot.col_now"),
            "Toimenpide": t("snapshot.col_action"), "Kunta": t("snapshot.col_municipality")}


@st.cache_data(max_entries=16, show_spinner=False)  # the caller's spinner speaks the reader's language
def _pdf(document: str) -> bytes | None:
    return html_to_pdf(document)


def brief_downloads(make_document, slug: str, key: str) -> None:
    """The printable brief: HTML always; PDF when Chromium is available (printed on request). The document
    (`make_document()`, HTML text) is built only when a reader downloads or prints it, never per rerun."""
    left, right = st.columns(2)
    left.download_button(t("layout.brief_html"), in_this_language(lambda: make_document().encode("utf-8")), f"{slug}.html",
                         "text/html", key=f"brief_html_{key}", on_click="ignore", help=t("layout.brief_html_help"))
    if not chromium_binary():
        right.caption(t("layout.brief_no_chromium"))
        return
    if right.toggle(t("layout.brief_prepare_pdf"), key=f"brief_pdf_on_{key}"):
        with st.spinner(t("layout.brief_pdf_spinner")):
            pdf = _pdf(make_document())
        if pdf:
            right.download_button(t("layout.brief_pdf"), pdf, f"{slug}.pdf", "application/pdf", key=f"brief_pdf_{key}")
        else:
            right.caption(t("layout.brief_pdf_failed"))


def status_year() -> int | None:
    """Year limit for survey answers and action status: none unless the user moved the year slider back
    (the survey of 2025 describes the state now, even when statistics reach only 2024)."""
    return st.session_state.get("year") if query_param("vuosi") else None
