"""Kuntafoorumin tilannekuvat: a dated, named copy of the computed picture, to see later what changed.

    python -m data_sources snapshot save --name "Kuntafoorumi syksy 2025" [--year 2024] [--db PATH]
    python -m data_sources snapshot list [--db PATH]

The payload (JSON in table snapshot) holds, per region (the HVA and each municipality), each
indicator's latest year, value and trend class, and each action's status per municipality. diff()
compares a saved payload with the current one: new data years, trend-class changes, actions completed.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from common.clock import db_timestamp
from common.i18n import t
from readmodel import latest, page_data
from store.config import db_path
from store.warehouse import connect_read, writing

SOURCE = "snapshot"
PAYLOAD_VERSION = 1
HVA_KEY = "HVA"


def _clean(value):
    if value is None:
        return None
    try:
        if isinstance(value, float) and math.isnan(value):
            return None
    except TypeError:
        pass
    if hasattr(value, "item"):
        value = value.item()
    return value


def compute_payload(con, year_max: int | None = None, only: list[str] | None = None) -> dict:
    """The picture as the pages compute it now (read-only connection). `only`: region keys
    (HVA_KEY, municipality codes) to compute indicators for — the pages' diffs need one."""
    hva, _ = page_data.hva_and_country(con)
    regions = {HVA_KEY: hva}
    for code in page_data.municipalities(con)["code"]:
        regions[str(code)] = ("KUNTA", str(code))
    indicators: dict[str, dict] = {}
    for key, (category, code) in regions.items():
        if only is not None and key not in only:
            continue
        table = latest.latest_and_trend(con, category, code, year_max)
        indicators[key] = {
            str(int(r.indicator_id)): {"year": int(r.year), "value": _clean(r.value),
                                       "trend": _clean(r.trend_class) if isinstance(r.trend_class, str) else None}
            for r in table.itertuples()
        }
    matrix = page_data.action_status(con, year_max)
    if only is not None and HVA_KEY not in only:  # a municipality's diff compares its own actions only
        matrix = matrix[matrix["municipality_code"].astype(str).isin(only)]
    actions: dict[str, dict[str, str]] = {}
    for r in matrix.itertuples():
        actions.setdefault(str(r.action_id), {})[str(r.municipality_code)] = str(r.status)
    return {"version": PAYLOAD_VERSION, "year_max": year_max, "indicators": indicators, "actions": actions}


def save_snapshot(name: str, *, db: Path | None = None, year_max: int | None = None,
                  user_name: str | None = None) -> int:
    """Compute and store a snapshot; returns its id."""
    name = (name or "").strip()
    if not name:
        raise ValueError(t("snapshot.name_missing"))
    if len(name) > 200:
        raise ValueError(t("snapshot.name_too_long"))
    path = db or db_path()
    with connect_read(path) as con:
        if con.execute("SELECT count(*) FROM snapshot WHERE lower(name) = lower(?)", [name]).fetchone()[0]:
            raise ValueError(t("snapshot.name_taken", name=name))
        payload = compute_payload(con, year_max)
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    with writing(SOURCE, target=name, params={"year_max": year_max}, path=path, user_name=user_name) as load:
        snapshot_id = load.con.execute("SELECT coalesce(max(snapshot_id), 0) + 1 FROM snapshot").fetchone()[0]
        load.con.execute("INSERT INTO snapshot VALUES (?, ?, ?, ?)",
                         [snapshot_id, name, db_timestamp(), text])
        load.rows = 1
        load.message = f"tilannekuva #{snapshot_id}: {name}"
    return int(snapshot_id)


def list_snapshots(con):
    """snapshot_id, name, created_at — newest first (no payloads)."""
    return con.execute("SELECT snapshot_id, name, created_at FROM snapshot ORDER BY created_at DESC, snapshot_id DESC").df()


