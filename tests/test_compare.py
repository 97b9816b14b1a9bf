"""Region vs reference: direction-aware, tolerance or intervals, and no comparison of amounts."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.compare import BETTER, HIGHER, LOWER, NO_COMPARISON, REASON_AMOUNT, SAME, WORSE, compare, compare_many

INDS = pd.DataFrame({
    "id": [1, 2, 3, 4, 5],
    "unit": ["%", "%", "henkilöä", "indeksi", "1 000 euroa"],
    "scale": [100.0, 100.0, None, None, None],
    "direction": ["lower_better", "higher_better", "neutral", "neutral", "neutral"],
})


def rows(items):
    return pd.DataFrame(items, columns=["indicator_id", "gender", "year", "value", "abs_value"])


def one(ind, value, ref_value, abs_value=np.nan, ref_abs=np.nan, ref_year=2024):
    out = compare(rows([(ind, "total", 2024, value, abs_value)]), rows([(ind, "total", ref_year, ref_value, ref_abs)]), INDS)
    return out.iloc[0]


def test_direction_aware_better_and_worse():
    assert one(1, 8.0, 10.0)["comparison"] == BETTER      # lower is better, 20 % below
    assert one(1, 12.0, 10.0)["comparison"] == WORSE
    assert one(2, 12.0, 10.0)["comparison"] == BETTER     # higher is better
    assert one(2, 8.0, 10.0)["comparison"] == WORSE


def test_within_tolerance_is_same_level():
    r = one(1, 10.4, 10.0)
    assert r["comparison"] == SAME and r["difference_pct"] == pytest.approx(4.0)
    assert one(1, 10.6, 10.0)["comparison"] == WORSE


def test_neutral_rate_gets_no_judgement():
    assert one(4, 120.0, 100.0)["comparison"] == HIGHER
    assert one(4, 80.0, 100.0)["comparison"] == LOWER


def test_amounts_are_never_compared_across_regions():
    r = one(3, 1900.0, 250000.0)
    assert r["comparison"] == NO_COMPARISON and r["comparison_reason"] == REASON_AMOUNT
    assert np.isnan(r["difference_pct"])
    assert one(5, 100.0, 5000.0)["comparison"] == NO_COMPARISON


def test_overlapping_intervals_make_small_counts_same_level():
    # 6 of 500 (1.2 %) vs 10 000 of 1 000 000 (1.0 %): 20 % worse, but 6 of 500 has the interval 0.44–2.6 %.
    assert one(1, 1.2, 1.0, abs_value=6, ref_abs=10000)["comparison"] == SAME
    # 600 of 50 000: the same 20 % is now distinguishable.
    assert one(1, 1.2, 1.0, abs_value=600, ref_abs=10000)["comparison"] == WORSE


def test_reference_year_falls_back_to_its_latest():
    r = one(1, 8.0, 10.0, ref_year=2022)
    assert r["reference_year"] == 2022 and r["comparison"] == BETTER


def test_missing_reference_is_no_comparison():
    out = compare(rows([(1, "total", 2024, 8.0, np.nan)]), rows([]), INDS).iloc[0]
    assert out["comparison"] == NO_COMPARISON and out["comparison_reason"]


def test_compare_many_matches_compare():
    latest = rows([(1, "total", 2024, 12.0, np.nan), (3, "total", 2024, 1900.0, np.nan)]).assign(
        region_category="KUNTA", region_code="001")
    obs = rows([(1, "total", 2024, 10.0, np.nan), (3, "total", 2024, 250000.0, np.nan)]).assign(
        region_category="MAA", region_code="358")
    pairs = pd.DataFrame([("KUNTA", "001", "vs_country", "MAA", "358")],
                         columns=["region_category", "region_code", "label", "ref_category", "ref_code"])
    out = compare_many(latest, obs, pairs, INDS).set_index("indicator_id")
    assert out.loc[1, "comparison"] == WORSE and out.loc[1, "reference_value"] == 10.0
    assert out.loc[3, "comparison"] == NO_COMPARISON
