"""The forum's year as data: meetings, what each party delivers before them, and what they decided.

    python -m data_sources meeting list [--year 2027] [--db PATH]
    python -m data_sources meeting add --kind kuntafoorumi --date 2027-05-20 --title "Kuntafoorumi kevät 2027" \
        [--area ALUEKOODI] [--parties "Kunnat; …"] [--end-date …] [--by NAME]
    python -m data_sources meeting decide --meeting KF-2027-1 --text "…" [--action J-4-1] \
        [--kind päätös|sovittu toimenpide] [--responsible "…"] [--due 2027-09-30] [--by NAME]

The region folder holds the rhythm the plan states (`meetings.csv`: one row per meeting, with the plan's
words as `basis_fi` and `date_status` = assumed when the plan gives only the rhythm, not the day) and what
each party brings (`deliverables.csv`). Both are loaded with the catalogue (reference.load_catalogues, the
demo): catalogue meetings are replaced, meetings an administrator added (origin 'admin') and every decision
are kept. Decisions and agreed actions are append-only, each optionally linked to a plan action.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import date

import duckdb

from common.clock import db_timestamp
from common.i18n import Phrase, t
from data_sources.reference import _choice, read_rows
from store.config import RegionConfig, db_path, region_config
from store.warehouse import connect_read, writing

# kind -> what the UI calls it; the region folder may use any of these.
KINDS = {
    "kuntafoorumi": "Kuntafoorumi",
    "palvelukeskustelu": "Palvelukeskustelu",
    "hyte_neuvottelu": "HYTE-neuvottelu",
    "neuvottelu_14": "Neuvottelu (611/2021 14 §)",
    "strateginen": "Strateginen tapaaminen",
    "kompassikysely": "Kompassikyselyn vastausaika",
}
MEETING_KINDS = tuple(k for k in KINDS if k != "kompassikysely")  # the survey window is not a meeting
DATE_STATUSES = ("seed", "assumed", "confirmed")
DECISION_KINDS = ("päätös", "sovittu toimenpide")
CHECKS = ("", "survey_municipalities", "survey_hva", "status_updates", "data_fresh")
MAX_TEXT = 2_000
MAX_TITLE = 200
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MEETING_COLUMNS = ("meeting_id", "kind", "date", "end_date", "title_fi", "area_code", "parties_fi", "date_status",
                   "basis_fi")
DELIVERABLE_COLUMNS = ("kind", "seq", "party_fi", "text_fi", "check", "basis_fi")


class MeetingRejected(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class Year:
    meetings: list[tuple]
    deliverables: list[tuple]


def _date(text: str, where: str, problems: list[str], optional: bool = False) -> date | None:
    text = (text or "").strip()
    if not text and optional:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(t("loaders.meeting.bad_date", where=where, value=repr(text)))
        return None


def parse_year(config: RegionConfig, area_codes: set[str]) -> Year:
    """meetings.csv and deliverables.csv of the region folder (both optional) -> rows; every problem is
    listed with file, row and column. area_codes: the folder's palvelukeskustelualue codes."""
    problems: list[str] = []
    meetings, deliverables = [], []
    path = config.folder / "meetings.csv"
    if path.is_file():
        seen: set[str] = set()
        for r in read_rows(path, MEETING_COLUMNS):
            if r["meeting_id"] in seen or not r["meeting_id"]:
                problems.append(t("loaders.meeting.id_missing_or_repeated", where=r.where("meeting_id"),
                                  value=repr(r["meeting_id"])))
            seen.add(r["meeting_id"])
            _choice(r, "kind", tuple(KINDS), problems)
            _choice(r, "date_status", DATE_STATUSES, problems)
            if r["area_code"] and r["area_code"] not in area_codes:
                problems.append(t("loaders.meeting.unknown_area", where=r.where("area_code"), value=repr(r["area_code"])))
            start = _date(r["date"], r.where("date"), problems)
            end = _date(r["end_date"], r.where("end_date"), problems, optional=True)
            if start and end and end < start:
                problems.append(t("loaders.meeting.ends_before_start", where=r.where("end_date")))
            meetings.append((r["meeting_id"], r["kind"], start, end, r["title_fi"], r["area_code"] or None,
                             r["parties_fi"] or None, r["basis_fi"] or None, r["date_status"], "catalogue",
                             None, None, False))
    path = config.folder / "deliverables.csv"
    if path.is_file():
        for r in read_rows(path, DELIVERABLE_COLUMNS):
            _choice(r, "kind", tuple(KINDS), problems)
            _choice(r, "check", CHECKS, problems)
            if not r["seq"].isdigit():
                problems.append(t("loaders.catalogue.not_an_integer", where=r.where("seq"), value=repr(r["seq"])))
            deliverables.append((r["kind"], int(r["seq"]) if r["seq"].isdigit() else 0, r["party_fi"], r["text_fi"],
                                 r["check"] or None, r["basis_fi"] or None))
    if problems:
        raise MeetingRejected(problems)
    return Year(meetings, deliverables)


