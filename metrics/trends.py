"""Trend judgements for every indicator × region × gender, vectorised over all series at once.

Rules (the README's "Miten luvut lasketaan" explains them; thresholds are TrendConfig):
- latest value and year; change from the previous value;
- a window of the `window` latest years with data; change over the window; a robust slope
  (Theil–Sen: the median of all pairwise slopes) and the slope relative to the window mean, % per year;
- class: fewer than `min_points` points -> "ei riittävästi tietoa"; |relative slope| below
  `flat_pct_per_year` -> "ennallaan"; otherwise by the indicator's direction "paranee"/"heikkenee"
  (neutral indicators: "kasvaa"/"laskee", no judgement);
- where counts are known (abs_value with a scale), exact Poisson 95 % intervals of the window's first
  and last rate: if they overlap, the change is "ei erotu" (muutos ei erotu satunnaisvaihtelusta),
  so a small municipality's noise is never called a trend.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

KEYS = ["indicator_id", "region_category", "region_code", "gender"]

IMPROVING, STABLE, WORSENING, NO_DATA = "paranee", "ennallaan", "heikkenee", "ei riittävästi tietoa"
RISING, FALLING, NOT_DISTINGUISHABLE = "kasvaa", "laskee", "ei erotu"

CLASS_LABEL = {
    IMPROVING: "paranee", STABLE: "ennallaan", WORSENING: "heikkenee", NO_DATA: "ei riittävästi tietoa",
    RISING: "kasvaa", FALLING: "laskee", NOT_DISTINGUISHABLE: "muutos ei erotu satunnaisvaihtelusta",
}
CLASS_ARROW = {
    IMPROVING: "▲", WORSENING: "▼", STABLE: "▶", NO_DATA: "·", RISING: "↗", FALLING: "↘",
    NOT_DISTINGUISHABLE: "≈",
}


@dataclass(frozen=True)
class TrendConfig:
    window: int = 5                 # latest years with data used for the slope
    min_points: int = 3             # fewer points -> "ei riittävästi tietoa"
    flat_pct_per_year: float = 1.0  # |slope| / window mean below this (% per year) -> "ennallaan"
    confidence: float = 0.95        # Poisson interval level where counts are known


DEFAULT_CONFIG = TrendConfig()

TREND_COLUMNS = KEYS + [
    "latest_year", "latest_value", "previous_year", "previous_value", "change_previous",
    "window_start_year", "window_start_value", "change_window", "slope_per_year",
    "relative_slope_pct", "n_points", "uses_counts", "trend_class", "trend_label", "trend_arrow",
]


def poisson_interval(count, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for a Poisson count, vectorised."""
    count = np.asarray(count, dtype=float)
    alpha = 1 - confidence
    lower = np.where(count > 0, stats.chi2.ppf(alpha / 2, 2 * count) / 2, 0.0)
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * (count + 1)) / 2
    return lower, upper


