"""The demo data are plausible for what they claim to be (issue 16): every demo series stays within the real
range of its indicator's unit, moves from year to year no more than real series do, and does not halve or
double within five years unless the indicator's real data do.

The yardstick is the real recorded Sotkanet responses in ../shared/fixtures/sotkanet/: indicator 683 (Kela's
diabetes refund entitlement, % of 40+) for every region 2015–2023 is the one long real series there; the others
(127 population, 171 share of 75+) have a few years each. When ../shared is not beside this clone, the bounds are
the constants below, measured from those files; no test needs the network.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

from store.warehouse import connect_read
from tests.conftest import SECOND_REGION, SHARED

FIXTURES = SHARED / "fixtures" / "sotkanet"
REAL_683 = FIXTURES / "nazmanhu_diabetes_683_raw.csv"
REGIONS_2015 = FIXTURES / "oskari_regions_2015.json"  # which region ids are municipalities (KUNTA)
# Measured from REAL_683 and REGIONS_2015 (issue 16, 2025-11) and used only when ../shared is absent:
# |year-to-year relative change| p95 over the 307 municipal series of 683, 2015–2023 ...
REAL_683_MUNICIPAL_P95 = 0.078
# ... and over every region's series (municipalities, counties, maakunnat, ... koko maa).
REAL_683_ALL_P95 = 0.068
FIVE_YEARS = 5
HALVING, DOUBLING = 0.5, 2.0
SIGNED_WORDS = ("nettomuutto", "vuosikate")  # values below zero are real: net out-migration, a negative margin
VISIT_WORDS = ("käynnit",)  # visits per N inhabitants: a person may make several


def real_683() -> pd.DataFrame | None:
    """The real 683 rows with each region's 2015 category, or None without ../shared."""
    if not (REAL_683.is_file() and REGIONS_2015.is_file()):
        return None
    rows = pd.read_csv(REAL_683).rename(columns={"primary value": "value", "absolute value": "abs_value"})
    category = {r["id"]: r["category"] for r in json.loads(REGIONS_2015.read_text(encoding="utf-8"))}
    return rows.assign(category=rows["region"].map(category))


def yoy(frame: pd.DataFrame, keys: list[str], signed: bool = False) -> pd.Series:
    """|relative change| between consecutive years of each series (keys). A signed indicator's change is taken
    relative to the typical size of its values (their mean absolute value), since its values cross zero."""
    frame = frame.dropna(subset=["value"]).sort_values([*keys, "year"])
    grouped = frame.groupby(keys)
    prev, prev_year = grouped["value"].shift(), grouped["year"].shift()
    consecutive = prev_year == frame["year"] - 1
    if signed:
        change = (frame["value"] - prev) / frame["value"].abs().mean()
    else:
        change = frame["value"] / prev - 1
    return change[consecutive & prev.notna() & (signed | (prev > 0))].abs()


def five_year_ratios(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """value(y + 5) / value(y) for every series and every year that has both."""
    later = frame.assign(year=frame["year"] - FIVE_YEARS)
    pairs = frame.merge(later, on=[*keys, "year"], suffixes=("", "_later")).dropna(subset=["value", "value_later"])
    pairs = pairs[pairs["value"] > 0]
    return pairs["value_later"] / pairs["value"]


def yoy_bounds() -> tuple[float, float]:
    """(municipal, all regions) p95 of the real 683 series' |year-to-year relative change|."""
    real = real_683()
    if real is None:
        return REAL_683_MUNICIPAL_P95, REAL_683_ALL_P95
    municipal = yoy(real[real["category"] == "KUNTA"], ["region"]).quantile(0.95)
    return float(municipal), float(yoy(real, ["region"]).quantile(0.95))


def real_rows(indicator: int) -> pd.DataFrame:
    """Every real recorded row of an indicator in ../shared (region, year, value); empty without it."""
    frames = []
    if REAL_683.is_file():
        rows = pd.read_csv(REAL_683).rename(columns={"primary value": "value"})
        frames.append(rows[rows["indicator"] == indicator][["region", "year", "value"]])
    for path in sorted(FIXTURES.glob("omsorgsradar_sotkanet_*_fixture.json")) if FIXTURES.is_dir() else []:
        rows = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(rows, list) and rows and "indicator" in rows[0]:
            frames.append(pd.DataFrame([(r["region"], r["year"], r["value"]) for r in rows if r["indicator"] == indicator
                                        and r.get("gender", "total") == "total"], columns=["region", "year", "value"]))
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames).drop_duplicates() if frames else pd.DataFrame(columns=["region", "year", "value"])


