"""Recompute the area rollups (derived_observation) after any change to municipal observations."""
from __future__ import annotations

import duckdb

from metrics.aggregate import rollup

POPULATION_INDICATOR = 127  # Sotkanet: Väestö 31.12. — the weight of population-weighted means
# Indicators rolled up at a time. A rollup is per indicator, and pandas' merges hold every member row once per
# area it belongs to: all 300 indicators of a 1× load at once took 400 MB, 50 at a time a sixth of it.
CHUNK = 50
# Only the members of an area are rolled up: at national scale the other ~290 municipalities are 97 % of the
# rows, and reading them into pandas cost a 1× load gigabytes for rows the merge drops.
MEMBERS_ONLY = "region_category = 'KUNTA' AND region_code IN (SELECT member_code FROM region_member)"


def refresh_derived(con: duckdb.DuckDBPyConnection, indicator_ids: list[int] | None = None) -> int:
    """Rebuild the rollups of the given indicators (all when None) inside the caller's transaction."""
    if indicator_ids is not None and POPULATION_INDICATOR in indicator_ids:
        indicator_ids = None  # new population weights change every weighted rollup
    if indicator_ids is None:
        con.execute("DELETE FROM derived_observation")
        indicator_ids = [r[0] for r in con.execute(
            f"SELECT DISTINCT indicator_id FROM observation WHERE {MEMBERS_ONLY} ORDER BY 1").fetchall()]
    else:
        con.execute("DELETE FROM derived_observation WHERE list_contains(?, indicator_id)", [list(indicator_ids)])
    if not indicator_ids:
        return 0
    members = con.execute("SELECT group_category, group_code, member_code FROM region_member").df()
    indicators = con.execute("SELECT id, unit, scale FROM indicator").df()
    population = con.execute(
        "SELECT region_code, year, gender, value AS population, is_demo AS population_is_demo FROM observation"
        f" WHERE {MEMBERS_ONLY} AND indicator_id = ? AND value IS NOT NULL ORDER BY region_code, year, gender",
        [POPULATION_INDICATOR],
    ).df()
    written = 0
    for start in range(0, len(indicator_ids), CHUNK):
        # Sorted, so that the sums (floating point) do not depend on the order the rows were stored in.
        observations = con.execute(
            "SELECT indicator_id, region_code, year, gender, value, abs_value, is_demo FROM observation"
            f" WHERE {MEMBERS_ONLY} AND list_contains(?, indicator_id) ORDER BY indicator_id, region_code, year, gender",
            [list(indicator_ids[start:start + CHUNK])],
        ).df()
        derived = rollup(observations, members, indicators, population)
        if not derived.empty:
            con.register("derived_df", derived)
            con.execute("INSERT INTO derived_observation SELECT * FROM derived_df")
            con.unregister("derived_df")
        written += len(derived)
    return written
