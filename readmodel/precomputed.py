"""Page data computed once per load instead of once per page view.

Every load (warehouse.writing) ends with `refresh`, inside its own transaction, so the stored results
always belong to the data they sit next to. What is stored is what the pages ask for by default:

- `pre_series`: indicator_values of the deployment's regions (own municipalities, areas, HVA, maakunta,
  country) with the rollup flags, sorted by region, so DuckDB's zone maps skip everything else. At
  national scale this is a tenth of the observation table.
- `pre_indicator`: metrics.export.indicator_table of those regions (every gender, the default
  comparison pairs, no year limit): latest value, trend and comparisons per region × indicator.
- `pre_pair`: those default pairs.
- `pre_action_status`: the action × municipality status matrix without a year limit.
- `pre_completion`, `pre_goal_level`: the overview's per-action and per-goal × level completion.
- `pre_actions`: every action's status in its own unit (metrics.followup.action_rows), the overview's list.
- `pre_summary`: page_data.region_summary of every deployment region (JSON items).
- `pre_goal`: page_data.goal_status of every deployment region (no year limits).
- `pre_export_indicators`, `pre_export_goals`: page_data.tilannekuva without a year limit (the export).

The tables are an optimisation, never a second truth: `state` says whether they are current (same
code fingerprint, loaded in the latest load), and page_data computes live whenever they are not, or when
a page asks for something else (an earlier year, other references, a region outside the deployment).
tests/test_precomputed.py checks that both ways give the same frames.
"""
from __future__ import annotations

import json
import logging
import warnings
from dataclasses import dataclass

import duckdb
import pandas as pd

from common.fingerprint import fingerprint
from common.i18n import SOURCE_LANGUAGE, language
from metrics import export as mexport
from store.derived import META_PREFIX

log = logging.getLogger(__name__)

# arrow_frame copies the rows once more than con.sql(…).to_arrow_table() would, and DuckDB warns about it
# on every call. Measured, that copy is cheaper than the relation (and a relation fails while an earlier
# execute() result on the connection is unfinished), so the copy is kept and the warning silenced.
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)

META_KEY = META_PREFIX + "page_data"
TABLES = ("pre_series", "pre_indicator", "pre_pair", "pre_action_status", "pre_completion", "pre_goal_level",
          "pre_goal", "pre_actions", "pre_summary", "pre_export_indicators", "pre_export_goals")
# The declared inputs of the stored tables: the derive step and every product module it imports
# (metrics, the readers, the Finnish formatting of the summaries), and the libraries that compute them.
# A change to any of these makes the stored tables stale.
INPUTS = ("readmodel.derive",)
LIBRARIES = ("pandas", "numpy", "duckdb", "scipy", "pyarrow")

SERIES_SQL = """
    SELECT indicator_id, region_category, region_code, gender, year, value, abs_value, is_demo,
           FALSE AS is_estimate, FALSE AS is_incomplete, NULL::INTEGER AS members_total,
           NULL::INTEGER AS members_with_value FROM observation
    UNION ALL
    SELECT indicator_id, region_category, region_code, gender, year, value, abs_value, is_demo,
           is_estimate, is_incomplete, members_total, members_with_value FROM derived_observation"""
DEPLOYMENT_REGION_SQL = "SELECT category, code FROM region WHERE category <> 'KUNTA' OR is_own"


@dataclass(frozen=True)
class State:
    min_year: int
    max_year: int
    regions: frozenset[tuple[str, str]]  # the deployment's (category, code) pairs
    demo_share: tuple[tuple[str, int], ...]  # page_data.count_demo_share at the load

    def covers(self, year_max: int | None) -> bool:
        """A year limit at or above the newest year changes nothing."""
        return year_max is None or year_max >= self.max_year

    def has_regions(self, wanted: list[tuple[str, str]]) -> bool:
        return all(tuple(r) in self.regions for r in wanted)


FINGERPRINT = fingerprint(INPUTS, ("common", "store", "metrics", "readmodel"), LIBRARIES)
_warned_stale: set[str] = set()


