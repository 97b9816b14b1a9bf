"""`python -m data_sources refresh`: the monthly job a data team puts in a timer (deploy/systemd, deploy/cron).

Steps, in order, each logged as one JSON line on stderr (the journal keeps them; no secrets, see `redact`):

1. schema   the database exists and has the current schema (migrated when older, like `ensure`);
2. sotkanet the catalogue's indicators for the region's own and comparison regions (`sotkanet_cli.run_load`;
            the regions/genders of the previous Sotkanet load are kept, so `--regions all` stays national);
3. derived  the derived data (area rollups, stored page data) are computed inside every load by `writing()`;
            here we only check they are current and recompute them once when they are not;
4. digest   the change digest, when the composition root passes one (issue 14's change alerts; absent = skipped).

stdout gets one paragraph (Finnish, or TILANNEKUVA_LANG's language; common/strings/cli.toml): what was
refreshed and what failed — what cron mails and what the journal shows last. The JSON events stay as they are. Exit code: 0 everything ok, 1 something failed but the database holds the previous data for it,
2 the refresh could not start (no database, Sotkanet's region list unreachable, bad arguments).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from common.clock import iso_utc
from common.format import fi_datetime, fi_int
from common.i18n import SOURCE_LANGUAGE, Phrase, catalogue, shown, stored_text, t
from data_sources import sotkanet_cli
from store import derived
from store.config import db_path
from store.warehouse import SCHEMA_VERSION, WarehouseError, connect_read, schema_version, writing

# Environment variables whose values are never written to a log line (matched on the name).
SECRET_NAME = re.compile(r"PASS|SECRET|TOKEN|KEY|HASH|CREDENTIAL|AUTH|COOKIE|PROXY", re.IGNORECASE)
URL_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s:@]+(?::[^/\s@]*)?@")

# digest(db_path) -> a short text (str) or lines (list[str]); None when nothing changed.
Digest = Callable[[Path], "str | list[str] | None"]


def secret_values(env: dict | None = None) -> list[str]:
    env = os.environ if env is None else env
    return sorted({v for k, v in env.items() if SECRET_NAME.search(k) and v and len(v) >= 4}, key=len, reverse=True)


def redact(text: str, secrets: list[str]) -> str:
    for value in secrets:
        text = text.replace(value, "***")
    return URL_USERINFO.sub(r"\g<scheme>***@", text)


class EventLog:
    """One JSON object per line: {"ts": UTC ISO, "event": name, "level": info|warning|error, ...}."""

    def __init__(self, stream=None, env: dict | None = None):
        self.stream = stream or sys.stderr
        self.secrets = secret_values(env)

    def __call__(self, event: str, level: str = "info", **fields) -> None:
        record = {"ts": iso_utc(), "event": event, "level": level, **fields}
        line = json.dumps(record, ensure_ascii=False, default=str)
        print(redact(line, self.secrets), file=self.stream, flush=True)


class _LinesToEvents(io.TextIOBase):
    """A text stream whose every complete line becomes one log event (run_load's progress lines)."""

    def __init__(self, log: EventLog, event: str):
        self.log, self.event, self.buffer, self.lines = log, event, "", []

    def write(self, text: str) -> int:
        self.buffer += text
        while "\n" in self.buffer:
            line, self.buffer = self.buffer.split("\n", 1)
            if line.strip():
                self.lines.append(line)
                self.log(self.event, text=line.strip())
        return len(text)

    def flush(self) -> None:
        if self.buffer.strip():
            self.write("\n")


@dataclass
class Outcome:
    started: float = field(default_factory=time.monotonic)
    exit_code: int = 0
    parts: list[str] = field(default_factory=list)  # sentences of the summary paragraph
    failed: bool = False

    def fail(self, code: int, sentence: str) -> None:
        self.exit_code = max(self.exit_code, code)
        self.failed = True
        self.parts.append(sentence)


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "refresh",
        help=t("cli.refresh.help"),
        description=t("cli.refresh.description"),
    )
    p.add_argument("--db", help=t("cli.db_help"))
    p.add_argument("--region", help=t("cli.catalogue.region_help"))
    p.add_argument("--base-url", help=t("cli.refresh.base_url_help"))
    p.add_argument("--indicators", default="catalogue", help=t("cli.refresh.indicators_help"))
    p.add_argument("--regions", choices=("region", "all"), help=t("cli.refresh.regions_help"))
    p.add_argument("--force", action="store_true", help=t("cli.refresh.force_help"))
    p.add_argument("--workers", type=int, default=3, help=t("cli.refresh.workers_help", max=sotkanet_cli.MAX_WORKERS))
    p.set_defaults(func=cmd_refresh, digest=None)


