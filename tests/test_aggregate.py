"""Area rollups: from counts where known, population-weighted otherwise, never a plain mean of rates."""
from __future__ import annotations

import pandas as pd
import pytest

from metrics.aggregate import aggregation_kind, rollup

MEMBERS = pd.DataFrame({"group_category": ["PALVELUALUE"] * 2 + ["PALVELUALUE"], "group_code": ["A", "A", "B"],
                        "member_code": ["001", "002", "003"]})
INDICATORS = pd.DataFrame({"id": [1, 2, 3], "unit": ["%", "indeksi", "henkilöä"], "scale": [100.0, None, None]})
POP = pd.DataFrame({"region_code": ["001", "002", "003"], "year": [2024] * 3, "gender": ["total"] * 3,
                    "population": [9000.0, 1000.0, 500.0]})


def obs(rows):
    return pd.DataFrame(rows, columns=["indicator_id", "region_code", "year", "gender", "value", "abs_value", "is_demo"])


def test_rate_from_counts_not_mean_of_rates():
    # 001: 10 of 100 = 10 %; 002: 90 of 300 = 30 %. Area: 100 / 400 = 25 % (plain mean would be 20 %).
    out = rollup(obs([(1, "001", 2024, "total", 10.0, 10.0, False), (1, "002", 2024, "total", 30.0, 90.0, False)]),
                 MEMBERS, INDICATORS, POP)
    a = out[out["region_code"] == "A"].iloc[0]
    assert a["value"] == pytest.approx(25.0)
    assert a["abs_value"] == 100 and not a["is_estimate"] and not a["is_incomplete"]


def test_population_weighted_estimate_without_counts():
    out = rollup(obs([(2, "001", 2024, "total", 100.0, None, False), (2, "002", 2024, "total", 200.0, None, False)]),
                 MEMBERS, INDICATORS, POP)
    a = out[out["region_code"] == "A"].iloc[0]
    assert a["value"] == pytest.approx((100 * 9000 + 200 * 1000) / 10000)
    assert a["is_estimate"]


def test_counts_are_summed():
    out = rollup(obs([(3, "001", 2024, "total", 9000.0, None, False), (3, "002", 2024, "total", 1000.0, None, False)]),
                 MEMBERS, INDICATORS, POP)
    assert out[out["region_code"] == "A"].iloc[0]["value"] == 10000


def test_suppressed_member_flags_the_area_incomplete():
    out = rollup(obs([(1, "001", 2024, "total", 10.0, 10.0, False), (1, "002", 2024, "total", None, None, False)]),
                 MEMBERS, INDICATORS, POP)
    a = out[out["region_code"] == "A"].iloc[0]
    assert a["is_incomplete"] and a["members_with_value"] == 1 and a["members_total"] == 2


def test_one_municipality_area_equals_the_municipality():
    out = rollup(obs([(1, "003", 2024, "total", 12.3456789, 7.0, True), (2, "003", 2024, "total", 101.1, None, True)]),
                 MEMBERS, INDICATORS, POP)
    b = out[out["region_code"] == "B"].set_index("indicator_id")
    assert b.loc[1, "value"] == 12.3456789 and b.loc[1, "abs_value"] == 7.0
    assert b.loc[2, "value"] == 101.1 and not b.loc[2, "is_estimate"]
    assert b["is_demo"].all()


def test_aggregation_kind():
    assert aggregation_kind("%", 100) == "rate"
    assert aggregation_kind("henkilöä", None) == "sum"
    assert aggregation_kind("euroa / asukas", None) == "weighted"


def test_zero_count_member_borrows_its_denominator_from_another_year():
    # 002 has 0 of ? in 2024; in 2023 it had 30 of 300 (10 %) -> denominator 300. Area 2024:
    # (10 + 0) / (100 + 300) = 2.5 % from counts, not an estimate.
    out = rollup(obs([(1, "001", 2024, "total", 10.0, 10.0, False), (1, "002", 2024, "total", 0.0, 0.0, False),
                      (1, "001", 2023, "total", 10.0, 10.0, False), (1, "002", 2023, "total", 10.0, 30.0, False)]),
                 MEMBERS, INDICATORS, POP)
    a = out[(out["region_code"] == "A") & (out["year"] == 2024)].iloc[0]
    assert a["value"] == pytest.approx(2.5) and not a["is_estimate"] and a["abs_value"] == 10


def test_rollup_from_rates_without_counts_is_population_weighted_estimate_not_plain_mean():
    # The same member rates as test_rate_from_counts_not_mean_of_rates, without counts: weights 9000/1000.
    out = rollup(obs([(1, "001", 2024, "total", 10.0, None, False), (1, "002", 2024, "total", 30.0, None, False)]),
                 MEMBERS, INDICATORS, POP)
    a = out[out["region_code"] == "A"].iloc[0]
    assert a["value"] == pytest.approx((10 * 9000 + 30 * 1000) / 10000) and a["is_estimate"]
    assert a["value"] != pytest.approx(20.0)


def test_incomplete_sum_is_flagged():
    out = rollup(obs([(3, "001", 2024, "total", 9000.0, None, False)]), MEMBERS, INDICATORS, POP)
    a = out[out["region_code"] == "A"].iloc[0]
    assert a["is_incomplete"] and a["members_with_value"] == 1 and a["members_total"] == 2
