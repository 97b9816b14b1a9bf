"""Area rollups: values for areas that are not Sotkanet regions, computed from their municipalities.

Rules (the README explains them to users):
- rates with known counts: sum the numerators (abs_value) and the derived denominators
  (abs_value / value × scale) — the area's true rate, not an estimate;
- counts (persons, number of …): summed;
- anything else (indexes, euros per resident, rates without counts): a population-weighted mean,
  flagged `is_estimate`;
- never a plain mean of rates;
- a municipality without a value makes the area value `is_incomplete` (it is not silently dropped:
  the value covers only the members with data, and the flag and member counts say so);
- an area of one municipality equals that municipality.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# Units of amounts that add up across municipalities (persons, counts, euro totals).
SUMMABLE_UNITS = {"henkilöä", "lkm", "henkeä", "kpl", "euroa", "1 000 euroa"}

ROLLUP_COLUMNS = [
    "indicator_id", "region_category", "region_code", "year", "gender", "value", "abs_value",
    "is_demo", "is_estimate", "is_incomplete", "members_total", "members_with_value", "demo_weights",
]


def aggregation_kind(unit: str | None, scale: float | None) -> str:
    """'rate' (numerators and denominators), 'sum' (amounts that add up) or 'weighted' (population-weighted mean)."""
    if scale is not None and not pd.isna(scale) and scale > 0:
        return "rate"
    if (unit or "").strip().lower() in SUMMABLE_UNITS:
        return "sum"
    return "weighted"


def rollup(
    observations: pd.DataFrame,
    members: pd.DataFrame,
    indicators: pd.DataFrame,
    population: pd.DataFrame,
) -> pd.DataFrame:
    """Roll municipal observations up to areas.

    observations: indicator_id, region_code (municipality), year, gender, value, abs_value, is_demo
    members:      group_category, group_code, member_code
    indicators:   id, unit, scale
    population:   region_code, year, gender, population[, population_is_demo]  (weights for the 'weighted' kind)

    A rollup is demo when any input to it is: a member's value, or — for a population-weighted mean — a
    member's weight (demo_weights: the members' values are real and the weights are the demo part)."""
    if observations.empty or members.empty:
        return pd.DataFrame(columns=ROLLUP_COLUMNS)
    size = members.groupby(["group_category", "group_code"]).size().rename("members_total").reset_index()
    kinds = indicators.assign(kind=[aggregation_kind(u, s) for u, s in zip(indicators["unit"], indicators["scale"])])
    kinds = kinds.rename(columns={"id": "indicator_id"})[["indicator_id", "kind", "scale"]]

    obs = observations.merge(members, left_on="region_code", right_on="member_code")
    obs = obs.merge(kinds, on="indicator_id", how="left")
    obs["kind"] = obs["kind"].fillna("weighted")
    obs = _attach_population(obs, population)

    has_value = obs["value"].notna()
    obs["denominator"] = np.where(
        has_value & obs["abs_value"].notna() & (obs["value"] != 0),
        obs["abs_value"] / obs["value"] * obs["scale"],
        np.nan,
    )
    # A zero count (value 0, abs_value 0) says nothing about its denominator: borrow the nearest year's
    # denominator of the same municipality × indicator × gender, so the member still counts (0 / N).
    zero = has_value & (obs["value"] == 0) & (obs["abs_value"] == 0)
    if zero.any():
        series_keys = ["indicator_id", "region_code", "gender"]
        known = obs.loc[obs["denominator"].notna(), series_keys + ["year", "denominator"]].drop_duplicates(
            series_keys + ["year"])
        need = obs.loc[zero, series_keys + ["year"]].reset_index()
        cand = need.merge(known, on=series_keys, suffixes=("", "_k"))
        if not cand.empty:
            cand["dist"] = (cand["year"] - cand["year_k"]).abs()
            best = cand.sort_values(["dist", "year_k"]).drop_duplicates("index").set_index("index")["denominator"]
            obs.loc[best.index, "denominator"] = best
    obs["weighted_value"] = obs["value"] * obs["population"]
    obs["weight"] = np.where(has_value & obs["population"].notna(), obs["population"], np.nan)
    obs["weight_is_demo"] = obs["weight"].notna() & obs["population_is_demo"].fillna(False).astype(bool)

    keys = ["indicator_id", "group_category", "group_code", "year", "gender"]
    obs = obs.assign(has_value=has_value, has_abs=has_value & obs["abs_value"].notna(),
                     has_den=obs["denominator"].notna())
    grouped = obs.groupby(keys, sort=False)
    agg = grouped.agg(
        kind=("kind", "first"), scale=("scale", "first"),
        members_present=("region_code", "size"), members_with_value=("has_value", "sum"),
        members_with_abs=("has_abs", "sum"), members_with_den=("has_den", "sum"),
        is_demo=("is_demo", "max"), weight_is_demo=("weight_is_demo", "max"),
        single_value=("value", "first"), single_abs=("abs_value", "first"),
    )
    sums = grouped[["abs_value", "denominator", "value", "weighted_value", "weight"]].sum(min_count=1)
    agg = agg.join(sums.rename(columns={"abs_value": "abs_sum", "denominator": "den_sum", "value": "value_sum",
                                        "weighted_value": "weighted_sum", "weight": "weight_sum"})).reset_index()
    agg = agg.merge(size, on=["group_category", "group_code"])

    counted = (agg["kind"] == "rate") & (agg["members_with_value"] > 0) & (agg["members_with_den"] == agg["members_with_value"])
    summed = (agg["kind"] == "sum") & (agg["members_with_value"] > 0)
    weighted = ~counted & ~summed & (agg["members_with_value"] > 0) & agg["weight_sum"].notna()
    single = (agg["members_total"] == 1) & (agg["members_with_value"] == 1)

    value = np.select(
        [single, counted, summed, weighted],
        [agg["single_value"], agg["abs_sum"] / agg["den_sum"] * agg["scale"], agg["value_sum"],
         agg["weighted_sum"] / agg["weight_sum"]],
        default=np.nan,
    )
    all_abs = agg["members_with_abs"] == agg["members_with_value"]
    abs_value = np.where(single, agg["single_abs"], np.where(all_abs, agg["abs_sum"], np.nan))
    # "the weights are the demo part": real member values, demo population weights
    demo_weights = (weighted & ~single & agg["weight_is_demo"].astype(bool) & ~agg["is_demo"].astype(bool)).astype(bool)
    out = pd.DataFrame({
        "indicator_id": agg["indicator_id"].astype(int),
        "region_category": agg["group_category"],
        "region_code": agg["group_code"],
        "year": agg["year"].astype(int),
        "gender": agg["gender"],
        "value": value.astype(float),
        "abs_value": abs_value.astype(float),
        "is_demo": agg["is_demo"].astype(bool) | demo_weights,
        "is_estimate": (weighted & ~single).astype(bool),
        "is_incomplete": (agg["members_with_value"] < agg["members_total"]).astype(bool),
        "members_total": agg["members_total"].astype(int),
        "members_with_value": agg["members_with_value"].astype(int),
        "demo_weights": demo_weights,
    })
    return out[ROLLUP_COLUMNS]


def _attach_population(obs: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Population weight for each row: same year and gender, else the total of that year,
    else the nearest year with a value (so a missing population year does not drop a weight)."""
    if population.empty:
        return obs.assign(population=np.nan, population_is_demo=False)
    if "population_is_demo" not in population:
        population = population.assign(population_is_demo=False)
    pop = population[["region_code", "year", "gender", "population", "population_is_demo"]]
    out = obs.merge(pop, on=["region_code", "year", "gender"], how="left")
    total = pop[pop["gender"] == "total"].drop(columns="gender").rename(
        columns={"population": "pop_total", "population_is_demo": "pop_total_demo"})
    out = out.merge(total, on=["region_code", "year"], how="left")
    out = _fill_weight(out, "pop_total", "pop_total_demo")
    if out["population"].isna().any():
        nearest = total.sort_values("year").groupby("region_code")[["pop_total", "pop_total_demo"]].last()
        nearest.columns = ["pop_latest", "pop_latest_demo"]
        out = _fill_weight(out.merge(nearest, left_on="region_code", right_index=True, how="left"),
                           "pop_latest", "pop_latest_demo")
    return out


def _fill_weight(out: pd.DataFrame, value: str, is_demo: str) -> pd.DataFrame:
    """Missing population weights from the fallback column `value`, its demo flag with it."""
    missing = out["population"].isna()
    out["population"] = out["population"].where(~missing, out[value])
    out["population_is_demo"] = out["population_is_demo"].where(~missing, out[is_demo])
    return out.drop(columns=[value, is_demo])