def five_year_limits(indicator: int) -> tuple[float, float]:
    """No halving or doubling within five years, unless the indicator's real series do so."""
    ratios = five_year_ratios(real_rows(indicator), ["region"])
    if ratios.empty:
        return HALVING, DOUBLING
    return min(HALVING, float(ratios.min())), max(DOUBLING, float(ratios.max()))


def unit_range(unit: str | None, scale: float | None, title: str) -> tuple[float, float]:
    """The values an indicator's unit allows at all, for any Finnish municipality."""
    unit, title = (unit or "").strip().lower(), title.lower()
    signed = any(w in title for w in SIGNED_WORDS)
    if scale:
        if signed:
            return -scale, scale
        return 0.0, scale * (10 if any(w in title for w in VISIT_WORDS) else 1)
    ranges = {"henkilöä": (0.0, 6_000_000.0), "indeksi": (0.0, 1_000.0), "suhdeluku": (0.0, 200.0),
              "euroa / asukas": (-10_000.0 if signed else 0.0, 50_000.0), "1 000 euroa": (0.0, 5_000_000.0)}
    assert unit in ranges, f"no plausible range for the unit {unit!r} ({title}): add one to unit_range"
    return ranges[unit]


@pytest.fixture(scope="module", params=["pohjois-savo", SECOND_REGION])
def demo(request, region_demo_db):
    """(observations, indicators, population) of a region's demo database."""
    con = connect_read(region_demo_db(request.param))
    obs = con.execute("SELECT indicator_id, region_category, region_code, year, value, abs_value, is_demo"
                      " FROM observation WHERE gender = 'total'").df()
    inds = con.execute("SELECT id, title_fi, unit, scale FROM indicator WHERE in_catalogue").df().set_index("id")
    population = obs[obs["indicator_id"] == 127][["region_category", "region_code", "year", "value"]]
    assert obs["is_demo"].all()
    return obs, inds, population.rename(columns={"value": "population"}), request.param


def indicator_rows(demo):
    obs, inds, _, _ = demo
    for ind, rows in obs.groupby("indicator_id"):
        meta = inds.loc[ind]
        scale = None if pd.isna(meta["scale"]) else float(meta["scale"])
        yield int(ind), meta, scale, any(w in meta["title_fi"].lower() for w in SIGNED_WORDS), rows


def test_every_value_within_its_units_range(demo):
    bad = []
    for ind, meta, scale, _, rows in indicator_rows(demo):
        lo, hi = unit_range(meta["unit"], scale, meta["title_fi"])
        values = rows["value"].dropna()
        if ((values < lo) | (values > hi)).any():
            bad.append(f"{ind} ({meta['unit']}): {values.min():.4g}…{values.max():.4g} outside {lo:g}…{hi:g}")
    assert not bad, bad


def test_counts_are_consistent_with_the_population(demo):
    """No negative counts (except a signed indicator's net count), and in the generated rows (municipalities,
    koko maa; the HVA and maakunta are rollups of them) the denominator a count implies (count / value × scale,
    give or take the count's rounding) is at most the population; where the rate is per inhabitant or a % of
    the population it is the population itself, as in the real 171 rows."""
    population = demo[2]
    bad = []
    for ind, meta, scale, signed, rows in indicator_rows(demo):
        rows = rows.dropna(subset=["value", "abs_value"])
        if rows.empty or ind == 127:
            continue
        if not signed and (rows["abs_value"] < 0).any():
            bad.append(f"{ind}: negative counts")
        rows = rows[(rows["value"] != 0) & (rows["abs_value"] != 0) & rows["region_category"].isin(["KUNTA", "MAA"])]
        rows = rows.merge(population, on=["region_category", "region_code", "year"])
        low = (rows["abs_value"].abs() - 0.5) / rows["value"].abs() * scale
        high = (rows["abs_value"].abs() + 0.5) / rows["value"].abs() * scale
        if (low > rows["population"] * 1.0001).any():
            bad.append(f"{ind}: a count implies a denominator larger than the population")
        title = meta["title_fi"].lower()
        if "asukas" in str(meta["unit"]).lower() or "% väestöstä" in title or "% asukkaista" in title:
            if not ((low <= rows["population"] * 1.0001) & (high >= rows["population"] * 0.9999)).all():
                bad.append(f"{ind}: a per-inhabitant count does not match the population")
    assert not bad, bad
    share, people = FIXTURES / "omsorgsradar_sotkanet_171_fixture.json", FIXTURES / "omsorgsradar_sotkanet_127_g2_fixture.json"
    if share.is_file() and people.is_file():  # the real rows say so too: 75+ persons / their % × 100 = population
        pops = {(r["region"], r["year"]): r["value"] for r in json.loads(people.read_text(encoding="utf-8"))}
        real = [r["absValue"] / r["value"] * 100 / pops[(r["region"], r["year"])]
                for r in json.loads(share.read_text(encoding="utf-8")) if (r["region"], r["year"]) in pops]
        assert real and all(abs(x - 1) < 0.01 for x in real)