def area_codes_of(regions) -> set[str]:
    """The PALVELUALUE codes of reference.Catalogues.regions rows (category, code, …)."""
    return {r[1] for r in regions if r[0] == "PALVELUALUE"}


def load_year(region_id: str | None = None, path=None) -> int:
    """Reload the folder's meetings and deliverables in one load (the `catalogue` command runs it)."""
    config = region_config(region_id)
    with connect_read(db_path(path)) as con:
        areas = {r[0] for r in con.execute("SELECT code FROM region WHERE category = 'PALVELUALUE'").fetchall()}
    year = parse_year(config, areas)
    with writing("meetings", target=str(config.folder), params={"region": config.id}, path=db_path(path)) as load:
        load.rows = store_year(load.con, year)
        load.message = Phrase("load_log.calendar", meetings=len(year.meetings), deliverables=len(year.deliverables))
    return load.rows


def store_year(con: duckdb.DuckDBPyConnection, year: Year) -> int:
    """Replace the catalogue's meetings and deliverables; administrators' meetings and all decisions stay."""
    ids = [m[0] for m in year.meetings]
    con.execute("DELETE FROM meeting WHERE origin = 'catalogue'")
    if ids:
        con.execute("DELETE FROM meeting WHERE list_contains(?, meeting_id)", [ids])
        con.executemany("INSERT INTO meeting VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", year.meetings)
    con.execute("DELETE FROM deliverable")
    if year.deliverables:
        con.executemany("INSERT INTO deliverable VALUES (?, ?, ?, ?, ?, ?)", year.deliverables)
    return len(year.meetings) + len(year.deliverables)


def _text(value: str | None, name: str, problems: list[str], *, required: bool, limit: int = MAX_TEXT) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            problems.append(t("loaders.meeting.missing", name=name))
        return None
    if len(value) > limit:
        problems.append(t("loaders.meeting.too_long", name=name, limit=limit))
    if _FORBIDDEN.search(value):
        problems.append(t("loaders.meeting.control_chars", name=name))
    return value


def _as_date(value, name: str, problems: list[str], required: bool) -> date | None:
    if value in (None, ""):
        if required:
            problems.append(t("loaders.meeting.missing", name=name))
        return None
    if isinstance(value, date):
        return value
    return _date(str(value), name, problems)