def rate_interval(value, abs_value, scale, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """95 % interval of a rate from its count: the count's Poisson interval scaled by value / count."""
    value, abs_value = np.asarray(value, dtype=float), np.asarray(abs_value, dtype=float)
    lower, upper = poisson_interval(np.nan_to_num(abs_value), confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_count = np.where(abs_value > 0, value / abs_value, np.nan)
    # A zero count: the rate's upper bound needs the denominator, unknown here -> no interval.
    return lower * per_count, upper * per_count


def compute_trends(values: pd.DataFrame, indicators: pd.DataFrame, config: TrendConfig = DEFAULT_CONFIG) -> pd.DataFrame:
    """values: KEYS + year, value, abs_value. indicators: id, direction, scale."""
    data = values.dropna(subset=["value"])[KEYS + ["year", "value", "abs_value"]]
    if data.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    data = data.sort_values(KEYS + ["year"])
    rank = data.groupby(KEYS, sort=False).cumcount(ascending=False)  # 0 = latest
    data = data.assign(rank=rank)
    window = data[data["rank"] < config.window]

    latest = data[data["rank"] == 0].set_index(KEYS)
    previous = data[data["rank"] == 1].set_index(KEYS)
    first = window.sort_values("rank").groupby(KEYS, sort=False).tail(1).set_index(KEYS)
    n_points = window.groupby(KEYS, sort=False).size()
    mean = window.groupby(KEYS, sort=False)["value"].mean()

    pairs = window.merge(window, on=KEYS, suffixes=("_a", "_b"))
    pairs = pairs[pairs["year_a"] < pairs["year_b"]]
    pairs = pairs.assign(slope=(pairs["value_b"] - pairs["value_a"]) / (pairs["year_b"] - pairs["year_a"]))
    slope = pairs.groupby(KEYS, sort=False)["slope"].median()

    out = pd.DataFrame(index=latest.index)
    out["latest_year"] = latest["year"]
    out["latest_value"] = latest["value"]
    out["previous_year"] = previous["year"].reindex(out.index)
    out["previous_value"] = previous["value"].reindex(out.index)
    out["change_previous"] = out["latest_value"] - out["previous_value"]
    out["window_start_year"] = first["year"].reindex(out.index)
    out["window_start_value"] = first["value"].reindex(out.index)
    out["change_window"] = out["latest_value"] - out["window_start_value"]
    out["slope_per_year"] = slope.reindex(out.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["relative_slope_pct"] = 100 * out["slope_per_year"] / mean.reindex(out.index).abs()
    out["n_points"] = n_points.reindex(out.index).astype(int)
    out = out.reset_index()

    meta = indicators.rename(columns={"id": "indicator_id"})[["indicator_id", "direction", "scale"]]
    out = out.merge(meta, on="indicator_id", how="left")
    out["direction"] = out["direction"].fillna("neutral")

    # Uncertainty from counts at the window's two ends.
    ends = out[KEYS].merge(latest.reset_index()[KEYS + ["abs_value"]], on=KEYS, how="left")
    starts = out[KEYS].merge(first.reset_index()[KEYS + ["abs_value"]], on=KEYS, how="left")
    has_counts = (out["scale"].notna() & ends["abs_value"].notna().to_numpy() & starts["abs_value"].notna().to_numpy()
                  & (ends["abs_value"].to_numpy() > 0) & (starts["abs_value"].to_numpy() > 0))
    lo_end, hi_end = rate_interval(out["latest_value"], ends["abs_value"], out["scale"], config.confidence)
    lo_start, hi_start = rate_interval(out["window_start_value"], starts["abs_value"], out["scale"], config.confidence)
    overlap = has_counts & (lo_end <= hi_start) & (lo_start <= hi_end)
    out["uses_counts"] = has_counts.astype(bool)

    out["trend_class"] = classify(out["relative_slope_pct"], out["n_points"], out["direction"], overlap, config)
    out["trend_label"] = out["trend_class"].map(CLASS_LABEL)
    out["trend_arrow"] = out["trend_class"].map(CLASS_ARROW)
    return out[TREND_COLUMNS]


def classify(relative_slope_pct, n_points, direction, overlap, config: TrendConfig = DEFAULT_CONFIG) -> np.ndarray:
    rel = np.asarray(relative_slope_pct, dtype=float)
    n = np.asarray(n_points)
    direction = np.asarray(direction, dtype=object)
    overlap = np.asarray(overlap, dtype=bool)
    rising = rel > 0
    good = np.where(direction == "lower_better", ~rising, rising)
    judged = np.where(good, IMPROVING, WORSENING)
    moved = np.where(direction == "neutral", np.where(rising, RISING, FALLING), judged)
    return np.select(
        [n < config.min_points, ~np.isfinite(rel) | (np.abs(rel) < config.flat_pct_per_year), overlap],
        [NO_DATA, STABLE, NOT_DISTINGUISHABLE],
        default=moved,
    ).astype(object)
