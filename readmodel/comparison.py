"""The comparison page's questions: one indicator across the own municipalities (value, rank, difference to
the HVA), the own HVA among Finland's 21 wellbeing services counties with the region's peers, and which of a
goal's indicators can be compared between municipalities at all."""
from __future__ import annotations

import pandas as pd

from common.i18n import language, localized, value_label
from metrics.compare import rank_among
from readmodel import page_data
from readmodel.deployment import deployment
from store.config import counties, region_config

# Amounts (people, euros) grow with the municipality's size: comparing them between municipalities says
# nothing of wellbeing, so the heatmap leaves them out.
NOT_COMPARABLE_UNITS = ("henkilöä", "euroa")


def municipality_ranking(con, indicator_id: int, year_max: int | None = None) -> dict:
    """The newest year with data (up to year_max): every own municipality's value, its rank (1 = best by
    the indicator's direction; by size when it has none) and its difference to the HVA; the HVA's and the
    country's values. Empty `rows` when the indicator has no data."""
    dep = deployment(con)
    munis = page_data.municipalities(con)
    inds = page_data.indicators(con)
    meta = inds[inds["id"] == indicator_id]
    direction = meta["direction"].iloc[0] if len(meta) else None
    obs = page_data.observations(con, [("KUNTA", c) for c in munis["code"]] + [dep.hva, dep.country],
                                 [indicator_id], year_max)
    with_value = obs.dropna(subset=["value"])
    if with_value.empty:
        return {"year": None, "rows": munis.iloc[0:0].assign(value=[], abs_value=[], rank=[], vs_hva=[]),
                "hva_value": float("nan"), "country_value": float("nan")}
    year = int(with_value["year"].max())
    rows = obs[obs["year"] == year]
    hva_value = rows.loc[rows["region_category"] == dep.hva[0], "value"].mean()
    country_value = rows.loc[rows["region_category"] == dep.country[0], "value"].mean()
    kunnat = rows[rows["region_category"] == "KUNTA"].merge(munis, left_on="region_code", right_on="code", how="right")
    kunnat = kunnat.assign(rank=kunnat["value"].rank(ascending=direction == "lower_better", method="min"),
                           vs_hva=kunnat["value"] - hva_value)
    return {"year": year, "rows": kunnat, "hva_value": hva_value, "country_value": country_value}


def comparable_indicators(con, goal_id: int) -> pd.DataFrame:
    """The goal's catalogue indicators that can be compared between municipalities (no amounts)."""
    inds = page_data.indicators(con)
    goal_inds = inds[inds["goals"].map(lambda g: goal_id in list(g))]
    # the cursor names units in the reader's language (store.warehouse.localize): both names are amounts
    amounts = set(NOT_COMPARABLE_UNITS) | {value_label("unit", u) for u in NOT_COMPARABLE_UNITS}
    return goal_inds[~goal_inds["unit"].isin(amounts)]


def county_ranking(con, indicator_id: int, year_max: int | None = None) -> dict:
    """The own HVA among Finland's wellbeing services counties (Sotkanet's HYVINVOINTIALUE regions kept as
    comparison regions, never in the region's own lists): the newest year (up to year_max) in which the own
    HVA has a value, every county's value that year, the own rank among the 21 and the region folder's
    peers. `year` None when the indicator has no county values."""
    dep = deployment(con)
    config = region_config()
    inds = page_data.indicators(con)
    meta = inds[inds["id"] == indicator_id]
    direction = meta["direction"].iloc[0] if len(meta) else None
    all_counties = [c for c in counties() if c.is_county]
    codes = [c.code for c in all_counties]
    sql = """SELECT region_code AS code, year, value, is_demo FROM observation
             WHERE indicator_id = ? AND region_category = 'HYVINVOINTIALUE' AND gender = 'total'
               AND list_contains(?, region_code) AND value IS NOT NULL"""
    params: list = [indicator_id, codes]
    if year_max is not None:
        sql += " AND year <= ?"
        params.append(year_max)
    obs = con.execute(sql, params).df()
    own_years = obs.loc[obs["code"] == dep.hva[1], "year"]
    empty = pd.DataFrame(columns=["code", "name_fi", "value", "rank", "is_own", "is_peer", "is_demo"])
    if own_years.empty:
        return {"year": None, "rows": empty, "rank": None, "of": 0, "peers": list(config.peers),
                "peers_note": config.text("comparison.peers_note", language()), "median": float("nan"), "min": float("nan"), "max": float("nan")}
    year = int(own_years.max())
    rows = obs[obs["year"] == year]
    names = pd.DataFrame({"code": codes, "name_fi": [localized(c, "name") for c in all_counties]})
    rows = names.merge(rows, on="code", how="left")
    position = rank_among(rows.set_index("code")["value"], dep.hva[1], direction)
    rows = rows.assign(rank=rows["value"].rank(ascending=direction == "lower_better", method="min"),
                       is_own=rows["code"] == dep.hva[1], is_peer=rows["code"].isin(config.peers))
    return {"year": year, "rows": rows.sort_values(["rank", "name_fi"]).reset_index(drop=True),
            "peers": list(config.peers), "peers_note": config.text("comparison.peers_note", language()), **position}
