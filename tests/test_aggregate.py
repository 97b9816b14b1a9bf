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


# ---------------------------------------------------------------- honest labels (issue 16): demo if any input is


DEMO_POP = POP.assign(population_is_demo=[True, False, False])
REAL_VALUES = [(2, "001", 2024, "total", 100.0, None, False), (2, "002", 2024, "total", 200.0, None, False)]


def test_real_values_with_demo_weights_are_demo():
    a = rollup(obs(REAL_VALUES), MEMBERS, INDICATORS, DEMO_POP).set_index("region_code").loc["A"]
    assert a["is_estimate"] and a["is_demo"] and a["demo_weights"]


def test_real_values_with_real_weights_are_real():
    a = rollup(obs(REAL_VALUES), MEMBERS, INDICATORS, POP.assign(population_is_demo=False)).set_index("region_code").loc["A"]
    assert not a["is_demo"] and not a["demo_weights"]


def test_a_weight_from_a_fallback_year_carries_its_demo_flag():
    older_demo = DEMO_POP.assign(year=2020)  # 2024 has no population: the nearest year's (demo) weight is used
    a = rollup(obs(REAL_VALUES), MEMBERS, INDICATORS, older_demo).set_index("region_code").loc["A"]
    assert a["is_demo"] and a["demo_weights"]


def test_counts_do_not_use_the_weights_so_demo_population_leaves_them_real():
    counted = obs([(1, "001", 2024, "total", 10.0, 10.0, False), (1, "002", 2024, "total", 30.0, 90.0, False)])
    a = rollup(counted, MEMBERS, INDICATORS, DEMO_POP).set_index("region_code").loc["A"]
    assert not a["is_estimate"] and not a["is_demo"] and not a["demo_weights"]


def test_one_demo_member_value_makes_the_area_demo_but_not_its_weights():
    mixed = obs([(2, "001", 2024, "total", 100.0, None, False), (2, "002", 2024, "total", 200.0, None, True)])
    a = rollup(mixed, MEMBERS, INDICATORS, POP.assign(population_is_demo=False)).set_index("region_code").loc["A"]
    assert a["is_demo"] and not a["demo_weights"]


def test_a_database_mixing_real_values_and_demo_population_labels_the_area_rollup_demo(demo_db, tmp_path):
    """The demo database's population stays demo; one indicator's municipal values are made real (as a
    Sotkanet load would): its population-weighted area rollups are demo, the page's flag says it is the weights."""
    import shutil

    from data_sources.rollup import POPULATION_INDICATOR, refresh_derived
    from readmodel.area import rollup_flags
    from store.warehouse import connect_read, writing

    db = tmp_path / "mixed.duckdb"
    shutil.copy2(demo_db, db)
    with connect_read(db) as con:
        weighted = con.execute(
            """SELECT d.indicator_id, d.region_code FROM derived_observation d
               WHERE d.region_category = 'PALVELUALUE' AND d.is_estimate AND d.indicator_id <> ?
               ORDER BY d.members_total DESC, 1, 2 LIMIT 1""", [POPULATION_INDICATOR]).fetchone()
    assert weighted, "the demo database has population-weighted area rollups"
    indicator, area = weighted
    with writing("test-real-values", path=db) as load:
        load.con.execute("UPDATE observation SET is_demo = FALSE WHERE indicator_id = ? AND region_category = 'KUNTA'",
                         [indicator])
        refresh_derived(load.con, [indicator])
    with connect_read(db) as con:
        members_demo = con.execute(
            """SELECT bool_or(o.is_demo) FROM observation o JOIN region_member m ON m.member_code = o.region_code
               WHERE o.indicator_id = ? AND o.region_category = 'KUNTA' AND m.group_code = ?""",
            [indicator, area]).fetchone()[0]
        rows = con.execute("SELECT bool_and(is_demo), bool_and(demo_weights) FROM derived_observation "
                           "WHERE indicator_id = ? AND region_code = ? AND is_estimate", [indicator, area]).fetchone()
        flags = rollup_flags(con, area).set_index("indicator_id")
    assert members_demo is False  # every member value is real now …
    assert rows == (True, True)   # … and still the area's value is demo, because its weights are
    assert flags.loc[indicator, "area_demo_weights"]


def test_demo_values_with_demo_weights_are_demo_without_blaming_the_weights():
    demo_values = obs([(2, "001", 2024, "total", 100.0, None, True), (2, "002", 2024, "total", 200.0, None, True)])
    a = rollup(demo_values, MEMBERS, INDICATORS, DEMO_POP).set_index("region_code").loc["A"]
    assert a["is_demo"] and not a["demo_weights"]
