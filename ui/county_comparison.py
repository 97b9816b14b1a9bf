"""The comparison page's national section: the own HVA's rank among Finland's 21 wellbeing services
counties, the distribution, and the region folder's peer counties (readmodel.comparison.county_ranking)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from common.format import fi_number
from readmodel import comparison
from readmodel.deployment import deployment
from ui import data
from ui.charts import ranking_chart
from ui.safe import md
from common.i18n import t
from ui.tables import download_buttons

ORDER = {"higher_better": "1 = suurin arvo, suurempi on parempi", "lower_better": "1 = pienin arvo, pienempi on parempi"}


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
                      year=ranking["year"], order=ORDER.get(meta["direction"], "1 = suurin arvo, ei arvosuuntaa"),
                      median=fi_number(ranking["median"], decimals), low=fi_number(ranking["min"], decimals),
                      high=fi_number(ranking["max"], decimals), unit=md(unit)))
    st.plotly_chart(ranking_chart(rows.dropna(subset=["value"]), "value", "name_fi",
                                  f"{meta['title_fi']}, {ranking['year']}: hyvinvointialueet ({unit})", unit, decimals,
                                  {"mediaani": ranking["median"]}, dep.hva_name),
                    width="stretch", key="county_ranking")
    demo = bool(rows["is_demo"].fillna(False).any())
    st.caption(("Esimerkkiaineisto — ei todellisia lukuja. " if demo else "")
               + t("compare_counties_source", ids=indicator, of=ranking["of"]))

    st.subheader(t("compare_counties_peers"))
    peers = rows[rows["is_own"] | rows["is_peer"]]
    if not ranking["peers"]:
        st.caption(t("compare_counties_no_peers"))
    elif ranking["peers_note"]:
        st.caption(md(ranking["peers_note"]))
    own_value = rows.loc[rows["is_own"], "value"].mean()
    st.dataframe(pd.DataFrame({
        "Vertailualue": peers["name_fi"],
        f"Arvo ({unit})": [fi_number(v, decimals) for v in peers["value"]],
        "Sija": peers["rank"].map(lambda r: "–" if pd.isna(r) else int(r)),
        "Ero omaan": [("–" if pd.isna(v) or own else fi_number(v - own_value, decimals, signed=True))
                      for v, own in zip(peers["value"], peers["is_own"])],
    }), hide_index=True, width="stretch")
    with st.expander(t("compare_counties_all")):
        table = pd.DataFrame({
            "Hyvinvointialue": rows["name_fi"],
            f"Arvo ({unit})": [fi_number(v, decimals) for v in rows["value"]],
            "Sija": rows["rank"].map(lambda r: "–" if pd.isna(r) else int(r)),
        })
        st.dataframe(table, hide_index=True, width="stretch")
        download_buttons(rows[["code", "name_fi", "value", "rank"]].rename(
            columns={"code": "hyvinvointialue", "name_fi": "nimi", "value": "arvo", "rank": "sija"})
            .assign(vuosi=ranking["year"], indikaattori=indicator), f"hyvinvointialueet_{indicator}_{ranking['year']}",
            key="counties")
