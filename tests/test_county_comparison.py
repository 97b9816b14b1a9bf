"""The HVA among Finland's 21 wellbeing services counties: the rank rule on real Sotkanet rows, and the
loader keeping the other counties as comparison regions (never in the region's own lists)."""
from __future__ import annotations

import pandas as pd
import pytest

from data_sources.sotkanet_cli import wanted_regions
from metrics.compare import rank_among
from store.config import counties, region_config
from tests.conftest import shared_file


def real_683_2023() -> pd.Series:
    """Indicator 683 (Kela diabetes entitlement, 40+), 2023, every HYVINVOINTIALUE region Sotkanet returned
    (nazmanhu_diabetes_683_raw.csv: real /csv responses), as county code -> value for the 21 counties."""
    rows = pd.read_csv(shared_file("fixtures", "sotkanet", "nazmanhu_diabetes_683_raw.csv"))
    rows = rows[rows["year"] == 2023]
    by_id = {c.sotkanet_id: c for c in counties()}
    kept = rows[rows["region"].isin([i for i, c in by_id.items() if c.is_county])]
    return pd.Series(kept["primary value"].to_numpy(), index=[by_id[i].code for i in kept["region"]])


def test_reference_list_has_21_counties_with_the_bundled_regions_own_codes():
    assert sum(c.is_county for c in counties()) == 21
    codes = {c.code: c.sotkanet_id for c in counties()}
    for region in ("pohjois-savo", "pohjois-karjala"):
        hva = region_config(region).hva
        assert codes[hva.code] == hva.sotkanet_id


def test_rank_among_the_21_on_real_rows():
    values = real_683_2023()
    assert len(values) == 21
    # lower is better for a disease's prevalence: Pohjois-Karjala 14.6 % is second highest, Pohjois-Savo 14.7 % highest
    pk = rank_among(values, region_config("pohjois-karjala").hva.code, "lower_better")
    ps = rank_among(values, region_config("pohjois-savo").hva.code, "lower_better")
    assert (pk["rank"], pk["of"]) == (20, 21) and (ps["rank"], ps["of"]) == (21, 21)
    assert pk["median"] == pytest.approx(sorted(values)[10]) and pk["max"] == pytest.approx(14.7)
    assert rank_among(values, "14", "higher_better")["rank"] == 2
    assert rank_among(values, "999", None)["rank"] is None


def test_ties_share_the_better_rank_and_missing_values_do_not_count():
    values = pd.Series({"1": 5.0, "2": 5.0, "3": None, "4": 7.0})
    out = rank_among(values, "4", "higher_better")
    assert (out["rank"], out["of"]) == (1, 3)
    assert rank_among(values, "2", "lower_better")["rank"] == 1
    assert rank_among(values, "3", "lower_better")["rank"] is None


@pytest.mark.parametrize("region", ["pohjois-savo", "pohjois-karjala"])
def test_the_loader_keeps_the_other_counties_as_comparison_regions(region):
    config = region_config(region)
    regions = pd.DataFrame(
        [(c.sotkanet_id, "HYVINVOINTIALUE", c.code, c.name_fi, None) for c in counties()]
        + [(config.maakunta.sotkanet_id, "MAAKUNTA", config.maakunta.code, config.maakunta.name_fi, None),
           (config.country.sotkanet_id, "MAA", config.country.code, config.country.name_fi, None)],
        columns=["id", "category", "code", "title_fi", "title_sv"])
    wanted, _ = wanted_regions(regions, config, [], "own")
    hvas = set(wanted.loc[wanted["category"] == "HYVINVOINTIALUE", "code"])
    assert hvas == {c.code for c in counties() if c.is_county}  # own + the 20 others; not Helsinki, Ahvenanmaa
