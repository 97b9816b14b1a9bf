"""Trend rules, each with a hand-computed example that fails if the rule is broken."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.trends import (FALLING, IMPROVING, NO_DATA, NOT_DISTINGUISHABLE, RISING, STABLE, WORSENING,
                            TrendConfig, binomial_interval, compute_trends, poisson_interval, rate_interval)


def inds(direction="lower_better", scale=100.0, decimals=1):
    return pd.DataFrame({"id": [1], "direction": [direction], "scale": [scale], "decimals": [decimals]})


def series(values, abs_values=None, years=None, code="001"):
    years = years or list(range(2020, 2020 + len(values)))
    return pd.DataFrame({"indicator_id": 1, "region_category": "KUNTA", "region_code": code, "gender": "total",
                         "year": years, "value": [float(v) if v is not None else np.nan for v in values],
                         "abs_value": abs_values if abs_values is not None else [np.nan] * len(values)})


def one(values, direction="lower_better", abs_values=None, config=TrendConfig(), **kw):
    out = compute_trends(series(values, abs_values, **kw), inds(direction), config)
    assert len(out) == 1
    return out.iloc[0]


def test_falling_lower_is_better_series_is_improving():
    assert one([20, 18, 16, 14, 12], "lower_better")["trend_class"] == IMPROVING


def test_rising_lower_is_better_is_worsening_and_higher_is_better_improving():
    assert one([12, 14, 16, 18, 20], "lower_better")["trend_class"] == WORSENING
    assert one([12, 14, 16, 18, 20], "higher_better")["trend_class"] == IMPROVING
    assert one([20, 18, 16, 14, 12], "higher_better")["trend_class"] == WORSENING


def test_neutral_indicator_rises_or_falls_without_judgement():
    assert one([12, 14, 16, 18, 20], "neutral")["trend_class"] == RISING
    assert one([20, 18, 16, 14, 12], "neutral")["trend_class"] == FALLING


def test_fewer_than_three_points_is_not_enough_data():
    assert one([10, 30], "lower_better")["trend_class"] == NO_DATA
    assert one([10, None, 30], "lower_better")["trend_class"] == NO_DATA
    assert one([10, 20, 30], "lower_better")["trend_class"] == WORSENING


def test_latest_previous_window_and_theil_sen_slope_by_hand():
    # 7 years; window = the 5 latest (2022–2026). Values 1,2,3,4,100 in the window: the pairwise slopes
    # are 1 (six times), 24.75, 32.67, 48.5, 96 -> median 1, not the least-squares 21.9.
    r = one([50, 40, 1, 2, 3, 4, 100], "neutral", years=list(range(2020, 2027)))
    assert (r["latest_year"], r["latest_value"]) == (2026, 100)
    assert (r["previous_year"], r["previous_value"], r["change_previous"]) == (2025, 4, 96)
    assert (r["window_start_year"], r["window_start_value"], r["change_window"]) == (2022, 1, 99)
    assert r["slope_per_year"] == pytest.approx(1.0)
    assert r["n_points"] == 5
    assert r["relative_slope_pct"] == pytest.approx(100 * 1.0 / 22.0)  # mean of the window 110/5


def test_window_uses_years_with_data_not_calendar_years():
    r = one([10, None, 12, None, 14, 16, 18], "neutral", years=list(range(2018, 2025)))
    assert r["window_start_year"] == 2018 and r["n_points"] == 5


def test_flat_threshold_is_one_display_unit_per_year():
    # decimals 1 -> 0.1 units/year. Slope 0.05/year -> ennallaan; 0.2/year -> a trend.
    assert one([10.0, 10.05, 10.1, 10.15, 10.2], "lower_better")["trend_class"] == STABLE
    assert one([10.0, 10.2, 10.4, 10.6, 10.8], "lower_better")["trend_class"] == WORSENING
    # A per-indicator override raises the bar.
    cfg = TrendConfig(flat_abs_per_year={1: 0.5})
    assert one([10.0, 10.2, 10.4, 10.6, 10.8], "lower_better", config=cfg)["trend_class"] == STABLE


def test_noisy_series_without_counts_is_not_a_trend():
    # 10,20,10,20,12: Theil–Sen slope 0.25/y (pairwise slopes sorted -10,-8,-2.67,0,0,0.5,1,3.33,10,10),
    # change over the window 1.0; residual spread 2.22 -> 1.0 < 2 × 2.22 -> ei erotu.
    r = one([10, 20, 10, 20, 12], "lower_better")
    assert r["slope_per_year"] == pytest.approx(0.25)
    assert r["trend_class"] == NOT_DISTINGUISHABLE
    assert one([10, 20, 10, 20, 12], "lower_better", config=TrendConfig(noise_k=0.1))["trend_class"] == WORSENING


def test_noisy_small_municipality_with_counts_is_not_called_worsening():
    # Same rates 0.4 % -> 1.2 % of a lower-is-better share: 2 -> 6 of 500 people (intervals overlap) vs
    # 200 -> 600 of 50 000 (they do not).
    rates = [0.4, 0.6, 0.8, 1.0, 1.2]
    small = one(rates, "lower_better", abs_values=[2, 3, 4, 5, 6])
    big = one(rates, "lower_better", abs_values=[200, 300, 400, 500, 600])
    assert small["uses_counts"] and small["trend_class"] == NOT_DISTINGUISHABLE
    assert small["latest_lower"] <= small["start_upper"]
    assert big["trend_class"] == WORSENING and big["latest_lower"] > big["start_upper"]


def test_zero_count_end_point_uses_the_denominator_of_the_other_years():
    # 3,3,2,1,0 of 1 000 (0.3 % -> 0 %): the zero year borrows the denominator 1 000, so the interval
    # exists: upper = Clopper–Pearson 1 - 0.025^(1/1000) = 0.368 %; start 3/1000 -> upper 0.874 % -> overlap.
    cfg = TrendConfig(flat_abs_per_year={1: 0.01})
    r = one([0.3, 0.3, 0.2, 0.1, 0.0], "lower_better", abs_values=[3, 3, 2, 1, 0], config=cfg)
    assert r["uses_counts"]
    assert r["latest_upper"] == pytest.approx(100 * (1 - 0.025 ** (1 / 1000)), rel=1e-3)
    assert r["trend_class"] == NOT_DISTINGUISHABLE
    # With 100× the population the fall is real: improving (lower is better).
    r = one([0.3, 0.3, 0.2, 0.1, 0.0], "lower_better", abs_values=[300, 300, 200, 100, 0], config=cfg)
    assert r["uses_counts"] and r["trend_class"] == IMPROVING


def test_stable_comes_before_not_distinguishable():
    # A flat series with counts: the intervals overlap trivially, but the honest word is "ennallaan".
    r = one([5.0, 5.0, 5.0, 5.0, 5.0], "lower_better", abs_values=[5, 5, 5, 5, 5])
    assert r["uses_counts"] and r["trend_class"] == STABLE


def test_series_are_kept_apart_by_region_and_gender():
    a = series([1, 2, 3, 4, 5], code="001")
    b = series([5, 4, 3, 2, 1], code="002")
    c = series([5, 4, 3, 2, 1], code="001").assign(gender="female")
    out = compute_trends(pd.concat([a, b, c]), inds("higher_better")).set_index(["region_code", "gender"])
    assert out.loc[("001", "total"), "trend_class"] == IMPROVING
    assert out.loc[("002", "total"), "trend_class"] == WORSENING
    assert out.loc[("001", "female"), "trend_class"] == WORSENING


def test_intervals_by_hand():
    lo, hi = poisson_interval([0, 10])
    assert lo[0] == 0 and hi[0] == pytest.approx(3.6889, abs=1e-4)
    assert lo[1] == pytest.approx(4.7954, abs=1e-4) and hi[1] == pytest.approx(18.3904, abs=1e-4)
    lo, hi = binomial_interval([0], [100])
    assert hi[0] == pytest.approx(1 - 0.025 ** (1 / 100))
    # A per-1 000 rate: Poisson, scaled by the derived denominator (10 events, 5.0 / 1 000 -> 2 000 people).
    lo, hi = rate_interval([5.0], [10], [1000])
    assert lo[0] == pytest.approx(4.7954 / 2000 * 1000, abs=1e-4)
    # No count -> no interval.
    assert np.isnan(rate_interval([5.0], [np.nan], [1000])[0][0])
