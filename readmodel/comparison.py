"""The comparison page's questions: one indicator across the own municipalities (value, rank, difference to
the HVA) and which of a goal's indicators can be compared between municipalities at all."""
from __future__ import annotations

import pandas as pd

from readmodel import page_data
from readmodel.deployment import deployment

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
    return goal_inds[~goal_inds["unit"].isin(NOT_COMPARABLE_UNITS)]
