"""Manual action tracking: per action and municipality `kyllä` / `osittain` / `ei`, with date and note.

    python -m data_sources action-status set --action J-1-1 --municipality KUNTA --status kyllä \
        [--date 2024-11-05] [--note "..."] [--responsible NAME] [--timetable TEXT] [--by NAME]
    python -m data_sources action-status export [--out FILE] [--current]
    python -m data_sources action-status import FILE

The table is append-only: every entry is kept with who recorded it and when; the current
status of an action in a municipality is its newest entry (latest status_date, then latest
recorded_at). Any party that answers for the action can be given as the "municipality": a municipality,
the HVA (PSHVA / HVA -> its region code) or the liitto (its name or "liitto" -> the maakunta's code). When
the catalogue names the action's owners (parties.csv, actions.csv owners), a status for any other party is
refused: it would never be counted. A record may name the responsible person and the timetable.

Import takes the export's columns (toimenpide; kunta or kuntakoodi; tila; päivämäärä; huomio;
kirjaaja; kirjattu), in any encoding/delimiter the survey loader accepts (CSV or XLSX). A file
with any problem is rejected whole. Rows that are identical to an existing entry (same action,
municipality, status, date, note, recorder and time) are skipped, so importing an export back
changes nothing.

Export → import is lossless for every note the product stores (any text; a note is stored trimmed,
with line breaks as "\n" and without control characters, which are refused when it is recorded):
- XLSX (`export_xlsx_bytes`, and the admin page's download): every text cell is a string cell, never a
  formula, so "= sama tilanne kuin 2024" stays that text and comes back as it was.
- CSV (`export_csv_bytes`): text that a spreadsheet would evaluate (starting with = + - @, tab, CR,
  LF, unless it is a plain number such as "-3,5") gets one leading `'` (OWASP), as does text starting
  with `'` followed by one of those characters or another `'`. The CSV import removes one leading `'`
  exactly when the next character is one of those or `'` (common.spreadsheet.restore_cell), so only
  what the export added is removed; an ordinary leading apostrophe in a hand-made file stays.

Long because it is one source's whole shape: record, history, export and import (both formats, lossless) and its CLI.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from common.clock import db_timestamp
from common.i18n import t
from common.spreadsheet import restore_cell, to_csv_bytes, to_xlsx_bytes
from metrics import followup
from data_sources.survey import catalogue_frames
from data_sources.uploads import (
    MAX_FILE_BYTES,
    MAX_PROBLEMS,
    MAX_SUGGESTIONS,
    MunicipalityResolver,
    UploadProblem,
    UploadRejected,
    fold,
    parse_timestamp,
    load_file_from_cli,
    not_loaded,
    read_table,
    write_cli_output,
)
from store.config import db_path
from store.warehouse import connect_read, writing

STATUSES = ("kyllä", "osittain", "ei")
STATUS_ALIASES = {"kyllä": "kyllä", "kylla": "kyllä", "k": "kyllä", "yes": "kyllä", "tehty": "kyllä",
                  "osittain": "osittain", "o": "osittain", "partly": "osittain", "kesken": "osittain",
                  "ei": "ei", "e": "ei", "no": "ei",
                  # a Swedish-speaking coordinator writes the Swedish words; the file's codes stay Finnish
                  "ja": "kyllä", "delvis": "osittain", "nej": "ei"}
MAX_NOTE = 1_000
EXPORT_COLUMNS = ["toimenpide", "kunta", "kuntakoodi", "tila", "päivämäärä", "huomio", "kirjaaja", "kirjattu", "esimerkki",
                  "vastuuhenkilö", "aikataulu"]
MAX_SHORT = 200  # responsible person, timetable
IMPORT_ALIASES = {
    "action": ("toimenpide", "action", "action_id", "toimenpiteen tunnus"),
    "municipality": ("kunta", "municipality"),
    "code": ("kuntakoodi", "municipality_code"),
    "status": ("tila", "status"),
    "date": ("päivämäärä", "pvm", "status_date", "date"),
    "note": ("huomio", "huomautus", "note"),
    "responsible": ("vastuuhenkilö", "vastuuhenkilo", "responsible"),
    "timetable": ("aikataulu", "timetable"),
    "by": ("kirjaaja", "recorded_by"),
    "at": ("kirjattu", "recorded_at"),
    "demo": ("esimerkki", "is_demo"),
}
_IMPORT_LOOKUP = {fold(a): k for k, aliases in IMPORT_ALIASES.items() for a in aliases}
# What a note may not hold: the control characters a CSV import refuses and an XLSX cannot carry.
_NOTE_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


class ActionStatusRejected(UploadRejected):
    """Same shape as a rejected survey file: a list of UploadProblem."""

class _NothingNew(Exception):
    """Aborts the write when an import adds nothing, so not even the load log changes."""

@dataclass
class StatusEntry:
    action_id: str
    municipality_code: str
    status: str
    status_date: date
    note: str | None
    recorded_by: str
    recorded_at: datetime
    is_demo: bool = False
    responsible: str | None = None
    timetable: str | None = None

    def row(self) -> tuple:
        return (self.action_id, self.municipality_code, self.status, self.status_date, self.note,
                self.recorded_by, self.recorded_at, self.is_demo)


class PartyResolver(MunicipalityResolver):
    """A municipality or the HVA (MunicipalityResolver), or the liitto: its names, "liitto" or the maakunta's
    code -> the maakunta's code."""

    def __init__(self, municipalities, hva_code, hva_names, liitto_code: str | None, liitto_names: tuple[str, ...]):
        super().__init__(municipalities, hva_code, hva_names)
        self.liitto_code = liitto_code
        self.liitto_keys = {fold(n) for n in (*liitto_names, "liitto", liitto_code or "") if n} if liitto_code else set()

    def resolve(self, value: str) -> str | None:
        if fold(value) in self.liitto_keys:
            return self.liitto_code
        return super().resolve(value)