def test_year_to_year_changes_are_of_the_real_size(demo):
    """Per indicator, the p95 of the municipal series' |year-to-year relative change| is below the real 683
    municipal p95, and that of the other levels (HVA, maakunta, other counties, koko maa) below 683's p95 over
    every region."""
    municipal_bound, all_bound = yoy_bounds()
    assert 0.03 < municipal_bound < 0.15 and 0.03 < all_bound < 0.15  # the real yardstick itself is sane
    bad = []
    for ind, _, _, signed, rows in indicator_rows(demo):
        if ind == 127:
            continue
        municipal = yoy(rows[rows["region_category"] == "KUNTA"], ["region_code"], signed).quantile(0.95)
        others = yoy(rows[rows["region_category"] != "KUNTA"], ["region_category", "region_code"], signed)
        if municipal >= municipal_bound:
            bad.append(f"{ind}: municipal p95 {municipal:.3f} >= {municipal_bound:.3f}")
        if not others.empty and others.quantile(0.95) >= all_bound:
            bad.append(f"{ind}: other levels' p95 {others.quantile(0.95):.3f} >= {all_bound:.3f}")
    assert not bad, bad


def test_no_series_halves_or_doubles_within_five_years(demo):
    """Unless the real data of the indicator do (none of the recorded ones in the demo's catalogue do). A
    signed indicator's five-year change is at most the typical size of its values."""
    bad = []
    for ind, _, _, signed, rows in indicator_rows(demo):
        rows = rows[rows["region_category"] == "KUNTA"]
        if signed:
            pairs = rows.merge(rows.assign(year=rows["year"] - FIVE_YEARS), on=["region_code", "year"])
            worst = ((pairs["value_y"] - pairs["value_x"]).abs() / rows["value"].abs().mean()).max()
            if worst > 1:
                bad.append(f"{ind}: a five-year change of {worst:.2f} × the typical value")
            continue
        lo, hi = five_year_limits(ind)
        ratios = five_year_ratios(rows, ["region_code"])
        if ratios.min() < lo or ratios.max() > hi:
            bad.append(f"{ind}: five-year ratio {ratios.min():.2f}…{ratios.max():.2f} outside {lo:g}…{hi:g}")
    assert not bad, bad


def test_tervo_unemployment_path_is_smooth(demo_db):
    """The issue's own example: Tervo's unemployment (181) fell from 9,5 % to 1,3 % in five years."""
    tervo = connect_read(demo_db).execute(
        "SELECT region_code, year, value FROM observation WHERE indicator_id = 181 AND region_code = '844'"
        " AND region_category = 'KUNTA' AND value IS NOT NULL").df()
    ratios = five_year_ratios(tervo, ["region_code"])
    assert not ratios.empty and ratios.between(HALVING, DOUBLING).all()
    assert tervo["value"].between(2, 30).all()  # a plausible unemployment rate throughout


def test_population_weights_are_near_the_real_populations(demo_db):
    """The demo's municipal populations (the weights of every rollup) in 2010 against the real 2009 rows of
    127 (by the 2015 division, so Kuopio's real row lacks Juankoski, merged in 2017): within a quarter."""
    path = FIXTURES / "DERIVED_pohjois_savo_indicator127_2009.csv"
    if not path.is_file():
        pytest.skip(f"{path} puuttuu (../shared ei ole tämän kloonin vieressä)")
    real = pd.read_csv(path, dtype={"region_code": str}).set_index("region_code")["primary_value"]
    demo = dict(connect_read(demo_db).execute(
        "SELECT region_code, value FROM observation WHERE indicator_id = 127 AND region_category = 'KUNTA'"
        " AND year = 2010").fetchall())
    assert len(demo.keys() & set(real.index)) == 19
    far = {code: (demo[code], real[code]) for code in demo.keys() & set(real.index)
           if not 0.75 <= demo[code] / real[code] <= 1.25}
    assert not far, far
