"""Trend judgements for every indicator × region × gender, vectorised over all series at once.

Rules (docs/metrics.md explains them to users; thresholds are TrendConfig):
- latest value and year; change from the previous value;
- a window of the `window` latest years with data; change over the window; a robust slope
  (Theil–Sen: the median of all pairwise slopes) and, for information, that slope relative to the
  window mean (% per year);
- class, in this order:
  1. fewer than `min_points` points in the window -> "ei riittävästi tietoa";
  2. |slope| below the indicator's flat threshold (an ABSOLUTE amount per year, in the indicator's own
     unit: `flat_units_per_year` × the display resolution 10^-decimals, or a per-indicator override)
     -> "ennallaan";
  3. the change is not distinguishable from noise -> "ei erotu" (muutos ei erotu satunnaisvaihtelusta):
     a) where counts are known (abs_value, scale): the 95 % intervals of the window's first and last
        rate overlap (binomial/Clopper–Pearson for %-shares, Poisson/Garwood for other rates; the
        denominator is abs/value × scale, taken from the nearest year of the series when an end point
        has a zero count), or
     b) the Theil–Sen change over the window is smaller than `noise_k` × the robust spread of the
        residuals around the Theil–Sen line (1.4826 × MAD);
  4. otherwise by the indicator's direction "paranee"/"heikkenee" (neutral: "kasvaa"/"laskee").
  The order 2 → 3 is deliberate: "ennallaan" says the estimated change is below the practical
  threshold; "ei erotu" is only said of a change that would otherwise be called a trend.
- Every quantity the class depends on (slope, residual spread, thresholds in units per year) is
  unchanged when a constant is added to a series without counts, so the class is shift-invariant.
  (The relative slope is not — it is reported, never used for the class.)
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import betaincinv, gammaincinv  # scipy.stats' chi2/beta ppf use these; 3x lighter import

from common.i18n import has, value_label

KEYS = ["indicator_id", "region_category", "region_code", "gender"]

IMPROVING, STABLE, WORSENING, NO_DATA = "paranee", "ennallaan", "heikkenee", "ei riittävästi tietoa"
RISING, FALLING, NOT_DISTINGUISHABLE = "kasvaa", "laskee", "ei erotu"
TREND_CLASSES = [IMPROVING, STABLE, WORSENING, NOT_DISTINGUISHABLE, RISING, FALLING, NO_DATA]

CLASS_LABEL = {
    IMPROVING: "paranee", STABLE: "ennallaan", WORSENING: "heikkenee", NO_DATA: "ei riittävästi tietoa",
    RISING: "kasvaa", FALLING: "laskee", NOT_DISTINGUISHABLE: "muutos ei erotu satunnaisvaihtelusta",
}


def class_labels() -> dict[str, str]:
    """CLASS_LABEL in the reader's language (values.toml: trend_long where a class has a longer wording, else
    trend); the same texts as CLASS_LABEL in Finnish. The class codes themselves never change."""
    return {code: value_label("trend_long" if has(f"trend_long.{code}") else "trend", code) for code in CLASS_LABEL}


CLASS_ARROW = {
    IMPROVING: "▲", WORSENING: "▼", STABLE: "▶", NO_DATA: "·", RISING: "↗", FALLING: "↘",
    NOT_DISTINGUISHABLE: "≈",
}
SWAP_DIRECTION = {"higher_better": "lower_better", "lower_better": "higher_better", "neutral": "neutral"}


@dataclass(frozen=True)
class TrendConfig:
    window: int = 5                   # latest years with data used for the slope
    min_points: int = 3               # fewer points -> "ei riittävästi tietoa"
    flat_units_per_year: float = 1.0  # |slope| below this many display units (10^-decimals) per year -> "ennallaan"
    flat_abs_per_year: dict = field(default_factory=dict)  # indicator_id -> absolute flat threshold per year
    noise_k: float = 2.0              # change over window < noise_k × residual spread -> "ei erotu"
    confidence: float = 0.95          # interval level where counts are known

    def __hash__(self):  # the dict field: hash by value so a config can be a cache key
        return hash((self.window, self.min_points, self.flat_units_per_year,
                     tuple(sorted(self.flat_abs_per_year.items())), self.noise_k, self.confidence))


DEFAULT_CONFIG = TrendConfig()

TREND_COLUMNS = KEYS + [
    "latest_year", "latest_value", "previous_year", "previous_value", "change_previous",
    "window_start_year", "window_start_value", "change_window", "slope_per_year",
    "relative_slope_pct", "flat_threshold", "residual_spread", "n_points", "uses_counts",
    "latest_lower", "latest_upper", "start_lower", "start_upper",
    "trend_class", "trend_label", "trend_arrow",
]


def poisson_interval(count, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for a Poisson count, vectorised."""
    count = np.asarray(count, dtype=float)
    alpha = 1 - confidence
    with np.errstate(invalid="ignore"):
        lower = np.where(count > 0, gammaincinv(np.maximum(count, 1e-300), alpha / 2), 0.0)
        upper = gammaincinv(count + 1, 1 - alpha / 2)
    return lower, upper