def normalise_status(text: str) -> str | None:
    return STATUS_ALIASES.get(fold(text))


def parse_date(text: str) -> date | None:
    text = text.strip()
    ts = parse_timestamp(text)
    return ts.date() if ts else None


def _reference(con) -> tuple[set[str], MunicipalityResolver]:
    actions = {r[0] for r in con.execute("SELECT action_id FROM action").fetchall()}
    _, munis, hva_code, hva_names = catalogue_frames(con)
    liitto = con.execute("SELECT code FROM region WHERE category = 'MAAKUNTA' ORDER BY code LIMIT 1").fetchall()
    names = tuple(n for row in con.execute("SELECT name_fi, short_fi FROM party WHERE kind = 'liitto'").fetchall()
                  for n in row if n)
    return actions, PartyResolver(munis, hva_code, hva_names, liitto[0][0] if liitto and names else None, names)


def owners_by_action(con) -> dict[str, dict[str, str]] | None:
    """action -> {party key: party name} of the parties that answer for it; None when the catalogue names no
    owners (then any municipality or the HVA may be recorded, as before owners existed)."""
    owned = con.execute("SELECT action_id, party_id, seq FROM action_owner").df()
    if owned.empty:
        return None
    actions = con.execute("SELECT action_id FROM action").df()
    parties = con.execute("SELECT * FROM party").df()
    munis = con.execute("SELECT code FROM own_municipality").df()["code"]
    hva = con.execute("SELECT code FROM region WHERE category = 'HYVINVOINTIALUE' ORDER BY code LIMIT 1").fetchall()
    liitto = con.execute("SELECT code FROM region WHERE category = 'MAAKUNTA' ORDER BY code LIMIT 1").fetchall()
    keys = followup.owner_keys(actions, owned, parties, munis, hva[0][0] if hva else None,
                               liitto[0][0] if liitto else None)
    out: dict[str, dict[str, str]] = {}
    for k in keys.itertuples():
        out.setdefault(k.action_id, {})[k.municipality_code] = k.party_name
    return out


