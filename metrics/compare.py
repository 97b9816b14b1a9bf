"""Region vs reference: parempi / samaa tasoa / heikompi, direction-aware.

Compared in the same year where the reference has that year (else its latest). Rules, in order:
1. amounts (aggregation kind 'sum': population, euro totals, counts) are never compared across
   regions of different size -> "ei vertailua" (reason: "määrä – eri kokoisia alueita ei verrata");
2. no value on either side -> "ei vertailua" (reason says which);
3. within `tolerance_pct` of the reference, or — where both counts are known — with overlapping 95 %
   intervals (binomial for %-shares, Poisson for other rates) -> "samaa tasoa": a difference must be
   both practically relevant and distinguishable from random variation;
4. otherwise by direction: "parempi" / "heikompi"; neutral indicators "suurempi" / "pienempi".
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from common.i18n import language, t, value_labels
from metrics.aggregate import aggregation_kind
from metrics.trends import rate_interval

BETTER, SAME, WORSE, HIGHER, LOWER, NO_COMPARISON = "parempi", "samaa tasoa", "heikompi", "suurempi", "pienempi", "ei vertailua"
COMPARISON_SYMBOL = {BETTER: "▲", SAME: "＝", WORSE: "▼", HIGHER: "＋", LOWER: "−", NO_COMPARISON: "·"}
DEFAULT_TOLERANCE_PCT = 5.0
REASON_AMOUNT = "määrä – eri kokoisia alueita ei verrata"
REASON_NO_VALUE = "ei arvoa"
REASON_NO_REFERENCE = "vertailualueella ei arvoa"
REASON_TOLERANCE = "ero enintään {tol:g} %"
REASON_INTERVAL = "luottamusvälit päällekkäin"


def reason_text(key: str, tolerance_pct: float = DEFAULT_TOLERANCE_PCT) -> str:
    """One comparison reason (amount, no_value, no_reference, tolerance, interval) in the reader's language:
    values.toml comparison_reason, whose Finnish texts are the REASON_ constants above."""
    if key == "tolerance":
        return t("comparison_reason.tolerance", tol=f"{tolerance_pct:g}")
    return t(f"comparison_reason.{key}")


def finnish_units() -> dict[str, str]:
    """Unit in the reader's language -> the stored (Finnish) unit. A localized cursor (store.warehouse.localize)
    names units in the reader's language; the amount rule (metrics.aggregate.SUMMABLE_UNITS) knows Finnish ones."""
    return {label: code for code, label in value_labels("unit", language()).items()}


def _kinds(indicators: pd.DataFrame) -> pd.DataFrame:
    meta = indicators.rename(columns={"id": "indicator_id"})
    unit = meta["unit"] if "unit" in meta else pd.Series([None] * len(meta), index=meta.index)
    stored = finnish_units()
    kind = [aggregation_kind(stored.get(u, u) if isinstance(u, str) else u, s) for u, s in zip(unit, meta["scale"])]
    return pd.DataFrame({"indicator_id": meta["indicator_id"].to_numpy(), "direction": meta["direction"].to_numpy(),
                         "scale": meta["scale"].to_numpy(dtype=float), "kind": kind}).drop_duplicates("indicator_id")


def judge(value, ref_value, abs_value, ref_abs, scale, direction, kind, tolerance_pct: float = DEFAULT_TOLERANCE_PCT):
    """Row-aligned arrays -> (difference_pct, comparison, reason)."""
    value, ref_value = np.asarray(value, dtype=float), np.asarray(ref_value, dtype=float)
    scale = np.asarray(scale, dtype=float)
    direction = pd.Series(direction, dtype=object).fillna("neutral").to_numpy(dtype=object)
    kind = np.asarray(kind, dtype=object)
    with np.errstate(divide="ignore", invalid="ignore"):
        diff = np.where(ref_value != 0, 100 * (value - ref_value) / np.abs(ref_value),
                        np.where(value == ref_value, 0.0, np.sign(value - ref_value) * np.inf))
    lo_r, hi_r = rate_interval(value, abs_value, scale)
    lo_f, hi_f = rate_interval(ref_value, ref_abs, scale)
    overlap = np.isfinite(lo_r) & np.isfinite(lo_f) & (lo_r <= hi_f) & (lo_f <= hi_r)
    within = np.abs(diff) <= tolerance_pct
    higher = value > ref_value
    good = np.where(direction == "lower_better", ~higher, higher)
    judged = np.where(direction == "neutral", np.where(higher, HIGHER, LOWER), np.where(good, BETTER, WORSE))
    amount = kind == "sum"
    no_value, no_ref = np.isnan(value), np.isnan(ref_value)
    comparison = np.select([amount, no_value | no_ref, within | overlap], [NO_COMPARISON, NO_COMPARISON, SAME],
                           default=judged).astype(object)
    reason = np.select(
        [amount, no_value, no_ref, within, overlap],
        [reason_text("amount"), reason_text("no_value"), reason_text("no_reference"),
         reason_text("tolerance", tolerance_pct), reason_text("interval")],
        default="",
    ).astype(object)
    diff = np.where(amount | no_value | no_ref, np.nan, diff)
    return diff, comparison, reason


