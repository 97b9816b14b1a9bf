"""Command line: everything the admin page does, so loads can be scheduled.

    python -m data_sources --help

This is a composition root (like app.py): it wires the loaders to the read model, whose import registers
the stored page data as a derived step of every write (store/derived.py). The loaders themselves never
import the read model.
"""
from __future__ import annotations

import argparse
import sys

import duckdb
import requests

import readmodel  # noqa: F401  (registers the derived page data with the store)
from common.i18n import t
from data_sources import (action_status, admin_auth, commands, geometry, meetings, own_metrics, refresh, sotkanet_cli,
                          survey)
from readmodel import changes, forum, snapshots
from store.config import db_path, region_config
from store.warehouse import WarehouseError, connect_read, region_problem
from documents import take_home

# Modules that add sub-commands: each has add_cli(subparsers), and each command's handler
# (set as `func`) takes the parsed args and returns the process exit code.
COMMAND_MODULES = [commands, sotkanet_cli, refresh, survey, action_status, geometry, admin_auth, snapshots,
                   meetings, forum, changes, take_home, own_metrics]


def build_parser() -> argparse.ArgumentParser:
    """The parser in the language of this run (TILANNEKUVA_LANG): its help texts are made here, not at import."""
    parser = argparse.ArgumentParser(
        prog="python -m data_sources",
        description=t("cli.description"),
    )
    # dest differs from the sub-commands' own --db: argparse lets a sub-parser's default overwrite the same dest
    parser.add_argument("--db", dest="global_db", metavar="PATH", help=t("cli.global_db_help"))
    sub = parser.add_subparsers(dest="command", required=True, metavar=t("cli.command_metavar"))
    for module in COMMAND_MODULES:
        module.add_cli(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.global_db and getattr(args, "db", None) is None:
        args.db = args.global_db  # `--db X sotkanet …` means the same as `sotkanet --db X …`
    try:
        problem = _other_region(args)
        if problem:
            print(t("cli.error", message=problem), file=sys.stderr)
            return 2
        if args.command == "refresh":
            _before_refresh(args)
        return int(args.func(args) or 0)
    except WarehouseError as exc:
        print(t("cli.error", message=exc), file=sys.stderr)
        return 2
    except OSError as exc:  # a file argument that cannot be read or written: say which, no traceback
        name = str(exc.filename)[:200] if exc.filename else t("cli.a_file")
        print(t("cli.file_error", reason=exc.strerror or exc, name=name), file=sys.stderr)
        return 2
    except requests.RequestException as exc:  # a malformed or unreachable --url / --base-url
        print(t("cli.network_error", reason=str(exc)[:300]), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130


def _other_region(args) -> str | None:
    """Why the command must not touch its database: it was built for another region than the one asked for
    (--region, else TILANNEKUVA_REGION). A file that is not a readable database is left to the command."""
    if not hasattr(args, "db"):
        return None
    path = db_path(args.db)
    if not path.is_file():
        return None
    try:
        region = region_config(getattr(args, "region", None)).id
        with connect_read(path, require_current_schema=False) as con:
            return region_problem(con, region)
    except (WarehouseError, FileNotFoundError, duckdb.Error):
        return None


def _before_refresh(args) -> None:
    """The refresh's change digest (issue 14): the meetings whose day has come get their snapshot before the
    new data lands, and the digest reports the changes of the loads this refresh makes."""
    path = db_path(args.db)
    if path.exists():
        try:
            forum.take_due_snapshots(path)
        except WarehouseError:  # an older schema: the refresh migrates it first; the next run takes them
            pass
    args.digest = changes.digest_since(path)


if __name__ == "__main__":
    sys.exit(main())
