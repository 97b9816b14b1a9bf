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
- `pre_summary`: page_data.region_summary of every deployment region (JSON items).
- `pre_goal`: page_data.goal_status of every deployment region (no year limits).
- `pre_export_indicators`, `pre_export_goals`: page_data.tilannekuva without a year limit (the export).

The tables are an optimisation, never a second truth: `state` says whether they are current (same
code fingerprint, loaded in the latest load), and page_data computes live whenever they are not, or when
a page asks for something else (an earlier year, other references, a region outside the deployment).
tests/test_precomputed.py checks that both ways give the same frames.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

META_KEY = "precomputed"
TABLES = ("pre_series", "pre_indicator", "pre_pair", "pre_action_status", "pre_completion", "pre_goal_level",
          "pre_goal", "pre_summary", "pre_export_indicators", "pre_export_goals")
_ROOT = Path(__file__).resolve().parent.parent
# The code whose results are stored: a change to any of it makes the stored tables stale.
_SOURCES = sorted((_ROOT / "metrics").glob("*.py")) + [_ROOT / "ui" / "page_data.py", Path(__file__).resolve()]

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


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in _SOURCES:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_FINGERPRINT = fingerprint()


def state(con: duckdb.DuckDBPyConnection) -> State | None:
    """The stored tables' state when they are current, else None (compute live)."""
    try:  # one small query: every page-data call asks this first
        row = con.execute("SELECT value FROM meta WHERE key = ?", [META_KEY]).fetchone()
    except duckdb.CatalogException:
        return None
    if not row:
        return None
    info = json.loads(row[0])
    if info.get("fingerprint") != _FINGERPRINT:
        return None
    return State(min_year=info["min_year"], max_year=info["max_year"],
                 regions=frozenset(tuple(r) for r in info["regions"]),
                 demo_share=tuple(sorted(info["demo_share"].items())))


def is_stale(con: duckdb.DuckDBPyConnection) -> bool:
    """There is data, but no current stored tables for it (older code, or a file from before them)."""
    return state(con) is None and con.execute("SELECT count(*) FROM observation").fetchone()[0] > 0


def invalidate(con: duckdb.DuckDBPyConnection) -> None:
    """At the start of a load: whatever the load reads before `refresh` is computed live."""
    con.execute("DELETE FROM meta WHERE key = ?", [META_KEY])


def refresh(con: duckdb.DuckDBPyConnection) -> dict:
    """Recompute the stored tables from the data in `con` (inside the caller's transaction)."""
    from metrics import export as mexport
    from metrics import goals
    from ui import page_data  # page_data reads through this module, so import it late

    invalidate(con)
    for table in TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    min_year, max_year = con.execute("SELECT min(year), max(year) FROM observation").fetchone()
    if max_year is None:
        return {}  # an empty database: pages compute live, which is instant on no data
    con.execute(
        f"""CREATE TABLE pre_series AS SELECT o.* FROM ({SERIES_SQL}) o
            JOIN indicator i ON i.id = o.indicator_id
            JOIN ({DEPLOYMENT_REGION_SQL}) r ON r.category = o.region_category AND r.code = o.region_code
            ORDER BY o.region_category, o.region_code, o.indicator_id, o.gender, o.year"""
    )
    inds = page_data.indicators(con)
    regs = page_data.deployment_regions(con)
    pairs = mexport.default_pairs(regs, page_data.members(con))
    obs = con.execute("SELECT s.* FROM pre_series s JOIN indicator i ON i.id = s.indicator_id AND i.in_catalogue").df()
    table = mexport.indicator_table(obs, inds, pairs)
    matrix = page_data.action_status(con, None)
    picture = page_data.tilannekuva_of(con, table, matrix=matrix)
    keys = regs[["category", "code"]].rename(columns={"category": "region_category", "code": "region_code"})
    # goal_status counts every catalogue indicator of a region, those without data too.
    every_indicator = keys.merge(inds.rename(columns={"id": "indicator_id"})[["indicator_id", "goals"]], how="cross")
    totals = table[table["gender"] == "total"].drop(columns=["gender"])
    every_indicator = every_indicator.merge(totals, on=["region_category", "region_code", "indicator_id"], how="left")
    goal_status = page_data.goal_rows(con, every_indicator.assign(gender="total"), matrix, keys)
    tracked = page_data.tracked_actions(con)
    for name, frame in (("pre_indicator", table), ("pre_pair", pairs), ("pre_action_status", matrix),
                        ("pre_completion", goals.action_completion(matrix)),
                        ("pre_goal_level", goals.goal_level_completion(matrix, page_data.plan(con)["actions"], tracked)),
                        ("pre_goal", goal_status),
                        ("pre_export_indicators", picture["indicators"]), ("pre_export_goals", picture["goals"])):
        _store(con, name, frame)
    _store(con, "pre_summary", _summaries(regs, inds, totals, pairs, goal_status))
    info = {"fingerprint": _FINGERPRINT, "min_year": int(min_year), "max_year": int(max_year),
            "regions": [[c, k] for c, k in zip(regs["category"], regs["code"])],  # the same rows as pre_series
            "demo_share": page_data.count_demo_share(con)}
    con.execute("INSERT INTO meta VALUES (?, ?)", [META_KEY, json.dumps(info)])
    return {"series_rows": con.execute("SELECT count(*) FROM pre_series").fetchone()[0], "indicator_rows": len(table)}


