"""Pieces every page shares: demo banner, region selection (kept in the URL), source captions."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import data
from ui.format import fi_date
from ui.strings import t


def demo_banner(is_demo: bool) -> None:
    """Shown on every page whose numbers include demo rows."""
    if is_demo:
        st.warning(f"**{t('demo_banner')}**  \n{t('demo_banner_detail')}", icon="⚠️")


def page_demo_banner() -> bool:
    """Banner for pages showing warehouse numbers: on when any demo row is in use."""
    share = data.get("demo_share")
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
    first, last = data.get("data_years")
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
                 licence="; ".join(licences) or "CC BY 4.0"))


def footer() -> None:
    st.divider()
    st.caption(t("footer"))
