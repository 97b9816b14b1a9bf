"""Core CLI commands: demo, ensure, catalogue, status."""
from __future__ import annotations

import argparse
import json

from common.format import fi_datetime, fi_int
from common.i18n import Phrase, stored_text, t
from data_sources import meetings
from data_sources.demo import DEMO_LABEL, build_demo
from data_sources.reference import CatalogueError, load_catalogues
from data_sources.rollup import refresh_derived
from store import derived
from store.config import db_path
from store.warehouse import (
    SCHEMA_VERSION,
    WarehouseError,
    connect_read,
    interrupted_load,
    schema_version,
    writing,
)

# The schema version from which stored area rollups follow "demo if any input is" (store/warehouse.py 6 -> 7).
ROLLUP_DEMO_RULE = 7


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help=t("cli.demo.help"))
    p.add_argument("--db", help=t("cli.db_help"))
    p.add_argument("--region", help=t("cli.demo.region_help"))
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("ensure", help=t("cli.ensure.help"))
    p.add_argument("--db")
    p.set_defaults(func=cmd_ensure)

    p = sub.add_parser("catalogue", help=t("cli.catalogue.help"))
    p.add_argument("--db")
    p.add_argument("--region")
    p.set_defaults(func=cmd_catalogue)

    p = sub.add_parser("status", help=t("cli.status.help"))
    p.add_argument("--db")
    p.add_argument("--json", action="store_true", help=t("cli.status.json_help"))
    p.set_defaults(func=cmd_status)


def cmd_demo(args) -> int:
    try:
        result = build_demo(db_path(args.db), args.region)
    except CatalogueError as exc:
        print(exc)
        return 1
    print(t("cli.demo.built", path=db_path(args.db)))
    surveys = ", ".join(fi_int(n) for n in result["surveys"]) or "0"
    print("  " + t("cli.demo.counts", observations=fi_int(result["observations"]), surveys=surveys))
    print("  " + t(DEMO_LABEL.key, **DEMO_LABEL.values))
    return 0


def cmd_ensure(args) -> int:
    path = db_path(args.db)
    if not path.exists():
        print(t("cli.ensure.building", path=path))

        build_demo(path)
        return 0
    with connect_read(path, require_current_schema=False) as con:
        version = schema_version(con)
        stale = derived.stale_steps(con) if version == SCHEMA_VERSION else []
    if version < SCHEMA_VERSION:
        with writing("migrate", params={"from": version, "to": SCHEMA_VERSION}, path=path) as load:
            if version < ROLLUP_DEMO_RULE:  # rollups stored before the rule "demo if any input is" (incl. weights)
                refresh_derived(load.con)
            load.message = Phrase("load_log.schema", old=version, new=SCHEMA_VERSION)
        print(t("cli.ensure.migrated", old=version, new=SCHEMA_VERSION))
    elif stale:  # stored by an older version of the metrics code: recompute once, not on every page view
        with writing("precompute", target=", ".join(stale), path=path) as load:
            load.message = Phrase("load_log.page_data_recomputed")
        print(t("cli.ensure.recomputed"))
    return 0


def cmd_catalogue(args) -> int:
    try:
        rows = load_catalogues(args.region, db_path(args.db))
        rows += meetings.load_year(args.region, db_path(args.db))
    except (CatalogueError, meetings.MeetingRejected) as exc:
        print(exc)
        return 1
    print(t("cli.catalogue.loaded", rows=rows))
    return 0


