"""Region vs reference: parempi / samaa tasoa / heikompi, direction-aware.

Compared in the same year where the reference has that year (else its latest). Within
`tolerance_pct` of the reference, or with overlapping 95 % intervals where both counts are known,
the levels are "samaa tasoa". Neutral indicators get "suurempi" / "pienempi", no judgement.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.trends import rate_interval

BETTER, SAME, WORSE, HIGHER, LOWER, NO_COMPARISON = "parempi", "samaa tasoa", "heikompi", "suurempi", "pienempi", "ei vertailua"
COMPARISON_SYMBOL = {BETTER: "▲", SAME: "＝", WORSE: "▼", HIGHER: "＋", LOWER: "−", NO_COMPARISON: "·"}
DEFAULT_TOLERANCE_PCT = 5.0


def compare(
    region: pd.DataFrame, reference: pd.DataFrame, indicators: pd.DataFrame,
    tolerance_pct: float = DEFAULT_TOLERANCE_PCT,
) -> pd.DataFrame:
    """region: indicator_id, gender, year, value, abs_value (one row per indicator × gender: the
    region's latest). reference: indicator_id, gender, year, value, abs_value (all years).
    Returns region rows with reference_year, reference_value, difference_pct, comparison."""
    ref = reference.dropna(subset=["value"])
    same_year = region.merge(ref, on=["indicator_id", "gender", "year"], how="left", suffixes=("", "_ref"))
    latest_ref = ref.sort_values("year").groupby(["indicator_id", "gender"]).tail(1)
    fallback = region[["indicator_id", "gender"]].merge(latest_ref, on=["indicator_id", "gender"], how="left")
    use_fallback = same_year["value_ref"].isna().to_numpy()
    out = region.copy()
    out["reference_year"] = np.where(use_fallback, fallback["year"], same_year["year"]).astype(float)
    out["reference_value"] = np.where(use_fallback, fallback["value"], same_year["value_ref"])
    ref_abs = np.where(use_fallback, fallback["abs_value"], same_year["abs_value_ref"])
    meta = indicators.rename(columns={"id": "indicator_id"})[["indicator_id", "direction", "scale"]]
    out = out.merge(meta, on="indicator_id", how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["difference_pct"] = 100 * (out["value"] - out["reference_value"]) / out["reference_value"].abs()

    lo_r, hi_r = rate_interval(out["value"], out["abs_value"], out["scale"])
    lo_f, hi_f = rate_interval(out["reference_value"], ref_abs, out["scale"])
    counts_known = (out["scale"].notna() & (out["abs_value"] > 0) & (pd.Series(ref_abs, index=out.index) > 0)).to_numpy()
    overlap = counts_known & (lo_r <= hi_f) & (lo_f <= hi_r)

    diff = out["difference_pct"].to_numpy(dtype=float)
    direction = out["direction"].fillna("neutral").to_numpy(dtype=object)
    higher = diff > 0
    good = np.where(direction == "lower_better", ~higher, higher)
    judged = np.where(direction == "neutral", np.where(higher, HIGHER, LOWER), np.where(good, BETTER, WORSE))
    out["comparison"] = np.select(
        [~np.isfinite(diff), (np.abs(diff) <= tolerance_pct) | overlap], [NO_COMPARISON, SAME], default=judged
    ).astype(object)
    out["comparison_symbol"] = out["comparison"].map(COMPARISON_SYMBOL)
    return out.drop(columns=["direction", "scale"])
