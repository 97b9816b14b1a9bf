"""`python -m data_sources refresh`: the monthly job a data team puts in a timer (deploy/systemd, deploy/cron).

Steps, in order, each logged as one JSON line on stderr (the journal keeps them; no secrets, see `redact`):

1. schema   the database exists and has the current schema (migrated when older, like `ensure`);
2. sotkanet the catalogue's indicators for the region's own and comparison regions (`sotkanet_cli.run_load`;
            the regions/genders of the previous Sotkanet load are kept, so `--regions all` stays national);
3. derived  the derived data (area rollups, stored page data) are computed inside every load by `writing()`;
            here we only check they are current and recompute them once when they are not;
4. digest   the change digest, when the composition root passes one (issue 14's change alerts; absent = skipped).

stdout gets one Finnish paragraph: what was refreshed and what failed — what cron mails and what the journal
shows last. Exit code: 0 everything ok, 1 something failed but the database holds the previous data for it,
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
from common.i18n import Phrase
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
        help="kuukausipäivitys: Sotkanet luettelolle ja vertailualueille, johdetut tiedot, muutoskooste",
        description="Ajastettu päivitys (deploy/systemd, deploy/cron). Loki JSON-riveinä stderriin, yhteenveto "
        "stdoutiin; paluukoodi 1, jos jokin epäonnistui (aiemmat tiedot jäävät), 2, jos päivitys ei alkanut.",
    )
    p.add_argument("--db", help="tietokantatiedosto")
    p.add_argument("--region", help="aluekansio data/regions/ alla")
    p.add_argument("--base-url", help="Sotkanetin REST-osoite (oletus region.toml)")
    p.add_argument("--indicators", default="catalogue", help="catalogue (oletus) tai numerot: 127,171")
    p.add_argument("--regions", choices=("region", "all"),
                   help="region: omat ja vertailualueet; all: lisäksi kaikki kunnat (oletus: kuten edellinen lataus)")
    p.add_argument("--force", action="store_true", help="lataa myös muuttumattomat indikaattorit")
    p.add_argument("--workers", type=int, default=3, help=f"samanaikaiset pyynnöt (1–{sotkanet_cli.MAX_WORKERS})")
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
    with connect_read(path) as con:
        return con.execute("SELECT item, status, rows, coalesce(message, '') FROM load_item WHERE load_id = ?"
                           " ORDER BY item", [load_id]).fetchall()


def step_schema(path: Path, log: EventLog, outcome: Outcome) -> bool:
    if not path.exists():
        log("schema", "error", database=str(path), message="tietokantaa ei ole")
        outcome.fail(2, f"Tietokantaa {path} ei ole, joten mitään ei päivitetty; rakenna se ensin komennolla "
                        f"python -m data_sources catalogue --db {path}.")
        return False
    with connect_read(path, require_current_schema=False) as con:
        version = schema_version(con)
    if version < SCHEMA_VERSION:
        with writing("migrate", params={"from": version, "to": SCHEMA_VERSION}, path=path) as load:
            load.message = Phrase("load_log.schema", old=version, new=SCHEMA_VERSION)
        log("schema", migrated_from=version, version=SCHEMA_VERSION)
        outcome.parts.append(f"Tietokannan skeema päivitettiin versiosta {version} versioon {SCHEMA_VERSION}.")
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
        outcome.fail(2, f"Sotkanet-latausta ei aloitettu: {exc}.")
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
        reason = next((line[len("virhe: "):] for line in reversed(progress.lines) if line.startswith("virhe: ")),
                      "syy lokissa")
        log("sotkanet.done", "error", exit_code=code, message=reason)
        outcome.fail(2, f"Sotkanet-lataus ei alkanut ({reason.rstrip('.')}); tiedot ovat ennallaan.")
        return
    items = _load_items(path, load_id)
    counts = {s: sum(1 for i in items if i[1] == s) for s in ("ok", "unchanged", "failed")}
    rows = sum(i[2] or 0 for i in items if i[1] == "ok")
    failed = [i for i in items if i[1] == "failed"]
    for item, _, _, message in failed:
        log("sotkanet.indicator_failed", "warning", load_id=load_id, indicator=item, message=message[:300])
    log("sotkanet.done", "error" if code == 2 else "warning" if failed else "info", load_id=load_id, status=status,
        exit_code=code, loaded=counts["ok"], unchanged=counts["unchanged"], failed=counts["failed"], rows=rows)
    sentence = (f"Sotkanet (lataus #{load_id}): {fi_int(counts['ok'])} indikaattoria ladattu "
                f"({fi_int(rows)} riviä), {fi_int(counts['unchanged'])} ennallaan, {fi_int(counts['failed'])} "
                f"epäonnistui")
    if code == 2 and not failed:
        reason = next((line[len("virhe: "):] for line in reversed(progress.lines) if line.startswith("virhe: ")),
                      "syy lokissa")
        outcome.fail(2, f"Sotkanet-lataus epäonnistui ennen indikaattoreita ({reason.rstrip('.')}); tiedot ovat "
                        f"ennallaan.")
    elif failed:
        shown = "; ".join(f"{item}: {message[:120]}" for item, _, _, message in failed[:5])
        more = f" ja {fi_int(len(failed) - 5)} muuta" if len(failed) > 5 else ""
        outcome.fail(1, f"{sentence} ({shown}{more}); epäonnistuneiden aiemmat tiedot jäivät ennalleen.")
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
        outcome.fail(1, f"Johdettuja tietoja ei saatu ajan tasalle ({', '.join(still)}).")
    else:
        outcome.parts.append(f"Johdetut tiedot ovat ajan tasalla ({fi_int(rollups)} aluekoosteriviä"
                             + (", laskettiin uudelleen" if stale else "") + ").")


def step_digest(path: Path, digest: Digest | None, log: EventLog, outcome: Outcome) -> None:
    if digest is None:
        log("digest", skipped="ei muutoskoostetta tässä versiossa")
        return
    try:
        result = digest(path)
    except Exception as exc:  # the digest is a report: its failure must not hide what the load did
        log("digest", "error", message=f"{exc.__class__.__name__}: {exc}"[:300])
        outcome.fail(1, f"Muutoskoostetta ei saatu ({exc.__class__.__name__}).")
        return
    lines = [result] if isinstance(result, str) else list(result or [])
    lines = [str(line).strip() for line in lines if str(line).strip()]
    log("digest", changes=len(lines), first=lines[0][:200] if lines else None)
    outcome.parts.append(f"Muutoskooste: {lines[0]}" + (f" (+{fi_int(len(lines) - 1)} riviä)" if len(lines) > 1 else "")
                         if lines else "Muutoskooste: ei muutoksia.")


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
        outcome.fail(2, f"Tietokantaa ei voitu käyttää: {str(exc)[:200]}.")
    seconds = time.monotonic() - outcome.started
    log("refresh.done", "error" if outcome.failed else "info", exit_code=outcome.exit_code,
        seconds=round(seconds, 1))
    verdict = ("EPÄONNISTUI" if outcome.exit_code == 2 else "valmistui, mutta osa epäonnistui" if outcome.failed
               else "valmistui")
    paragraph = (f"Tilannekuvan päivitys {fi_datetime(iso_utc())} ({path}, {seconds:.0f} s) {verdict}. "
                 + " ".join(outcome.parts)
                 + (" Yksityiskohdat: lokin JSON-rivit (journalctl -u tilannekuva-refresh) ja ylläpitosivun "
                    "latausloki." if outcome.failed else ""))
    print(redact(paragraph, log.secrets), file=out)
    return outcome.exit_code