def status_report(path) -> dict:
    with connect_read(path) as con:
        q = lambda sql, *p: con.execute(sql, list(p)).fetchall()  # noqa: E731
        obs = q("""SELECT is_demo, count(*), count(DISTINCT indicator_id), min(year), max(year)
                   FROM observation GROUP BY is_demo ORDER BY is_demo""")
        survey = q("""SELECT is_demo, count(*), count(DISTINCT year), min(year), max(year)
                      FROM survey_answers GROUP BY is_demo ORDER BY is_demo""")
        statuses = q("SELECT is_demo, count(*) FROM action_status GROUP BY is_demo ORDER BY is_demo")
        last = q("""SELECT source, max(finished_at) FILTER (WHERE status = 'ok'), count(*)
                    FROM load_log GROUP BY source ORDER BY source""")
        recent = q("""SELECT load_id, source, status, started_at, rows, coalesce(message, ''), message_phrase
                      FROM load_log ORDER BY load_id DESC LIMIT 8""")
        catalogue = q("""SELECT (SELECT count(*) FROM own_municipality),
                                (SELECT count(*) FROM indicator WHERE in_catalogue),
                                (SELECT count(*) FROM action), (SELECT count(*) FROM metric),
                                (SELECT count(*) FROM survey_question)""")[0]
    return {
        "database": str(path),
        "schema_version": SCHEMA_VERSION,
        "catalogue": dict(zip(["municipalities", "indicators", "actions", "metrics", "questions"], catalogue)),
        "observations": [dict(zip(["is_demo", "rows", "indicators", "first_year", "last_year"], r)) for r in obs],
        "survey_answers": [dict(zip(["is_demo", "rows", "years", "first_year", "last_year"], r)) for r in survey],
        "action_statuses": [dict(zip(["is_demo", "rows"], r)) for r in statuses],
        "last_loads": [dict(zip(["source", "last_ok", "loads"], r)) for r in last],
        # the message in the reader's language (a stored phrase; Finnish text as stored otherwise)
        "recent": [dict(zip(["load_id", "source", "status", "started_at", "rows", "message"], (*r[:5], stored_text(r[5], r[6]))))
                   for r in recent],
        "interrupted": interrupted_load(path),
    }


def cmd_status(args) -> int:
    path = db_path(args.db)
    try:
        report = status_report(path)
    except WarehouseError as exc:
        print(t("cli.error", message=exc))
        return 2
    if args.json:
        print(json.dumps(report, ensure_ascii=False, default=str, indent=2))
        return 0
    kind = lambda demo: t("cli.status.demo") if demo else t("cli.status.real")  # noqa: E731
    c = report["catalogue"]
    print(t("cli.status.database", path=report["database"], version=report["schema_version"]))
    print(t("cli.status.catalogue", **c))
    print(t("cli.status.observations_heading"))
    for r in report["observations"] or [{"rows": 0}]:
        if r["rows"]:
            print("  " + t("cli.status.observations", kind=kind(r["is_demo"]), rows=fi_int(r["rows"]),
                           indicators=r["indicators"], first=r["first_year"], last=r["last_year"]))
        else:
            print("  " + t("cli.status.no_observations"))
    print(t("cli.status.survey_heading"))
    for r in report["survey_answers"] or [{"rows": 0}]:
        if r["rows"]:
            print("  " + t("cli.status.survey", kind=kind(r["is_demo"]), rows=fi_int(r["rows"]), first=r["first_year"],
                           last=r["last_year"]))
        else:
            print("  " + t("cli.status.no_answers"))
    print(t("cli.status.statuses_heading"))
    for r in report["action_statuses"] or [{"rows": 0}]:
        print("  " + (t("cli.status.statuses", kind=kind(r["is_demo"]), rows=r["rows"]) if r["rows"]
                      else t("cli.status.no_statuses")))
    print(t("cli.status.last_loads_heading"))
    for r in report["last_loads"]:
        print("  " + t("cli.status.last_load", source=r["source"], last_ok=fi_datetime(r["last_ok"]), loads=r["loads"]))
    print(t("cli.status.log_heading"))
    for r in report["recent"]:
        print("  " + t("cli.status.log_line", load_id=r["load_id"], source=r["source"], status=r["status"],
                       started=fi_datetime(r["started_at"]), rows=fi_int(r["rows"] or 0),
                       message=(r["message"] or "")[:60]))
    if report["interrupted"]:
        print(t("cli.status.interrupted", source=report["interrupted"].get("source"),
                started=fi_datetime(report["interrupted"].get("started_at"))))
    return 0