def _summaries(regs: pd.DataFrame, inds: pd.DataFrame, totals: pd.DataFrame, pairs: pd.DataFrame,
               goal_status: pd.DataFrame) -> pd.DataFrame:
    """page_data.region_summary of every region, from the frames refresh() has in memory (the same
    steps region_summary takes through the stored tables)."""
    from metrics import summary
    from ui import page_data

    keys = ["region_category", "region_code"]
    rows_of = dict(iter(totals.groupby(keys, sort=False)))
    status_of = dict(iter(goal_status.groupby(keys, sort=False)))
    refs_of = {key: [(r.label, r.ref_category, r.ref_code) for r in part.itertuples()]
               for key, part in pairs.groupby(keys, sort=False)}
    every_label = set(pairs["label"])
    out = []
    for category, code, name in zip(regs["category"], regs["code"], regs["name_fi"]):
        key = (category, code)
        refs = refs_of.get(key, [])
        rows = rows_of.get(key, totals.iloc[0:0])
        table = page_data.shape_region_table(without_other_labels(rows, every_label, refs), inds, refs)
        status = status_of.get(key, goal_status.iloc[0:0]).drop(columns=keys)
        items = summary.summarise_region(table, status, name)
        out.append((category, code, json.dumps(items, ensure_ascii=False, default=_plain)))
    return pd.DataFrame(out, columns=keys + ["items"])


def without_other_labels(table: pd.DataFrame, every_label: set[str], refs: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Drop the comparison columns of labels that are not the region's own references (the stored table
    has a column for every label; a region's live table only for its own)."""
    from metrics import export as mexport

    unused = every_label - {label for label, *_ in refs}
    return table.drop(columns=[c for label in unused for c in mexport.label_columns(label)], errors="ignore")


def _store(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    con.register("_frame", frame)
    try:
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _frame")
    finally:
        con.unregister("_frame")


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
    """The stored export (through Arrow: its integer columns are NOT NULL, see page_data.arrow_frame)."""
    from ui.page_data import arrow_frame

    return {"indicators": arrow_frame(con, "SELECT * FROM pre_export_indicators"),
            "goals": arrow_frame(con, "SELECT * FROM pre_export_goals")}


def summary(con: duckdb.DuckDBPyConnection, category: str, code: str) -> list[dict]:
    row = con.execute("SELECT items FROM pre_summary WHERE region_category = ? AND region_code = ?",
                      [category, code]).fetchone()
    return json.loads(row[0]) if row else []


def _plain(value):
    """numpy scalars in the summaries' values -> JSON numbers (anything else as its text)."""
    return value.item() if hasattr(value, "item") else str(value)