def load_payload(con, snapshot_id: int, region: str | None = None) -> dict | None:
    """A saved payload; `region`: only what diff() reads for that region (its indicators, and the actions),
    picked out by DuckDB - a national payload is 0,6 MB of JSON, and parsing all of it took longer than the
    rest of a municipality's diff."""
    if region is None:
        row = con.execute("SELECT payload FROM snapshot WHERE snapshot_id = ?", [int(snapshot_id)]).fetchone()
        return json.loads(row[0]) if row else None
    member = json.dumps(str(region))  # a JSON path member in double quotes: any code is safe in it
    row = con.execute("SELECT json_extract(payload, ?), json_extract(payload, '$.actions') FROM snapshot "
                      "WHERE snapshot_id = ?", [f"$.indicators.{member}", int(snapshot_id)]).fetchone()
    if row is None:
        return None
    return {"indicators": {str(region): json.loads(row[0]) if row[0] else {}},
            "actions": json.loads(row[1]) if row[1] else {}}


def diff(old: dict, new: dict, region: str = HVA_KEY, municipalities: list[str] | None = None) -> dict:
    """What changed for `region` (HVA_KEY or a municipality code) between two payloads.

    -> {"new_years": [(indicator_id, old_year, new_year)], "trend_changes": [(indicator_id, old, new)],
        "actions_completed": [(action_id, municipality_code)]}; actions only for `municipalities`
        (default: all for the HVA, the one municipality otherwise)."""
    old_ind, new_ind = old.get("indicators", {}).get(region, {}), new.get("indicators", {}).get(region, {})
    new_years, trend_changes = [], []
    for ind, now in new_ind.items():
        before = old_ind.get(ind)
        if before is None:
            new_years.append((int(ind), None, now["year"]))
            continue
        if now["year"] > before["year"]:
            new_years.append((int(ind), before["year"], now["year"]))
        if now.get("trend") != before.get("trend") and now.get("trend") and before.get("trend"):
            trend_changes.append((int(ind), before["trend"], now["trend"]))
    wanted = municipalities if municipalities is not None else (None if region == HVA_KEY else [region])
    completed = []
    for action, by_muni in new.get("actions", {}).items():
        for muni, status in by_muni.items():
            if wanted is not None and muni not in wanted:
                continue
            if status == "kyllä" and old.get("actions", {}).get(action, {}).get(muni) != "kyllä":
                completed.append((action, muni))
    return {"new_years": sorted(new_years), "trend_changes": sorted(trend_changes), "actions_completed": sorted(completed)}


def _cmd_save(args) -> int:
    try:
        snapshot_id = save_snapshot(args.name, db=db_path(args.db), year_max=args.year)
    except ValueError as exc:
        print(t("snapshot.cli_error", error=exc), file=sys.stderr)
        return 1
    print(t("snapshot.cli_saved", id=snapshot_id, name=args.name))
    return 0


def _cmd_list(args) -> int:
    with connect_read(db_path(args.db)) as con:
        frame = list_snapshots(con)
    if frame.empty:
        print(t("snapshot.cli_none"))
    for r in frame.itertuples():
        print(f"#{r.snapshot_id}\t{r.created_at:%d.%m.%Y %H.%M}\t{r.name}")
    return 0


def add_cli(subparsers) -> None:
    p = subparsers.add_parser("snapshot", help=t("snapshot.cli_help"))
    sub = p.add_subparsers(dest="snapshot_command", required=True, metavar=t("snapshot.cli_action"))
    s = sub.add_parser("save", help=t("snapshot.cli_save_help"))
    s.add_argument("--name", required=True)
    s.add_argument("--year", type=int, help=t("snapshot.cli_year_help"))
    s.add_argument("--db")
    s.set_defaults(func=_cmd_save)
    ls = sub.add_parser("list", help=t("snapshot.cli_list_help"))
    ls.add_argument("--db")
    ls.set_defaults(func=_cmd_list)
