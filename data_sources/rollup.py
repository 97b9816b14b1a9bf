"""Recompute the area rollups (derived_observation) after any change to municipal observations."""
from __future__ import annotations

import duckdb

from metrics.aggregate import rollup

POPULATION_INDICATOR = 127  # Sotkanet: Väestö 31.12. — the weight of population-weighted means


def refresh_derived(con: duckdb.DuckDBPyConnection, indicator_ids: list[int] | None = None) -> int:
    """Rebuild the rollups of the given indicators (all when None) inside the caller's transaction."""
    where, params = "", []
    if indicator_ids is not None and POPULATION_INDICATOR in indicator_ids:
        indicator_ids = None  # new population weights change every weighted rollup
    if indicator_ids is not None:
        if not indicator_ids:
            return 0
        where = f"AND indicator_id IN ({', '.join('?' * len(indicator_ids))})"
        params = list(indicator_ids)
    # Only the members of an area are rolled up: at national scale the other ~290 municipalities are 97 % of
    # the rows, and reading them into pandas cost a 1× load gigabytes for rows the merge below drops. Sorted,
    # so that the sums (floating point) do not depend on the order the rows were stored or joined in.
    members_only = "AND region_code IN (SELECT member_code FROM region_member)"
    observations = con.execute(
        f"SELECT indicator_id, region_code, year, gender, value, abs_value, is_demo FROM observation"
        f" WHERE region_category = 'KUNTA' {members_only} {where} ORDER BY indicator_id, region_code, year, gender",
        params,
    ).df()
    members = con.execute("SELECT group_category, group_code, member_code FROM region_member").df()
    indicators = con.execute("SELECT id, unit, scale FROM indicator").df()
    population = con.execute(
        "SELECT region_code, year, gender, value AS population, is_demo AS population_is_demo FROM observation"
        f" WHERE region_category = 'KUNTA' AND indicator_id = ? AND value IS NOT NULL {members_only}"
        " ORDER BY region_code, year, gender",
        [POPULATION_INDICATOR],
    ).df()
    derived = rollup(observations, members, indicators, population)
    con.execute(f"DELETE FROM derived_observation WHERE TRUE {where}", params)
    if not derived.empty:
        con.register("derived_df", derived)
        con.execute("INSERT INTO derived_observation SELECT * FROM derived_df")
        con.unregister("derived_df")
    return len(derived)