def add_meeting(kind: str, meeting_date, title: str, *, area_code: str | None = None, parties: str | None = None,
                end_date=None, by: str = "ylläpito", db=None, meeting_id: str | None = None) -> str:
    """Record a meeting an administrator adds; returns its id (ADM-<date>-<n> unless given)."""
    problems: list[str] = []
    if kind not in KINDS:
        problems.append(t("loaders.meeting.unknown_kind", value=repr(kind), allowed=", ".join(KINDS)))
    start = _as_date(meeting_date, t("loaders.meeting.field.date"), problems, True)
    end = _as_date(end_date, t("loaders.meeting.field.end_date"), problems, False)
    title = _text(title, t("loaders.meeting.field.title"), problems, required=True, limit=MAX_TITLE)
    parties = _text(parties, t("loaders.meeting.field.parties"), problems, required=False)
    by = _text(by, t("loaders.meeting.field.by"), problems, required=True, limit=100) or "ylläpito"
    path = db_path(db)
    with connect_read(path) as con:
        areas = {r[0] for r in con.execute("SELECT code FROM region WHERE category = 'PALVELUALUE'").fetchall()}
        existing = {r[0] for r in con.execute("SELECT meeting_id FROM meeting").fetchall()}
    area_code = (area_code or "").strip() or None
    if area_code and area_code not in areas:
        # the area's name is the region folder's own word (page_area: palvelukeskustelualue, kumppanuusryhmä …)
        problems.append(t("loaders.meeting.unknown_service_area", area=t("page_area").lower(), value=repr(area_code)))
    if start and end and end < start:
        problems.append(t("loaders.meeting.end_before_start"))
    if meeting_id and meeting_id in existing:
        problems.append(t("loaders.meeting.exists", meeting=meeting_id))
    if problems:
        raise MeetingRejected(problems)
    if not meeting_id:
        n = 1
        while f"ADM-{start:%Y%m%d}-{n}" in existing:
            n += 1
        meeting_id = f"ADM-{start:%Y%m%d}-{n}"
    with writing("meeting", target=meeting_id, params={"kind": kind, "date": start.isoformat()}, path=path,
                 user_name=by) as load:
        load.con.execute("INSERT INTO meeting VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 'confirmed', 'admin', ?, ?, FALSE)",
                         [meeting_id, kind, start, end, title, area_code, parties, by, db_timestamp()])
        load.rows = 1
        load.message = Phrase("load_log.meeting", meeting=meeting_id, title=title)
    return meeting_id


def record_decision(meeting_id: str, text: str, *, kind: str = "päätös", action_id: str | None = None,
                    responsible: str | None = None, due=None, by: str = "ylläpito", db=None) -> int:
    """Append a decision or agreed action of a meeting; returns its id."""
    problems: list[str] = []
    if kind not in DECISION_KINDS:
        problems.append(t("loaders.meeting.unknown_decision_kind", value=repr(kind), allowed=", ".join(DECISION_KINDS)))
    text = _text(text, t("loaders.meeting.field.decision"), problems, required=True)
    responsible = _text(responsible, t("loaders.meeting.field.responsible"), problems, required=False, limit=300)
    due_date = _as_date(due, t("loaders.meeting.field.due"), problems, False)
    by = _text(by, t("loaders.meeting.field.by"), problems, required=True, limit=100) or "ylläpito"
    action_id = (action_id or "").strip() or None
    path = db_path(db)
    with connect_read(path) as con:
        meetings = {r[0] for r in con.execute("SELECT meeting_id FROM meeting").fetchall()}
        actions = {r[0] for r in con.execute("SELECT action_id FROM action").fetchall()}
    if meeting_id not in meetings:
        problems.append(t("loaders.meeting.unknown_meeting", value=repr(meeting_id)))
    if action_id and action_id not in actions:
        problems.append(t("loaders.meeting.unknown_action", value=repr(action_id)))
    if problems:
        raise MeetingRejected(problems)
    with writing("meeting_decision", target=meeting_id, params={"action_id": action_id, "kind": kind}, path=path,
                 user_name=by) as load:
        decision_id = load.con.execute(
            "INSERT INTO meeting_decision (meeting_id, kind, text_fi, action_id, responsible_fi, due_date, recorded_by,"
            " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING decision_id",
            [meeting_id, kind, text, action_id, responsible, due_date, by, db_timestamp()]).fetchone()[0]
        load.rows = 1
        load.message = (Phrase("load_log.decision_for_action", kind=kind, decision=decision_id, meeting=meeting_id,
                               action=action_id) if action_id else
                        Phrase("load_log.decision", kind=kind, decision=decision_id, meeting=meeting_id))
    return int(decision_id)