def cmd_refresh(args) -> int:
    return run_refresh(args, digest=getattr(args, "digest", None))


def _previous_signature(path: Path) -> dict:
    """The regions/genders/years of the last Sotkanet load that wrote rows (what the deployment chose)."""
    with connect_read(path) as con:
        row = con.execute("SELECT params FROM load_log WHERE source = 'sotkanet' AND status IN ('ok', 'partial')"
                          " ORDER BY load_id DESC LIMIT 1").fetchone()
    try:
        return (json.loads(row[0] or "{}") or {}).get("signature") or {} if row else {}
    except ValueError:
        return {}


def _last_sotkanet_load(path: Path) -> tuple[int | None, str | None]:
    with connect_read(path) as con:
        row = con.execute("SELECT load_id, status FROM load_log WHERE source = 'sotkanet'"
                          " ORDER BY load_id DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (None, None)


def _load_items(path: Path, load_id: int) -> list[tuple]:
    """(item, status, rows, message as stored (Finnish: the log events'), message in the reader's language)."""
    with connect_read(path) as con:
        rows = con.execute("SELECT item, status, rows, coalesce(message, ''), message_phrase FROM load_item"
                           " WHERE load_id = ? ORDER BY item", [load_id]).fetchall()
    return [(*r[:4], stored_text(r[3], r[4])) for r in rows]


# What the log event says when no error line tells why (the events are for machines: one language).
REASON_IN_LOG = catalogue()["cli.refresh.reason_in_log"][SOURCE_LANGUAGE]


def _error_reason(lines: list[str]) -> str | None:
    """The last error line of run_load's progress without its prefix ("virhe: ", or the Swedish "fel: " when
    the load spoke Swedish), else None."""
    prefixes = tuple(text.split("{", 1)[0] for text in catalogue()["cli.error"].values())
    for line in reversed(lines):
        for prefix in prefixes:
            if line.startswith(prefix):
                return line[len(prefix):]
    return None


def step_schema(path: Path, log: EventLog, outcome: Outcome) -> bool:
    if not path.exists():
        log("schema", "error", database=str(path), message="tietokantaa ei ole")
        outcome.fail(2, t("cli.refresh.no_database", path=path))
        return False
    with connect_read(path, require_current_schema=False) as con:
        version = schema_version(con)
    if version < SCHEMA_VERSION:
        with writing("migrate", params={"from": version, "to": SCHEMA_VERSION}, path=path) as load:
            load.message = Phrase("load_log.schema", old=version, new=SCHEMA_VERSION)
        log("schema", migrated_from=version, version=SCHEMA_VERSION)
        outcome.parts.append(t("cli.refresh.migrated", old=version, new=SCHEMA_VERSION))
    else:
        log("schema", version=version)
    return True


def step_sotkanet(args, path: Path, log: EventLog, outcome: Outcome) -> None:
    previous = _previous_signature(path)
    regions = args.regions or previous.get("regions") or "region"
    genders = previous.get("genders") if previous.get("genders") in ("total", "all") else "total"
    try:
        indicators = sotkanet_cli.parse_indicators(args.indicators)
        if not 1 <= args.workers <= sotkanet_cli.MAX_WORKERS:
            raise ValueError(f"--workers: 1–{sotkanet_cli.MAX_WORKERS}")
    except ValueError as exc:
        log("sotkanet", "error", message=str(exc))
        outcome.fail(2, t("cli.refresh.not_started", reason=shown(exc.args[0] if exc.args else exc)))
        return
    options = sotkanet_cli.Options(indicators=indicators, regions=regions, genders=genders, base_url=args.base_url,
                                   db=str(path), region=args.region, force=args.force, workers=args.workers)
    before, _ = _last_sotkanet_load(path)
    log("sotkanet.start", indicators=args.indicators, regions=regions, genders=genders)
    progress, summary = _LinesToEvents(log, "sotkanet.progress"), _LinesToEvents(log, "sotkanet.summary")
    code = sotkanet_cli.run_load(options, out=summary, err=progress)
    progress.flush()
    summary.flush()
    load_id, status = _last_sotkanet_load(path)
    if load_id is None or load_id == before:
        reason = _error_reason(progress.lines)
        log("sotkanet.done", "error", exit_code=code, message=reason or REASON_IN_LOG)
        outcome.fail(2, t("cli.refresh.load_not_started", reason=(reason or t("cli.refresh.reason_in_log")).rstrip(".")))
        return
    items = _load_items(path, load_id)
    counts = {s: sum(1 for i in items if i[1] == s) for s in ("ok", "unchanged", "failed")}
    rows = sum(i[2] or 0 for i in items if i[1] == "ok")
    failed = [i for i in items if i[1] == "failed"]
    for item, _, _, message, _ in failed:
        log("sotkanet.indicator_failed", "warning", load_id=load_id, indicator=item, message=message[:300])
    log("sotkanet.done", "error" if code == 2 else "warning" if failed else "info", load_id=load_id, status=status,
        exit_code=code, loaded=counts["ok"], unchanged=counts["unchanged"], failed=counts["failed"], rows=rows)
    sentence = t("cli.refresh.sotkanet", load_id=load_id, loaded=fi_int(counts["ok"]), rows=fi_int(rows),
                 unchanged=fi_int(counts["unchanged"]), failed=fi_int(counts["failed"]))
    if code == 2 and not failed:
        reason = _error_reason(progress.lines) or t("cli.refresh.reason_in_log")
        outcome.fail(2, t("cli.refresh.failed_before_indicators", reason=reason.rstrip(".")))
    elif failed:
        reasons = "; ".join(f"{item}: {message[:120]}" for item, _, _, _, message in failed[:5])
        more = t("cli.refresh.and_more", count=fi_int(len(failed) - 5)) if len(failed) > 5 else ""
        outcome.fail(1, t("cli.refresh.some_failed", sentence=sentence, shown=reasons, more=more))
    else:
        outcome.parts.append(sentence + ".")


def step_derived(path: Path, log: EventLog, outcome: Outcome) -> None:
    with connect_read(path) as con:
        stale = derived.stale_steps(con)
    if stale:
        with writing("precompute", target=", ".join(stale), path=path) as load:
            load.message = Phrase("load_log.derived_recomputed")
    with connect_read(path) as con:
        still = derived.stale_steps(con)
        rollups = con.execute("SELECT count(*) FROM derived_observation").fetchone()[0]
    log("derived", "error" if still else "info", recomputed=stale, stale=still, rollup_rows=rollups)
    if still:
        outcome.fail(1, t("cli.refresh.derived_stale", steps=", ".join(still)))
    else:
        outcome.parts.append(t("cli.refresh.derived_current", rows=fi_int(rollups),
                               recomputed=t("cli.refresh.recomputed") if stale else ""))


def step_digest(path: Path, digest: Digest | None, log: EventLog, outcome: Outcome) -> None:
    if digest is None:
        log("digest", skipped="ei muutoskoostetta tässä versiossa")
        return
    try:
        result = digest(path)
    except Exception as exc:  # the digest is a report: its failure must not hide what the load did
        log("digest", "error", message=f"{exc.__class__.__name__}: {exc}"[:300])
        outcome.fail(1, t("cli.refresh.digest_failed", error=exc.__class__.__name__))
        return
    lines = [result] if isinstance(result, str) else list(result or [])
    lines = [str(line).strip() for line in lines if str(line).strip()]
    log("digest", changes=len(lines), first=lines[0][:200] if lines else None)
    more = t("cli.refresh.digest_more", count=fi_int(len(lines) - 1)) if len(lines) > 1 else ""
    outcome.parts.append(t("cli.refresh.digest", first=lines[0], more=more) if lines else t("cli.refresh.digest_none"))


def run_refresh(args, *, digest: Digest | None = None, out=None, err=None) -> int:
    out = out or sys.stdout
    log = EventLog(err)
    outcome = Outcome()
    path = db_path(getattr(args, "db", None))
    log("refresh.start", database=str(path))
    try:
        if step_schema(path, log, outcome):
            step_sotkanet(args, path, log, outcome)
            step_derived(path, log, outcome)
            step_digest(path, digest, log, outcome)
    except WarehouseError as exc:
        log("refresh.error", "error", message=str(exc)[:300])
        outcome.fail(2, t("cli.refresh.unusable", reason=str(exc)[:200]))
    seconds = time.monotonic() - outcome.started
    log("refresh.done", "error" if outcome.failed else "info", exit_code=outcome.exit_code,
        seconds=round(seconds, 1))
    verdict = t("cli.refresh.verdict_failed" if outcome.exit_code == 2 else "cli.refresh.verdict_partial"
                if outcome.failed else "cli.refresh.verdict_ok")
    head = t("cli.refresh.head", when=fi_datetime(iso_utc()), path=path, seconds=f"{seconds:.0f}", verdict=verdict)
    paragraph = (f"{head} " + " ".join(outcome.parts)
                 + (" " + t("cli.refresh.details") if outcome.failed else ""))
    print(redact(paragraph, log.secrets), file=out)
    return outcome.exit_code
