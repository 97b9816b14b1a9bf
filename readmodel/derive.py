"""The stored page data as a derived step (store/derived.py): computed at the end of every load, in the
load's transaction, from the data the load leaves. Its inputs are declared in readmodel/precomputed.py
(INPUTS: this module and everything of the product it imports, plus library versions) and fingerprinted
there; readmodel/precomputed.py reads what this step stores."""
from __future__ import annotations

import json

import duckdb
import pandas as pd

from common.i18n import SOURCE_LANGUAGE, in_language
from metrics import export as mexport
from metrics import followup, goals, summary
from readmodel import page_data, precomputed
from readmodel.precomputed import (
    DEPLOYMENT_REGION_SQL, FINGERPRINT, META_KEY, SERIES_SQL, TABLES, without_other_labels,
)
from store.derived import DerivedStep, register


def refresh(con: duckdb.DuckDBPyConnection) -> dict:
    """Recompute the stored tables from the data in `con` (inside the caller's transaction), in Finnish
    whatever TILANNEKUVA_LANG says: readers of other languages compute their texts live (precomputed.text_state)."""
    with in_language(SOURCE_LANGUAGE):
        return _refresh(con)


def _refresh(con: duckdb.DuckDBPyConnection) -> dict:
    inputs = _statistics_inputs(con)
    # A load that left the statistics as they were (a survey, an action status, the plan's texts) keeps the
    # series and indicator tables, the costly part: only what reads the actions is recomputed.
    keep = STATISTICS_TABLES if _stored_inputs(con) == inputs and _have(con, STATISTICS_TABLES) else ()
    for table in TABLES:
        if table not in keep:
            con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute("DELETE FROM meta WHERE key = ?", [INPUTS_KEY])
    min_year, max_year = con.execute("SELECT min(year), max(year) FROM observation").fetchone()
    if max_year is None:
        return {}  # an empty database: pages compute live, which is instant on no data
    inds = page_data.indicators(con)
    regs = page_data.deployment_regions(con)
    if keep:
        pairs = con.execute("SELECT * FROM pre_pair").df()
        table = con.execute("SELECT * FROM pre_indicator").df()
    else:
        con.execute(
            f"""CREATE TABLE pre_series AS SELECT o.* FROM ({SERIES_SQL}) o
                JOIN indicator i ON i.id = o.indicator_id
                JOIN ({DEPLOYMENT_REGION_SQL}) r ON r.category = o.region_category AND r.code = o.region_code
                ORDER BY o.region_category, o.region_code, o.indicator_id, o.gender, o.year"""
        )
        pairs = mexport.default_pairs(regs, page_data.members(con))
        obs = con.execute(
            "SELECT s.* FROM pre_series s JOIN indicator i ON i.id = s.indicator_id AND i.in_catalogue").df()
        table = mexport.indicator_table(obs, inds, pairs)
    matrix = page_data.action_status(con, None)
    plan = page_data.plan(con)
    plan_rows = followup.action_rows(matrix, plan["actions"])  # once: three of the tables below count from it
    picture = page_data.tilannekuva_of(con, table, matrix=matrix, plan_rows=plan_rows)
    keys = regs[["category", "code"]].rename(columns={"category": "region_category", "code": "region_code"})
    # goal_status counts every catalogue indicator of a region, those without data too.
    every_indicator = keys.merge(inds.rename(columns={"id": "indicator_id"})[["indicator_id", "goals"]], how="cross")
    totals = table[table["gender"] == "total"].drop(columns=["gender"])
    every_indicator = every_indicator.merge(totals, on=["region_category", "region_code", "indicator_id"], how="left")
    goal_status = page_data.goal_rows(con, every_indicator.assign(gender="total"), matrix, keys, plan_rows=plan_rows)
    tracked = page_data.tracked_actions(con)
    stored = () if keep else (("pre_indicator", table), ("pre_pair", pairs))
    for name, frame in (*stored, ("pre_action_status", matrix),
                        ("pre_completion", goals.action_completion(matrix)),
                        ("pre_goal_level", goals.goal_level_completion(matrix, plan["actions"], tracked)),
                        ("pre_goal", goal_status),
                        ("pre_actions", _typed(plan_rows)),
                        ("pre_export_indicators", picture["indicators"]), ("pre_export_goals", picture["goals"])):
        _store(con, name, frame)
    _store(con, "pre_summary", _summaries(regs, inds, totals, pairs, goal_status))
    info = {"fingerprint": FINGERPRINT, "min_year": int(min_year), "max_year": int(max_year),
            "regions": [[c, k] for c, k in zip(regs["category"], regs["code"])],  # the same rows as pre_series
            "demo_share": page_data.count_demo_share(con)}
    con.execute("INSERT INTO meta VALUES (?, ?)", [META_KEY, json.dumps(info)])
    con.execute("INSERT INTO meta VALUES (?, ?)", [INPUTS_KEY, inputs])
    return {"series_rows": con.execute("SELECT count(*) FROM pre_series").fetchone()[0], "indicator_rows": len(table),
            "statistics_kept": bool(keep)}


# What pre_series, pre_indicator and pre_pair are computed from: the statistics, the catalogue, the regions.
STATISTICS_TABLES = ("pre_series", "pre_indicator", "pre_pair")
STATISTICS_INPUTS = ("observation", "derived_observation", "indicator", "indicator_goal", "region", "region_member")
# Not under the "derived:" prefix: a load deletes those keys when it begins, and this one must outlive that.
INPUTS_KEY = "page_data_statistics_inputs"


def _statistics_inputs(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of every row of the statistics tables and of the code: equal digests, equal series and indicator
    tables. DuckDB hashes the rows in one parallel scan (order-free: XOR of row hashes, with the row count)."""
    parts = [FINGERPRINT]
    for name in STATISTICS_INPUTS:
        count, digest = con.execute(f"SELECT count(*), bit_xor(hash(t)) FROM {name} t").fetchone()
        parts.append(f"{name}:{count}:{digest}")
    return "|".join(parts)


def _stored_inputs(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [INPUTS_KEY]).fetchone()
    return row[0] if row else None


def _have(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> bool:
    found = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
                                       "AND schema_name = current_schema()").fetchall()}
    return set(tables) <= found


def _summaries(regs: pd.DataFrame, inds: pd.DataFrame, totals: pd.DataFrame, pairs: pd.DataFrame,
               goal_status: pd.DataFrame) -> pd.DataFrame:
    """page_data.region_summary of every region, from the frames refresh() has in memory (the same
    steps region_summary takes through the stored tables)."""
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


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as text: a column of only None would reach DuckDB without a type."""
    return frame.astype({c: "string" for c in frame.columns if frame[c].dtype == object})


def _store(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    con.register("_frame", frame)
    try:
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _frame")
    finally:
        con.unregister("_frame")



def _plain(value):
    """numpy scalars in the summaries' values -> JSON numbers (anything else as its text)."""
    return value.item() if hasattr(value, "item") else str(value)


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    return not precomputed.is_stale(con)


STEP = register(DerivedStep(name="page_data", refresh=refresh, is_current=is_current))