def meeting_list(con, year: int | None = None):
    """Meetings (and survey windows) in date order, with their decision counts."""
    return con.execute(
        """SELECT m.meeting_id, m.kind, m.meeting_date, m.end_date, m.title_fi, m.area_code, m.parties_fi,
                  m.date_status, m.origin, count(d.decision_id) AS decisions
           FROM meeting m LEFT JOIN meeting_decision d USING (meeting_id)
           WHERE ? IS NULL OR year(m.meeting_date) = ?
           GROUP BY ALL ORDER BY m.meeting_date, m.meeting_id""", [year, year]).df()


def _cmd_list(args) -> int:
    with connect_read(db_path(args.db)) as con:
        frame = meeting_list(con, args.year)
    if frame.empty:
        print(t("loaders.cli.no_meetings"))
    for r in frame.itertuples():
        assumed = t("loaders.cli.day_assumed") if r.date_status == "assumed" else ""
        print(f"{r.meeting_date:%d.%m.%Y}\t{r.meeting_id}\t{KINDS.get(r.kind, r.kind)}\t{r.title_fi}{assumed}"
              + ("\t" + t("loaders.cli.decisions", count=r.decisions) if r.decisions else ""))
    return 0


def _report(exc: MeetingRejected) -> int:
    for problem in exc.problems:
        print(t("loaders.cli_error", error=problem), file=sys.stderr)
    return 1


def _cmd_add(args) -> int:
    try:
        meeting_id = add_meeting(args.kind, args.date, args.title, area_code=args.area, parties=args.parties,
                                 end_date=args.end_date, by=args.by, db=args.db, meeting_id=args.id)
    except MeetingRejected as exc:
        return _report(exc)
    print(t("year.meeting_added", meeting=meeting_id))
    return 0


def _cmd_decide(args) -> int:
    try:
        decision_id = record_decision(args.meeting, args.text, kind=args.kind, action_id=args.action,
                                      responsible=args.responsible, due=args.due, by=args.by, db=args.db)
    except MeetingRejected as exc:
        return _report(exc)
    print(t("loaders.cli.decision_recorded", kind=args.kind, decision=decision_id, meeting=args.meeting))
    return 0


def add_cli(subparsers) -> None:
    p = subparsers.add_parser("meeting", help=t("cli.meeting.help"))
    sub = p.add_subparsers(dest="meeting_command", required=True, metavar=t("cli.action_metavar"))
    ls = sub.add_parser("list", help=t("cli.meeting.list_help"))
    ls.add_argument("--year", type=int)
    ls.add_argument("--db")
    ls.set_defaults(func=_cmd_list)
    a = sub.add_parser("add", help=t("cli.meeting.add_help"))
    a.add_argument("--kind", required=True, choices=list(KINDS))
    a.add_argument("--date", required=True, help=t("cli.date_help"))
    a.add_argument("--end-date", help=t("cli.meeting.end_date_help"))
    a.add_argument("--title", required=True)
    a.add_argument("--area", help=t("cli.meeting.area_help"))
    a.add_argument("--parties", help=t("cli.meeting.parties_help"))
    a.add_argument("--id", help=t("cli.meeting.id_help"))
    a.add_argument("--by", default="cli")
    a.add_argument("--db")
    a.set_defaults(func=_cmd_add)
    d = sub.add_parser("decide", help=t("cli.meeting.decide_help"))
    d.add_argument("--meeting", required=True)
    d.add_argument("--text", required=True)
    d.add_argument("--kind", default="päätös", choices=list(DECISION_KINDS))
    d.add_argument("--action", help=t("cli.meeting.action_help"))
    d.add_argument("--responsible")
    d.add_argument("--due", help=t("cli.meeting.due_help"))
    d.add_argument("--by", default="cli")
    d.add_argument("--db")
    d.set_defaults(func=_cmd_decide)