def validate_entry(action: str, municipality: str, status: str, status_date: str | date | None, note: str | None,
                   actions: set[str], resolver: MunicipalityResolver, *, row: int | None = None,
                   columns: dict[str, str] | None = None, today: date | None = None,
                   suggest: bool = True, owners: dict[str, dict[str, str]] | None = None,
                   responsible: str | None = None, timetable: str | None = None) -> tuple[dict, list[UploadProblem]]:
    """Check one entry; returns (normalised values, problems). suggest=False skips the difflib suggestion.
    owners (owners_by_action): a party that does not answer for the action is refused."""
    columns = columns or {}
    today = today or date.today()
    problems: list[UploadProblem] = []
    out: dict = {}
    action = (action or "").strip()
    if not action:
        problems.append(UploadProblem(row, columns.get("action", "toimenpide"), "", t("loaders.status.action_missing")))
    elif action not in actions:
        import difflib

        match = difflib.get_close_matches(action.upper(), sorted(actions), n=1, cutoff=0.6) if suggest else None
        problems.append(UploadProblem(row, columns.get("action", "toimenpide"), action, t("loaders.status.unknown_action"),
                                      t("loaders.did_you_mean", match=match[0]) if match else None))
    out["action_id"] = action
    municipality = (municipality or "").strip()
    code = resolver.resolve(municipality) if municipality else None
    if code is None:
        problems.append(UploadProblem(row, columns.get("municipality", "kunta"), municipality,
                                      t("loaders.municipality_missing") if not municipality
                                      else t("loaders.municipality_unknown"),
                                      resolver.suggest(municipality) if municipality and suggest else None))
    out["municipality_code"] = code
    if owners is not None and code is not None and action in owners and code not in owners[action]:
        named = ", ".join(dict.fromkeys(owners[action].values()))
        problems.append(UploadProblem(row, columns.get("municipality", "kunta"), municipality,
                                      t("loaders.status.not_an_owner", action=action),
                                      t("loaders.status.owners_are", owners=named)))
    for key, text in (("responsible", responsible), ("timetable", timetable)):
        text = " ".join((text or "").split())
        if len(text) > MAX_SHORT:
            problems.append(UploadProblem(row, columns.get(key, IMPORT_ALIASES[key][0]), text[:40],
                                          t("loaders.status.text_too_long", length=len(text), limit=MAX_SHORT)))
        out[key] = text or None
    value = normalise_status(status or "")
    if value is None:
        problems.append(UploadProblem(row, columns.get("status", "tila"), status or "", t("loaders.status.unknown_status"),
                                      t("loaders.status.status_hint")))
    out["status"] = value
    if isinstance(status_date, date):
        parsed = status_date
    elif status_date is None or not str(status_date).strip():
        parsed = today
    else:
        parsed = parse_date(str(status_date))
        if parsed is None:
            problems.append(UploadProblem(row, columns.get("date", "päivämäärä"), str(status_date),
                                          t("loaders.status.bad_date"), t("loaders.status.date_hint")))
    if parsed is not None and parsed > today:
        problems.append(UploadProblem(row, columns.get("date", "päivämäärä"), parsed.isoformat(),
                                      t("loaders.status.future_date"), t("loaders.status.future_date_hint")))
    out["status_date"] = parsed
    note = (note or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    bad = _NOTE_FORBIDDEN.search(note)
    if bad:
        problems.append(UploadProblem(row, columns.get("note", "huomio"), repr(bad.group())[1:-1],
                                      t("loaders.status.note_control"), t("loaders.status.note_control_hint")))
    if len(note) > MAX_NOTE:
        problems.append(UploadProblem(row, columns.get("note", "huomio"), note[:40],
                                      t("loaders.status.note_too_long", length=len(note), limit=MAX_NOTE)))
    out["note"] = note or None
    return out, problems


def _insert(con, entries: list[StatusEntry]) -> int:
    if not entries:
        return 0
    frame = pd.DataFrame([(*e.row(), e.responsible, e.timetable) for e in entries], columns=[
        "action_id", "municipality_code", "status", "status_date", "note", "recorded_by", "recorded_at", "is_demo",
        "responsible", "timetable"],
    ).astype({"note": "object", "responsible": "object", "timetable": "object"})
    con.register("action_status_df", frame)
    con.execute("INSERT INTO action_status (action_id, municipality_code, status, status_date, note, recorded_by,"
                " recorded_at, is_demo, responsible, timetable) SELECT * FROM action_status_df")
    con.unregister("action_status_df")
    return len(entries)


def record_status(action: str, municipality: str, status: str, status_date: str | date | None = None,
                  note: str | None = None, *, by: str | None = None, db: Path | None = None,
                  is_demo: bool = False, responsible: str | None = None, timetable: str | None = None) -> int:
    """Append one status entry. Raises ActionStatusRejected on an unknown action, municipality, etc."""

    by = (by or os.environ.get("USER") or "cli").strip()[:100]
    with writing("action-status", target=(action or "").strip(), params={"municipality": municipality},
                 is_demo=is_demo, path=db_path(db), user_name=by) as load:
        actions, resolver = _reference(load.con)
        values, problems = validate_entry(action, municipality, status, status_date, note, actions, resolver,
                                          owners=owners_by_action(load.con), responsible=responsible,
                                          timetable=timetable)
        if problems:
            raise ActionStatusRejected(problems)
        _insert(load.con, [StatusEntry(**values, recorded_by=by, recorded_at=db_timestamp(), is_demo=is_demo)])
        load.rows = 1
        return load.con.execute("SELECT max(entry_id) FROM action_status").fetchone()[0]


def parse_import(data: bytes, file_name: str, actions: set[str], resolver: MunicipalityResolver, *,
                 default_by: str, today: date | None = None,
                 owners: dict[str, dict[str, str]] | None = None) -> list[StatusEntry]:
    """Validate an import file; raises ActionStatusRejected listing every problem."""
    try:
        table = read_table(data, file_name)
    except UploadRejected as exc:
        raise ActionStatusRejected(exc.problems) from None
    if table.format == "csv":  # undo the export's formula neutralisation (module docstring)
        table.header = [restore_cell(c) for c in table.header]
        table.rows = [(n, [restore_cell(c) for c in cells]) for n, cells in table.rows]
    problems: list[UploadProblem] = []
    cols: dict[str, int] = {}
    for idx, name in enumerate(table.header):
        kind = _IMPORT_LOOKUP.get(fold(name))
        if kind is None:
            problems.append(UploadProblem(1, name, None, t("loaders.unknown_column"),
                                          t("loaders.columns_are", columns=", ".join(EXPORT_COLUMNS))))
        elif kind in cols:
            problems.append(UploadProblem(1, name, None, t("loaders.column_repeats")))
        else:
            cols[kind] = idx
    for required in ("action", "status"):
        if required not in cols:
            problems.append(UploadProblem(1, None, None, t("loaders.required_column", column=IMPORT_ALIASES[required][0])))
    if "municipality" not in cols and "code" not in cols:
        problems.append(UploadProblem(1, None, None, t("loaders.status.municipality_column_missing",
                                                       column="kunta", code_column="kuntakoodi")))
    if not table.rows:
        problems.append(UploadProblem(None, None, None, t("loaders.no_rows")))
    if problems:
        raise ActionStatusRejected(problems)
    names = {k: table.header[i] for k, i in cols.items()}

    def cell(cells, kind):
        i = cols.get(kind)
        return cells[i] if i is not None and i < len(cells) else ""

    entries = []
    for row_no, cells in table.rows:
        if len(problems) >= MAX_PROBLEMS:  # a wrong file: stop here, the list is long enough to act on
            problems.append(UploadProblem(None, None, None, t("loaders.status.check_stopped", count=MAX_PROBLEMS,
                                                              row=row_no)))
            break
        code_text, name_text = cell(cells, "code"), cell(cells, "municipality")
        municipality = code_text or name_text
        muni_column = names.get("code") if code_text else names.get("municipality", names.get("code"))
        values, row_problems = validate_entry(
            cell(cells, "action"), municipality, cell(cells, "status"), cell(cells, "date"), cell(cells, "note"),
            actions, resolver, row=row_no, today=today, suggest=len(problems) < MAX_SUGGESTIONS, owners=owners,
            responsible=cell(cells, "responsible"), timetable=cell(cells, "timetable"),
            columns={"action": names["action"], "municipality": muni_column, "status": names["status"],
                     "date": names.get("date", "päivämäärä"), "note": names.get("note", "huomio"),
                     "responsible": names.get("responsible", "vastuuhenkilö"),
                     "timetable": names.get("timetable", "aikataulu")})
        if code_text and name_text and values["municipality_code"] is not None \
                and resolver.resolve(name_text) != values["municipality_code"]:
            row_problems.append(UploadProblem(row_no, names["municipality"], name_text,
                                              t("loaders.status.code_mismatch", code=code_text)))
        at_text = cell(cells, "at")
        recorded_at = db_timestamp()
        if at_text:
            parsed = parse_timestamp(at_text)
            if parsed is None:
                row_problems.append(UploadProblem(row_no, names["at"], at_text, t("loaders.status.bad_recorded_at"),
                                                  t("loaders.status.recorded_at_hint")))
            else:
                recorded_at = parsed
        demo_text = fold(cell(cells, "demo"))
        if demo_text not in ("", "kyllä", "kylla", "ei", "true", "false", "1", "0"):
            row_problems.append(UploadProblem(row_no, names["demo"], cell(cells, "demo"), t("loaders.status.demo_hint")))
        problems.extend(row_problems)
        if not row_problems:
            entries.append(StatusEntry(**values, recorded_by=(cell(cells, "by") or default_by)[:100],
                                       recorded_at=recorded_at, is_demo=demo_text in ("kyllä", "kylla", "true", "1")))
    if problems:
        raise ActionStatusRejected(problems)
    return entries


def import_status_bytes(data: bytes, file_name: str, *, db: Path | None = None, user_name: str | None = None) -> int:
    """Append the file's entries (skipping ones already present). Returns the number added."""

    if len(data) > MAX_FILE_BYTES:
        raise ActionStatusRejected([UploadProblem(None, None, None, t("loaders.file.too_large_short"))])
    by = user_name or os.environ.get("USER") or "cli"
    try:
        with writing("action-status", target=Path(file_name).name, params={"import": True},
                     path=db_path(db), user_name=by) as load:
            actions, resolver = _reference(load.con)
            entries = parse_import(data, file_name, actions, resolver, default_by=by, owners=owners_by_action(load.con))
            existing = {
                tuple(r) for r in load.con.execute(
                    "SELECT action_id, municipality_code, status, status_date, note, recorded_by,"
                    " date_trunc('second', recorded_at), is_demo FROM action_status").fetchall()
            }
            new = []
            for entry in entries:  # also drops rows repeated within the file
                if entry.row() not in existing:
                    existing.add(entry.row())
                    new.append(entry)
            if not new:
                raise _NothingNew()
            load.rows = _insert(load.con, new)
    except _NothingNew:
        return 0
    return load.rows


def status_history(con) -> pd.DataFrame:
    """Every entry, newest first, with municipality names."""
    return con.execute(
        """
        SELECT s.entry_id, s.action_id AS toimenpide,
               coalesce(k.name_fi, h.name_fi, CASE WHEN m.code IS NOT NULL THEN coalesce(l.name_fi, m.name_fi) END,
                        s.municipality_code) AS kunta,
               s.municipality_code AS kuntakoodi, s.status AS tila, s.status_date AS päivämäärä, s.note AS huomio,
               s.responsible AS vastuuhenkilö, s.timetable AS aikataulu,
               s.recorded_by AS kirjaaja, date_trunc('second', s.recorded_at) AS kirjattu, s.is_demo AS esimerkki
        FROM action_status s
        LEFT JOIN region k ON k.category = 'KUNTA' AND k.code = s.municipality_code
        LEFT JOIN region h ON h.category = 'HYVINVOINTIALUE' AND h.code = s.municipality_code
        LEFT JOIN region m ON m.category = 'MAAKUNTA' AND m.code = s.municipality_code
        LEFT JOIN (SELECT any_value(name_fi) AS name_fi FROM party WHERE kind = 'liitto') l ON TRUE
        ORDER BY s.recorded_at DESC, s.entry_id DESC
        """
    ).df()


def current_status(con) -> pd.DataFrame:
    """The newest entry per action and municipality."""
    return latest_per_action(status_history(con))


def latest_per_action(history: pd.DataFrame) -> pd.DataFrame:
    if history.empty:
        return history
    ordered = history.sort_values(["päivämäärä", "kirjattu", "entry_id"], ascending=False)
    return ordered.drop_duplicates(["toimenpide", "kuntakoodi"]).sort_values(["toimenpide", "kunta"]).reset_index(drop=True)


def _export_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in EXPORT_COLUMNS:
        if column not in out:
            out[column] = None
    out["esimerkki"] = out["esimerkki"].map(lambda v: "kyllä" if bool(v) else "ei")
    out["päivämäärä"] = pd.to_datetime(out["päivämäärä"]).dt.strftime("%Y-%m-%d")
    out["kirjattu"] = pd.to_datetime(out["kirjattu"]).dt.strftime("%Y-%m-%d %H:%M:%S")
    return out[EXPORT_COLUMNS]


def export_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for Excel: ';', UTF-8 with BOM; same columns the import reads; formula-like text neutralised."""
    return to_csv_bytes(_export_frame(frame), sep=";")


def export_xlsx_bytes(frame: pd.DataFrame) -> bytes:
    """XLSX with the CSV export's columns; every text cell a string cell (never a formula)."""
    return to_xlsx_bytes(_export_frame(frame), "tilat")


# ---------------------------------------------------------------- CLI


def _cmd_set(args) -> int:
    try:
        entry = record_status(args.action, args.municipality, args.status, args.date, args.note, by=args.by, db=args.db,
                              responsible=args.responsible, timetable=args.timetable)
    except UploadRejected as rejected:
        print(t("loaders.cli.status_not_recorded"), file=sys.stderr)
        for p in rejected.problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    print(t("loaders.cli.status_recorded", entry=entry))
    return 0


def _cmd_export(args) -> int:
    with connect_read(db_path(args.db)) as con:
        frame = current_status(con) if args.current else status_history(con)
    write_cli_output(export_csv_bytes(frame), args.out, t("loaders.cli.rows_written", rows=len(frame), out=args.out))
    return 0


def _cmd_import(args) -> int:
    added = load_file_from_cli(args.file, lambda data, name: import_status_bytes(data, name, db=args.db,
                                                                                  user_name=args.by))
    if not_loaded(added):
        return 1
    print(t("loaders.cli.statuses_imported", count=added) if added else t("loaders.cli.no_changes"))
    return 0


def add_cli(subparsers) -> None:
    p = subparsers.add_parser("action-status", help=t("cli.action_status.help"),
                              description=t("cli.action_status.description"))
    sub = p.add_subparsers(dest="action_command", required=True, metavar=t("cli.action_metavar"))
    s = sub.add_parser("set", help=t("cli.action_status.set_help"))
    s.add_argument("--action", required=True, help=t("cli.action_status.action_help"))
    s.add_argument("--municipality", "--party", required=True, help=t("cli.action_status.party_help"))
    s.add_argument("--status", required=True, help=t("cli.action_status.status_help"))
    s.add_argument("--date", help=t("cli.action_status.date_help"))
    s.add_argument("--note", help=t("cli.action_status.note_help"))
    s.add_argument("--responsible", help=t("cli.action_status.responsible_help"))
    s.add_argument("--timetable", help=t("cli.action_status.timetable_help"))
    s.add_argument("--by", help=t("cli.action_status.by_help"))
    s.add_argument("--db", help=t("cli.db_help"))
    s.set_defaults(func=_cmd_set)
    e = sub.add_parser("export", help=t("cli.action_status.export_help"))
    e.add_argument("--out", help=t("cli.out_help"))
    e.add_argument("--current", action="store_true", help=t("cli.action_status.current_help"))
    e.add_argument("--db", help=t("cli.db_help"))
    e.set_defaults(func=_cmd_export)
    i = sub.add_parser("import", help=t("cli.action_status.import_help"))
    i.add_argument("file")
    i.add_argument("--by", help=t("cli.action_status.import_by_help"))
    i.add_argument("--db", help=t("cli.db_help"))
    i.set_defaults(func=_cmd_import)