def state(con: duckdb.DuckDBPyConnection) -> State | None:
    """The stored tables' state when they are current, else None (compute live)."""
    try:  # one small query: every page-data call asks this first
        row = con.execute("SELECT value FROM meta WHERE key = ?", [META_KEY]).fetchone()
    except duckdb.CatalogException:
        return None
    if not row:
        return None
    info = json.loads(row[0])
    if info.get("fingerprint") != FINGERPRINT:
        if info.get("fingerprint") not in _warned_stale:  # once per process, not on every page call
            _warned_stale.add(info.get("fingerprint"))
            log.warning("stored page data was computed by other code (%s, now %s): pages compute live until "
                        "the next load or `python -m data_sources ensure`", info.get("fingerprint"), FINGERPRINT)
        return None
    return State(min_year=info["min_year"], max_year=info["max_year"],
                 regions=frozenset(tuple(r) for r in info["regions"]),
                 demo_share=tuple(sorted(info["demo_share"].items())))


def text_state(con: duckdb.DuckDBPyConnection) -> State | None:
    """`state` for the stored tables that hold texts (titles, names, sentences): they are computed in Finnish,
    so a reader in another language gets them computed live, in the reader's language (pre_series and the
    status matrix hold codes and numbers only and serve every language)."""
    return state(con) if language() == SOURCE_LANGUAGE else None


def is_stale(con: duckdb.DuckDBPyConnection) -> bool:
    """There is data, but no current stored tables for it (older code, or a file from before them)."""
    return state(con) is None and con.execute("SELECT count(*) FROM observation").fetchone()[0] > 0


def without_other_labels(table: pd.DataFrame, every_label: set[str], refs: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Drop the comparison columns of labels that are not the region's own references (the stored table
    has a column for every label; a region's live table only for its own)."""
    unused = every_label - {label for label, *_ in refs}
    return table.drop(columns=[c for label in unused for c in mexport.label_columns(label)], errors="ignore")


def arrow_frame(con, sql: str, params: list | None = None) -> pd.DataFrame:
    """A query's rows through Arrow: several times faster than .df() for text columns, and the same frame
    where every integer column is NOT NULL (.df() gives nullable Int32 for integer columns with NULLs,
    Arrow gives float64), so only for results like that."""
    return con.execute(sql, params or []).to_arrow_table().to_pandas()


def indicator_rows(con: duckdb.DuckDBPyConnection, regions: list[tuple[str, str]], gender: str,
                   columns: list[str] | None = None) -> pd.DataFrame:
    """Stored indicator_table rows of the given regions and gender; only `columns` when given (a narrow
    read is much cheaper: turning text columns into pandas is most of the time)."""
    if columns is not None and not set(columns) <= _columns(con, "pre_indicator"):
        raise ValueError(f"pre_indicator has no column {sorted(set(columns) - _columns(con, 'pre_indicator'))}")
    selected = ", ".join(f'"{c}"' for c in columns) if columns is not None else "*"
    return con.execute(f"SELECT {selected} FROM pre_indicator WHERE gender = ? "
                       "AND list_contains(?, [region_category, region_code])",
                       [gender, [list(r) for r in regions]]).df()


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                                      [table]).fetchall()}


def pairs_of(con: duckdb.DuckDBPyConnection, category: str, code: str) -> list[tuple[str, str, str]]:
    rows = con.execute(
        "SELECT label, ref_category, ref_code FROM pre_pair WHERE region_category = ? AND region_code = ?",
        [category, code]).fetchall()
    return [tuple(r) for r in rows]


def goal_rows(con: duckdb.DuckDBPyConnection, category: str, code: str) -> pd.DataFrame:
    return con.execute("SELECT * EXCLUDE (region_category, region_code) FROM pre_goal "
                       "WHERE region_category = ? AND region_code = ?", [category, code]).df()


def labels(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT DISTINCT label FROM pre_pair").fetchall()}


def frame(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """A whole stored table (one of TABLES)."""
    if table not in TABLES:
        raise ValueError(table)
    return con.execute(f"SELECT * FROM {table}").df()


def export(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """The stored export (through Arrow: its integer columns are NOT NULL, see arrow_frame)."""
    return {"indicators": arrow_frame(con, "SELECT * FROM pre_export_indicators"),
            "goals": arrow_frame(con, "SELECT * FROM pre_export_goals")}


def summary(con: duckdb.DuckDBPyConnection, category: str, code: str) -> list[dict]:
    row = con.execute("SELECT items FROM pre_summary WHERE region_category = ? AND region_code = ?",
                      [category, code]).fetchone()
    return json.loads(row[0]) if row else []
