"""python -m metrics export [--db PATH] [--region CODE|all] [--format json|csv] [--out FILE]

Writes the computed tilannekuva (fields: docs/metrics.md)."""
from __future__ import annotations

import argparse
import sys
import time

from common.clock import iso_utc
from metrics import export
from readmodel import page_data
from store.config import db_path, region_config
from store.warehouse import WarehouseError, connect_read, region_problem


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m metrics", description="Lasketun tilannekuvan vienti.")
    sub = parser.add_subparsers(dest="command", required=True)
    exp = sub.add_parser("export", help="kirjoittaa alueittaiset mittarit ja tavoitteet (JSON tai CSV)")
    exp.add_argument("--db", help="tietokanta (oletus: TILANNEKUVA_DB tai data/tilannekuva.duckdb)")
    exp.add_argument("--region", default="all", help="alueen koodi (esim. 297, PK-KESKI, 13) tai all")
    exp.add_argument("--format", choices=["json", "csv"], default="json")
    exp.add_argument("--out", help="tiedosto (oletus: vakiotuloste); CSV kirjoittaa lisäksi FILE_goals.csv")
    exp.add_argument("--year-max", type=int, default=None, help="viimeinen huomioitava vuosi")
    args = parser.parse_args(argv)


    path = db_path(args.db)
    if not path.exists():
        print(f"virhe: tietokantaa ei ole: {path}. Rakenna se: python -m data_sources demo --db {path}",
              file=sys.stderr)
        return 2
    try:
        con = connect_read(path)
    except WarehouseError as exc:
        print(f"virhe: {exc}", file=sys.stderr)
        return 2
    problem = region_problem(con, region_config().id)
    if problem:  # a database built for another region than TILANNEKUVA_REGION: its picture is not ours
        print(f"virhe: {problem}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    picture = page_data.tilannekuva(con, args.year_max)
    ind, goals, actions = picture["indicators"], picture["goals"], picture.get("actions")
    if args.region != "all":
        ind, goals = ind[ind["region_code"] == args.region], goals[goals["region_code"] == args.region]
        if ind.empty and goals.empty:
            known = ", ".join(sorted(picture["goals"]["region_code"].unique()))
            print(f"virhe: tuntematon alue {args.region!r}. Alueet: {known}", file=sys.stderr)
            return 2
    elapsed_ms = 1000 * (time.perf_counter() - started)
    meta = {"generated_at": iso_utc(), "database": str(path),
            "region": args.region, "year_max": args.year_max, "compute_ms": round(elapsed_ms, 1),
            "is_demo": bool(ind["is_demo"].fillna(False).any()), "fields": "docs/metrics.md"}
    written = export.write(ind, goals, meta, args.format, args.out, actions)
    if written != ["-"]:
        print(f"kirjoitettu: {', '.join(written)} ({len(ind)} mittaririviä, {len(goals)} tavoiteriviä, "
              f"{0 if actions is None else len(actions)} toimenpidettä, "
              f"{elapsed_ms:.0f} ms)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