def binomial_interval(count, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Clopper–Pearson) interval of a proportion count / n, vectorised (as proportions)."""
    x = np.asarray(count, dtype=float)
    n = np.maximum(np.asarray(n, dtype=float), x)
    alpha = 1 - confidence
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = np.where(x > 0, betaincinv(np.maximum(x, 1e-300), n - x + 1, alpha / 2), 0.0)
        upper = np.where(x < n, betaincinv(x + 1, np.maximum(n - x, 1e-300), 1 - alpha / 2), 1.0)
    return lower, upper


def denominator(value, abs_value, scale) -> np.ndarray:
    """The population behind a rate: abs_value / value × scale, where both are positive."""
    value, abs_value, scale = (np.asarray(a, dtype=float) for a in (value, abs_value, scale))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((value > 0) & (abs_value > 0) & (scale > 0), abs_value / value * scale, np.nan)


def rate_interval(value, abs_value, scale, confidence: float = 0.95, denom=None) -> tuple[np.ndarray, np.ndarray]:
    """95 % interval of a rate from its count and denominator (NaN where either is unknown).

    %-shares (scale 100) use the binomial interval, other rates (per 1 000 …) the Poisson one. The
    denominator defaults to abs/value × scale; pass `denom` to supply it where the count is zero."""
    abs_value, scale = np.asarray(abs_value, dtype=float), np.asarray(scale, dtype=float)
    den = denominator(value, abs_value, scale) if denom is None else np.asarray(denom, dtype=float)
    ok = np.isfinite(den) & (den > 0) & np.isfinite(abs_value) & (abs_value >= 0) & (scale > 0)
    x = np.where(ok, abs_value, 0.0)
    d = np.where(ok, den, 1.0)
    share = ok & (scale == 100)
    p_lo, p_hi = poisson_interval(x, confidence)
    b_lo, b_hi = binomial_interval(x, d, confidence)
    lower = np.where(share, b_lo * scale, p_lo / d * scale)
    upper = np.where(share, b_hi * scale, p_hi / d * scale)
    return np.where(ok, lower, np.nan), np.where(ok, upper, np.nan)


def flat_thresholds(indicators: pd.DataFrame, config: TrendConfig = DEFAULT_CONFIG) -> pd.Series:
    """Absolute flat threshold per year for each indicator id (indicator's own unit)."""
    ids = indicators["id"] if "id" in indicators else indicators["indicator_id"]
    decimals = indicators["decimals"] if "decimals" in indicators else pd.Series(1, index=indicators.index)
    resolution = 10.0 ** (-pd.to_numeric(decimals, errors="coerce").fillna(1).to_numpy(dtype=float))
    out = pd.Series(config.flat_units_per_year * resolution, index=ids.to_numpy(), dtype=float)
    for ind, thr in config.flat_abs_per_year.items():
        if ind in out.index:
            out.loc[ind] = float(thr)
    return out


def compute_trends(values: pd.DataFrame, indicators: pd.DataFrame, config: TrendConfig = DEFAULT_CONFIG) -> pd.DataFrame:
    """values: KEYS + year, value, abs_value. indicators: id, direction, scale (decimals optional)."""
    if "abs_value" not in values:
        values = values.assign(abs_value=np.nan)
    data = values.dropna(subset=["value"])[KEYS + ["year", "value", "abs_value"]]
    if data.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    meta = indicators.rename(columns={"id": "indicator_id"})
    meta = meta.assign(flat_threshold=flat_thresholds(indicators, config).to_numpy())
    meta = meta[["indicator_id", "direction", "scale", "flat_threshold"]].drop_duplicates("indicator_id")

    data = data.sort_values(KEYS + ["year"]).reset_index(drop=True)
    data = data.merge(meta[["indicator_id", "scale"]], on="indicator_id", how="left")
    sid = data.groupby(KEYS, sort=False).ngroup().to_numpy()
    n_series = int(sid.max()) + 1
    # rank 0 = latest; the dense window array holds the `window` latest points, latest in column 0.
    rank = data.groupby(sid, sort=False).cumcount(ascending=False).to_numpy()
    year = data["year"].to_numpy(dtype=float)
    value = data["value"].to_numpy(dtype=float)
    abs_v = data["abs_value"].to_numpy(dtype=float)
    den = denominator(value, abs_v, data["scale"].to_numpy(dtype=float))
    # A zero-count year borrows the denominator of the nearest known year of the same series.
    den_s = pd.Series(den).groupby(sid).ffill()
    den = den_s.fillna(pd.Series(den).groupby(sid).bfill()).to_numpy()

    w = config.window
    Y = np.full((n_series, w), np.nan)
    V = np.full((n_series, w), np.nan)
    A = np.full((n_series, w), np.nan)
    D = np.full((n_series, w), np.nan)
    inw = rank < w
    Y[sid[inw], rank[inw]] = year[inw]
    V[sid[inw], rank[inw]] = value[inw]
    A[sid[inw], rank[inw]] = abs_v[inw]
    D[sid[inw], rank[inw]] = den[inw]
    prev_year = np.full(n_series, np.nan)
    prev_value = np.full(n_series, np.nan)
    is_prev = rank == 1
    prev_year[sid[is_prev]], prev_value[sid[is_prev]] = year[is_prev], value[is_prev]

    n_points = np.sum(~np.isnan(V), axis=1)
    last = np.maximum(n_points - 1, 0)
    idx = np.arange(n_series)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Theil–Sen: median of the pairwise slopes (i < j within the window).
        i, j = np.triu_indices(w, k=1)
        slopes = (V[:, i] - V[:, j]) / (Y[:, i] - Y[:, j])
        slope = _nanmedian(slopes)
        # Robust residual spread around the line (deviations only: shift-invariant).
        d = V - np.nan_to_num(slope)[:, None] * (Y - Y[:, :1])
        spread = 1.4826 * _nanmedian(np.abs(d - _nanmedian(d)[:, None]))
        mean = np.nanmean(V, axis=1)

    keys = data.loc[rank == 0, KEYS]
    keys_sid = sid[rank == 0]
    order = np.argsort(keys_sid)
    out = keys.iloc[order].reset_index(drop=True)
    out["latest_year"] = Y[:, 0]
    out["latest_value"] = V[:, 0]
    out["previous_year"] = prev_year
    out["previous_value"] = prev_value
    out["change_previous"] = out["latest_value"] - out["previous_value"]
    out["window_start_year"] = Y[idx, last]
    out["window_start_value"] = V[idx, last]
    out["change_window"] = out["latest_value"] - out["window_start_value"]
    out["slope_per_year"] = slope
    with np.errstate(divide="ignore", invalid="ignore"):
        out["relative_slope_pct"] = 100 * slope / np.abs(mean)
    out["residual_spread"] = spread
    out["n_points"] = n_points.astype(int)
    end_abs, end_den = A[:, 0], D[:, 0]
    start_abs, start_den = A[idx, last], D[idx, last]
    out = out.merge(meta, on="indicator_id", how="left")
    out["direction"] = out["direction"].fillna("neutral")
    out["flat_threshold"] = out["flat_threshold"].fillna(config.flat_units_per_year * 0.1)

    # Uncertainty from counts at the window's two ends.
    lo_end, hi_end = rate_interval(out["latest_value"], end_abs, out["scale"], config.confidence, denom=end_den)
    lo_start, hi_start = rate_interval(out["window_start_value"], start_abs, out["scale"], config.confidence,
                                       denom=start_den)
    has_counts = np.isfinite(lo_end) & np.isfinite(lo_start)
    out["uses_counts"] = has_counts
    out["latest_lower"], out["latest_upper"], out["start_lower"], out["start_upper"] = lo_end, hi_end, lo_start, hi_start
    overlap = has_counts & (lo_end <= hi_start) & (lo_start <= hi_end)
    span = (out["latest_year"] - out["window_start_year"]).to_numpy(dtype=float)
    noisy = np.abs(out["slope_per_year"].to_numpy(dtype=float)) * span < config.noise_k * out["residual_spread"].to_numpy(dtype=float)

    out["trend_class"] = classify(out["slope_per_year"], out["n_points"], out["direction"], overlap | noisy,
                                  config, flat_threshold=out["flat_threshold"])
    out["trend_label"] = out["trend_class"].map(class_labels())
    out["trend_arrow"] = out["trend_class"].map(CLASS_ARROW)
    return out[TREND_COLUMNS]


def _nanmedian(a: np.ndarray) -> np.ndarray:
    """Row-wise median ignoring NaN; NaN for an all-NaN row (without numpy's warning)."""
    if a.shape[1] == 0:
        return np.full(a.shape[0], np.nan)
    s = np.sort(a, axis=1)  # NaN sort last
    n = np.sum(~np.isnan(a), axis=1)
    rows = np.arange(a.shape[0])
    lo = s[rows, np.maximum((n - 1) // 2, 0)]
    hi = s[rows, np.maximum(n // 2, 0)]
    return np.where(n > 0, (lo + hi) / 2, np.nan)


def classify(slope_per_year, n_points, direction, not_distinguishable, config: TrendConfig = DEFAULT_CONFIG,
             flat_threshold=None) -> np.ndarray:
    """The class from shift-invariant quantities: slope (units/year), points, direction, noise flag."""
    slope = np.asarray(slope_per_year, dtype=float)
    n = np.asarray(n_points)
    direction = np.asarray(direction, dtype=object)
    noise = np.asarray(not_distinguishable, dtype=bool)
    thr = np.asarray(flat_threshold if flat_threshold is not None else config.flat_units_per_year * 0.1, dtype=float)
    rising = slope > 0
    good = np.where(direction == "lower_better", ~rising, rising)
    judged = np.where(good, IMPROVING, WORSENING)
    moved = np.where(direction == "neutral", np.where(rising, RISING, FALLING), judged)
    return np.select(
        [n < config.min_points, ~np.isfinite(slope) | (np.abs(slope) < thr), noise],
        [NO_DATA, STABLE, NOT_DISTINGUISHABLE],
        default=moved,
    ).astype(object)


def index_to_base_year(series: pd.DataFrame, base_year: int,
                       keys: tuple[str, ...] = ("indicator_id", "region_category", "region_code")) -> pd.DataFrame:
    """Each series (per `keys`) as an index: value / value in base_year × 100 (NaN where the base year has
    no value, so a series is never scaled by another's base)."""
    base = series[series["year"] == base_year].set_index(list(keys))["value"]
    key = pd.MultiIndex.from_frame(series[list(keys)])
    return series.assign(value=100 * series["value"].to_numpy() / base.reindex(key).to_numpy())