def compare(
    region: pd.DataFrame, reference: pd.DataFrame, indicators: pd.DataFrame,
    tolerance_pct: float = DEFAULT_TOLERANCE_PCT,
) -> pd.DataFrame:
    """region: indicator_id, gender, year, value, abs_value (one row per indicator × gender: the
    region's latest). reference: indicator_id, gender, year, value, abs_value (all years).
    Returns region rows with reference_year, reference_value, difference_pct, comparison,
    comparison_reason, comparison_symbol."""
    region = region.reset_index(drop=True)
    ref = reference.dropna(subset=["value"])[["indicator_id", "gender", "year", "value", "abs_value"]]
    same_year = region[["indicator_id", "gender", "year"]].merge(ref, on=["indicator_id", "gender", "year"], how="left")
    latest_ref = ref.sort_values("year").groupby(["indicator_id", "gender"]).tail(1)
    fallback = region[["indicator_id", "gender"]].merge(latest_ref, on=["indicator_id", "gender"], how="left")
    use_fallback = same_year["value"].isna().to_numpy()
    out = region.copy()
    out["reference_year"] = np.where(use_fallback, fallback["year"], same_year["year"]).astype(float)
    out["reference_value"] = np.where(use_fallback, fallback["value"], same_year["value"]).astype(float)
    ref_abs = np.where(use_fallback, fallback["abs_value"], same_year["abs_value"]).astype(float)
    meta = out[["indicator_id"]].merge(_kinds(indicators), on="indicator_id", how="left")
    abs_value = out["abs_value"] if "abs_value" in out else np.full(len(out), np.nan)
    diff, comparison, reason = judge(out["value"], out["reference_value"], abs_value, ref_abs,
                                     meta["scale"], meta["direction"], meta["kind"], tolerance_pct)
    out["difference_pct"] = diff
    out["comparison"] = comparison
    out["comparison_reason"] = reason
    out["comparison_symbol"] = out["comparison"].map(COMPARISON_SYMBOL)
    return out


def compare_many(latest: pd.DataFrame, observations: pd.DataFrame, pairs: pd.DataFrame, indicators: pd.DataFrame,
                 tolerance_pct: float = DEFAULT_TOLERANCE_PCT) -> pd.DataFrame:
    """Every region against its references in one pass.

    latest: region_category, region_code, indicator_id, gender, year, value, abs_value (the latest rows).
    observations: the same keys for all years of the reference regions.
    pairs: region_category, region_code, label, ref_category, ref_code.
    -> latest keys + label, reference_year, reference_value, difference_pct, comparison, comparison_reason."""
    keys = ["region_category", "region_code"]
    rows = latest.merge(pairs, on=keys)
    obs = observations.dropna(subset=["value"])[keys + ["indicator_id", "gender", "year", "value", "abs_value"]]
    obs = obs.rename(columns={"region_category": "ref_category", "region_code": "ref_code", "value": "ref_value",
                              "abs_value": "ref_abs", "year": "ref_year"})
    rk = ["ref_category", "ref_code", "indicator_id", "gender"]
    same = rows.merge(obs, left_on=rk + ["year"], right_on=rk + ["ref_year"], how="left")
    last = obs.sort_values("ref_year").groupby(rk).tail(1)
    fb = rows[rk].merge(last, on=rk, how="left")
    use_fb = same["ref_value"].isna().to_numpy()
    rows = rows.assign(
        reference_year=np.where(use_fb, fb["ref_year"], same["ref_year"]).astype(float),
        reference_value=np.where(use_fb, fb["ref_value"], same["ref_value"]).astype(float),
    )
    ref_abs = np.where(use_fb, fb["ref_abs"], same["ref_abs"]).astype(float)
    meta = rows[["indicator_id"]].merge(_kinds(indicators), on="indicator_id", how="left")
    diff, comparison, reason = judge(rows["value"], rows["reference_value"], rows["abs_value"], ref_abs,
                                     meta["scale"], meta["direction"], meta["kind"], tolerance_pct)
    return rows.assign(difference_pct=diff, comparison=comparison, comparison_reason=reason)


def rank_among(values: pd.Series, own: str, direction: str | None) -> dict:
    """Where `own` stands among the regions of `values` (code -> value, one year): rank 1 = best by the
    indicator's direction (by size when it has none; ties share the better rank), of how many regions with a
    value, and the distribution (min, median, max). rank None when `own` has no value."""
    values = values.dropna().astype(float)
    out = {"rank": None, "of": int(len(values)), "min": float("nan"), "median": float("nan"), "max": float("nan")}
    if values.empty:
        return out
    ranks = values.rank(ascending=direction == "lower_better", method="min")
    out.update(min=float(values.min()), median=float(values.median()), max=float(values.max()))
    if own in ranks.index:
        out["rank"] = int(ranks[own])
    return out
