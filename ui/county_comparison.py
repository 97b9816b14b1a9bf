"""The comparison page's national section: the own HVA's rank among Finland's 21 wellbeing services
counties, the distribution, and the region folder's peer counties (readmodel.comparison.county_ranking)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from common.format import fi_number
from readmodel import comparison
from readmodel.deployment import deployment
from ui import data
from ui.html_table import show_table
from ui.ranking_bars import CSS as RANKING_CSS, ranking_html
from ui.safe import md
from common.i18n import t
from ui.tables import download_buttons, opened_expander

ORDER = {"higher_better": "compare.order_higher", "lower_better": "compare.order_lower"}  # string keys


def county_section(indicator: int, meta: pd.Series, year: int | None, unit: str, decimals: int) -> None:
    dep = data.get(deployment)
    ranking = data.get(comparison.county_ranking, indicator, year)
    st.header(t("compare_counties_heading"))
    if ranking["year"] is None:
        st.info(t("compare_counties_no_rank"))
        return
    rows = ranking["rows"]
    if ranking["rank"] is None:
        st.info(t("compare_counties_no_rank"))
    else:
        st.markdown(t("compare_counties_rank", hva=md(dep.hva_name), rank=ranking["rank"], of=ranking["of"],
                      year=ranking["year"], order=t(ORDER.get(meta["direction"], "compare.order_none")),
                      median=fi_number(ranking["median"], decimals), low=fi_number(ranking["min"], decimals),
                      high=fi_number(ranking["max"], decimals), unit=md(unit)))
    st.html(RANKING_CSS + ranking_html(rows.dropna(subset=["value"]), "value", "name_fi",
                                       t("compare.counties_chart_title", title=meta["title_fi"], year=ranking["year"],
                                         unit=unit),
                                       unit, decimals, {t("compare.median"): ranking["median"]}, dep.hva_name))
    demo = bool(rows["is_demo"].fillna(False).any())
    st.caption((f"{t('demo_banner')}. " if demo else "")
               + t("compare_counties_source", ids=indicator, of=ranking["of"]))

    st.subheader(t("compare_counties_peers"))
    peers = rows[rows["is_own"] | rows["is_peer"]]
    if not ranking["peers"]:
        st.caption(t("compare_counties_no_peers"))
    elif ranking["peers_note"]:
        st.caption(md(ranking["peers_note"]))
    own_value = rows.loc[rows["is_own"], "value"].mean()
    show_table(pd.DataFrame({
        t("compare.col_peer"): peers["name_fi"],
        t("compare.col_value", unit=unit): [fi_number(v, decimals) for v in peers["value"]],
        t("compare.col_rank"): peers["rank"].map(lambda r: "–" if pd.isna(r) else int(r)),
        t("compare.col_difference_to_own"): [("–" if pd.isna(v) or own else fi_number(v - own_value, decimals, signed=True))
                      for v, own in zip(peers["value"], peers["is_own"])],
    }), t("compare_counties_peers"))
    if box := opened_expander(t("compare_counties_all"), key=f"compare_counties_all_{indicator}"):
        table = pd.DataFrame({
            t("compare.col_county"): rows["name_fi"],
            t("compare.col_value", unit=unit): [fi_number(v, decimals) for v in rows["value"]],
            t("compare.col_rank"): rows["rank"].map(lambda r: "–" if pd.isna(r) else int(r)),
        })
        with box:
            show_table(table, t("compare_counties_all"))
            download_buttons(rows[["code", "name_fi", "value", "rank"]].rename(
                columns={"code": t("export.county"), "name_fi": t("export.name"), "value": t("export.value"),
                         "rank": t("export.rank")})
                .assign(**{t("export.year"): ranking["year"], t("export.indicator"): indicator}),
                t("export.file_counties", indicator=indicator, year=ranking["year"]), key="counties")
