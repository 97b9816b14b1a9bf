"""The warehouse: one DuckDB file holds the whole state.

Writes never touch the live file. A load copies it to a temporary file next to it, writes
there, and swaps it in with an atomic rename. So:
- readers (the app) never get a lock error and never see a half-done load: they open the
  file read-only through ATTACH, which pins the inode they opened, and reopen when
  `database_version()` changes;
- a load that fails, or is killed, leaves the live file exactly as it was; its temporary
  file and its in-flight marker tell the next load (and `status`) that it did not finish.

Long because the schema's migrations (DDL) live here with the one way to write; the code around them is short.
"""
from __future__ import annotations

import contextlib
import fcntl
import glob
import json
import os
import shutil
import stat
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import duckdb

from common.clock import db_timestamp, iso_utc
from common.i18n import Phrase, phrase_record
from store import derived
from store.config import db_path

SCHEMA_VERSION = 10
MESSAGE_LIMIT = 4000  # characters of a load's message kept in the log
# What one load's DuckDB may hold in memory before it spills to disk: without it DuckDB takes 80 % of the
# machine's RAM, and a 1× national load peaked at 0,9–1,5 GB on a 24 GB machine (issue 17: ≤ 1 GB).
LOAD_MEMORY_LIMIT = os.environ.get("TILANNEKUVA_LOAD_MEMORY", "512MB")

REGION_CATEGORIES = ("KUNTA", "PALVELUALUE", "TYP_ALUE", "HYVINVOINTIALUE", "MAAKUNTA", "MAA")
DIRECTIONS = ("higher_better", "lower_better", "neutral")
METRIC_KINDS = ("yes_no", "trend", "experience", "other")


class WarehouseError(RuntimeError):
    """A clear, user-facing problem with the database file."""


# Each entry migrates from version (index) to version (index + 1). Never edit a released step:
# add a new one, so an existing database file is upgraded in place instead of rebuilt.
MIGRATIONS: list[str] = [
    # 0 -> 1: the initial schema
    """
    CREATE TABLE IF NOT EXISTS region (
        category TEXT NOT NULL, code TEXT NOT NULL, name_fi TEXT NOT NULL, name_sv TEXT,
        sotkanet_id INTEGER, PRIMARY KEY (category, code));
    CREATE TABLE IF NOT EXISTS region_member (
        group_category TEXT NOT NULL, group_code TEXT NOT NULL, member_code TEXT NOT NULL,
        status TEXT NOT NULL, source TEXT, PRIMARY KEY (group_category, group_code, member_code));
    CREATE TABLE IF NOT EXISTS indicator (
        id INTEGER PRIMARY KEY, source TEXT NOT NULL DEFAULT 'sotkanet',
        title_fi TEXT NOT NULL, title_sv TEXT, title_en TEXT, unit TEXT, decimals INTEGER,
        scale DOUBLE, direction TEXT NOT NULL, direction_reason TEXT, theme TEXT,
        organisation TEXT, data_updated DATE, range_start INTEGER, range_end INTEGER,
        description_fi TEXT, interpretation_fi TEXT, limits_fi TEXT, metadata_url TEXT,
        licence TEXT, in_catalogue BOOLEAN NOT NULL DEFAULT TRUE, notes TEXT);
    CREATE TABLE IF NOT EXISTS indicator_goal (
        indicator_id INTEGER NOT NULL, goal_id INTEGER NOT NULL, PRIMARY KEY (indicator_id, goal_id));
    CREATE TABLE IF NOT EXISTS observation (
        indicator_id INTEGER NOT NULL, region_category TEXT NOT NULL, region_code TEXT NOT NULL,
        year INTEGER NOT NULL, gender TEXT NOT NULL, value DOUBLE, abs_value DOUBLE,
        is_demo BOOLEAN NOT NULL, load_id INTEGER,
        PRIMARY KEY (indicator_id, region_category, region_code, year, gender));
    CREATE TABLE IF NOT EXISTS derived_observation (
        indicator_id INTEGER NOT NULL, region_category TEXT NOT NULL, region_code TEXT NOT NULL,
        year INTEGER NOT NULL, gender TEXT NOT NULL, value DOUBLE, abs_value DOUBLE,
        is_demo BOOLEAN NOT NULL, is_estimate BOOLEAN NOT NULL, is_incomplete BOOLEAN NOT NULL,
        members_total INTEGER, members_with_value INTEGER,
        PRIMARY KEY (indicator_id, region_category, region_code, year, gender));
    CREATE TABLE IF NOT EXISTS goal (goal_id INTEGER PRIMARY KEY, title_fi TEXT NOT NULL, short_fi TEXT);
    CREATE TABLE IF NOT EXISTS level (level_id TEXT PRIMARY KEY, sort INTEGER, title_fi TEXT NOT NULL, short_fi TEXT);
    CREATE TABLE IF NOT EXISTS action (
        action_id TEXT PRIMARY KEY, goal_id INTEGER NOT NULL, level_id TEXT NOT NULL, seq INTEGER,
        text_fi TEXT NOT NULL, responsible_fi TEXT);
    CREATE TABLE IF NOT EXISTS metric (
        metric_id TEXT PRIMARY KEY, action_id TEXT NOT NULL, seq INTEGER, text_fi TEXT NOT NULL,
        kind TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS metric_indicator (
        metric_id TEXT NOT NULL, indicator_id INTEGER NOT NULL, PRIMARY KEY (metric_id, indicator_id));
    CREATE TABLE IF NOT EXISTS survey_question (
        question_id TEXT PRIMARY KEY, text_fi TEXT NOT NULL, type TEXT NOT NULL, metric_id TEXT,
        respondent TEXT NOT NULL, sort INTEGER);
    CREATE TABLE IF NOT EXISTS survey_file (
        load_id INTEGER PRIMARY KEY, year INTEGER NOT NULL, file_name TEXT, checksum TEXT NOT NULL,
        loaded_at TIMESTAMP NOT NULL, is_demo BOOLEAN NOT NULL);
    CREATE TABLE IF NOT EXISTS survey_response (
        load_id INTEGER NOT NULL, row_number INTEGER NOT NULL, year INTEGER NOT NULL,
        municipality_code TEXT, respondent_role TEXT, submitted_at TEXT, is_demo BOOLEAN NOT NULL,
        active BOOLEAN NOT NULL, PRIMARY KEY (load_id, row_number));
    CREATE TABLE IF NOT EXISTS survey_answer (
        load_id INTEGER NOT NULL, row_number INTEGER NOT NULL, question_id TEXT NOT NULL, answer TEXT,
        PRIMARY KEY (load_id, row_number, question_id));
    CREATE SEQUENCE IF NOT EXISTS action_status_seq;
    CREATE TABLE IF NOT EXISTS action_status (
        entry_id INTEGER PRIMARY KEY DEFAULT nextval('action_status_seq'), action_id TEXT NOT NULL,
        municipality_code TEXT NOT NULL, status TEXT NOT NULL, status_date DATE NOT NULL, note TEXT,
        recorded_by TEXT NOT NULL, recorded_at TIMESTAMP NOT NULL, is_demo BOOLEAN NOT NULL DEFAULT FALSE);
    CREATE TABLE IF NOT EXISTS geometry (
        municipality_code TEXT PRIMARY KEY, name_fi TEXT, geojson TEXT NOT NULL, load_id INTEGER);
    CREATE TABLE IF NOT EXISTS load_log (
        load_id INTEGER PRIMARY KEY, source TEXT NOT NULL, target TEXT, params TEXT, checksum TEXT,
        rows INTEGER, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP, status TEXT NOT NULL,
        message TEXT, licence TEXT, is_demo BOOLEAN NOT NULL DEFAULT FALSE, user_name TEXT);
    CREATE TABLE IF NOT EXISTS load_item (
        load_id INTEGER NOT NULL, item TEXT NOT NULL, status TEXT NOT NULL, rows INTEGER,
        data_updated TEXT, checksum TEXT, message TEXT, PRIMARY KEY (load_id, item));
    CREATE TABLE IF NOT EXISTS snapshot (
        snapshot_id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_at TIMESTAMP NOT NULL, payload TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);

    CREATE OR REPLACE VIEW indicator_values AS
    WITH all_rows AS (
        SELECT indicator_id, region_category, region_code, year, gender, value, abs_value, is_demo
        FROM observation
        UNION ALL
        SELECT indicator_id, region_category, region_code, year, gender, value, abs_value, is_demo
        FROM derived_observation)
    SELECT CAST(o.indicator_id AS INTEGER) AS indicator_id, CAST(i.title_fi AS TEXT) AS indicator_title,
           CAST(o.region_code AS TEXT) AS region_code, CAST(r.name_fi AS TEXT) AS region_name,
           CAST(o.region_category AS TEXT) AS region_category, CAST(o.year AS INTEGER) AS year,
           CAST(o.gender AS TEXT) AS gender, CAST(o.value AS DOUBLE) AS value,
           CAST(o.abs_value AS DOUBLE) AS abs_value, CAST(o.is_demo AS BOOLEAN) AS is_demo
    FROM all_rows o
    JOIN indicator i ON i.id = o.indicator_id
    JOIN region r ON r.category = o.region_category AND r.code = o.region_code;

    CREATE OR REPLACE VIEW survey_answers AS
    SELECT CAST(s.year AS INTEGER) AS year, CAST(s.municipality_code AS TEXT) AS municipality_code,
           CAST(s.respondent_role AS TEXT) AS respondent_role, CAST(a.question_id AS TEXT) AS question_id,
           CAST(a.answer AS TEXT) AS answer, CAST(s.is_demo AS BOOLEAN) AS is_demo
    FROM survey_response s
    JOIN survey_answer a ON a.load_id = s.load_id AND a.row_number = s.row_number
    WHERE s.active;
    """,
    # 1 -> 2: which municipalities are the deployment's own (municipalities.csv), as opposed to the rest of
    # Finland that `sotkanet --regions all` adds for national comparison.
    """
    ALTER TABLE region ADD COLUMN IF NOT EXISTS is_own BOOLEAN DEFAULT FALSE;
    UPDATE region SET is_own = TRUE
    WHERE category = 'KUNTA' AND code IN (SELECT member_code FROM region_member WHERE group_category = 'PALVELUALUE');
    CREATE OR REPLACE VIEW own_municipality AS
    SELECT code, name_fi, name_sv, sotkanet_id FROM region WHERE category = 'KUNTA' AND is_own;
    """,
    # 2 -> 3: the whole plan followed up (owners, metrics of several actions, status records of any party)
    "SELECT 1;",
    # 3 -> 4: the forum's year (meetings, their decisions, change digests)
    "SELECT 1;",
    # 4 -> 5: the forum's year as data (issue 14). Step 3 -> 4 stays a no-op: databases already at
    # version 4 would never run it. Meetings (region folder or admin), what each party delivers before a
    # kind of meeting, decisions linked to plan actions, each meeting's baseline snapshot, and each load's
    # changes against the previous load (load_picture keeps the last load's picture to diff against).
    """
    CREATE TABLE IF NOT EXISTS meeting (
        meeting_id TEXT PRIMARY KEY, kind TEXT NOT NULL, meeting_date DATE NOT NULL, end_date DATE,
        title_fi TEXT NOT NULL, area_code TEXT, parties_fi TEXT, basis_fi TEXT, date_status TEXT NOT NULL,
        origin TEXT NOT NULL, recorded_by TEXT, recorded_at TIMESTAMP, is_demo BOOLEAN NOT NULL DEFAULT FALSE);
    CREATE TABLE IF NOT EXISTS deliverable (
        kind TEXT NOT NULL, seq INTEGER NOT NULL, party_fi TEXT NOT NULL, text_fi TEXT NOT NULL, check_kind TEXT,
        basis_fi TEXT, PRIMARY KEY (kind, seq));
    CREATE SEQUENCE IF NOT EXISTS meeting_decision_seq;
    CREATE TABLE IF NOT EXISTS meeting_decision (
        decision_id INTEGER PRIMARY KEY DEFAULT nextval('meeting_decision_seq'), meeting_id TEXT NOT NULL,
        kind TEXT NOT NULL, text_fi TEXT NOT NULL, action_id TEXT, responsible_fi TEXT, due_date DATE,
        recorded_by TEXT NOT NULL, recorded_at TIMESTAMP NOT NULL, is_demo BOOLEAN NOT NULL DEFAULT FALSE);
    CREATE TABLE IF NOT EXISTS meeting_snapshot (
        meeting_id TEXT PRIMARY KEY, snapshot_id INTEGER NOT NULL, taken_at TIMESTAMP NOT NULL, reason TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS load_picture (load_id INTEGER PRIMARY KEY, payload TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS load_change (
        load_id INTEGER NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, region_key TEXT, subject TEXT NOT NULL,
        before TEXT, after TEXT, PRIMARY KEY (load_id, seq));
    """,
    # 5 -> 6: the whole plan followed up (issue 12; the reserved step 2 -> 3 stays a no-op). Who answers for
    # each action (party, action_owner), metrics of several actions (metric_action) and where each metric's
    # data comes from (metric_source); a status record's responsible person and timetable; own metrics
    # uploaded as files by the parties, with provenance.
    """
    CREATE TABLE IF NOT EXISTS party (
        party_id TEXT PRIMARY KEY, kind TEXT NOT NULL, name_fi TEXT NOT NULL, short_fi TEXT, members TEXT,
        member_status TEXT, note_fi TEXT, sort INTEGER);
    CREATE TABLE IF NOT EXISTS action_owner (
        action_id TEXT NOT NULL, party_id TEXT NOT NULL, seq INTEGER, PRIMARY KEY (action_id, party_id));
    CREATE TABLE IF NOT EXISTS metric_action (
        metric_id TEXT NOT NULL, action_id TEXT NOT NULL, PRIMARY KEY (metric_id, action_id));
    CREATE TABLE IF NOT EXISTS metric_source (
        metric_id TEXT PRIMARY KEY, own_unit TEXT, reported_by TEXT, indicator_reason TEXT);
    INSERT INTO metric_action SELECT metric_id, action_id FROM metric ON CONFLICT DO NOTHING;
    ALTER TABLE action_status ADD COLUMN IF NOT EXISTS responsible TEXT;
    ALTER TABLE action_status ADD COLUMN IF NOT EXISTS timetable TEXT;
    CREATE TABLE IF NOT EXISTS own_metric_file (
        load_id INTEGER PRIMARY KEY, file_name TEXT, checksum TEXT NOT NULL, uploaded_by TEXT NOT NULL,
        uploaded_at TIMESTAMP NOT NULL, rows INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS own_metric_value (
        load_id INTEGER NOT NULL, metric_id TEXT NOT NULL, party_code TEXT NOT NULL, year INTEGER NOT NULL,
        value DOUBLE NOT NULL, PRIMARY KEY (load_id, metric_id, party_code, year));
    """,
    # 6 -> 7: an area rollup is demo when any input is (issue 16): demo_weights says its population
    # weights were demo even where the members' values are real.
    """
    ALTER TABLE derived_observation ADD COLUMN IF NOT EXISTS demo_weights BOOLEAN DEFAULT FALSE;
    """,
    # 7 -> 8: Sotkanet's own Swedish metadata beside the Finnish (the API gives fi/sv/en), for readers in
    # Swedish (issue 16).
    """
    ALTER TABLE indicator ADD COLUMN IF NOT EXISTS description_sv TEXT;
    ALTER TABLE indicator ADD COLUMN IF NOT EXISTS interpretation_sv TEXT;
    ALTER TABLE indicator ADD COLUMN IF NOT EXISTS limits_sv TEXT;
    """,
    # 8 -> 9: a load's message and licence keep their string keys and values beside the Finnish text
    # (common.i18n.phrase_record), so the load log reads in the reader's language (issue 16).
    """
    ALTER TABLE load_log ADD COLUMN IF NOT EXISTS message_phrase TEXT;
    ALTER TABLE load_log ADD COLUMN IF NOT EXISTS licence_phrase TEXT;
    ALTER TABLE load_item ADD COLUMN IF NOT EXISTS message_phrase TEXT;
    """,
    # 9 -> 10: observation without its primary key (issue 17). Measured on 9,8 M rows (1× national scale):
    # inserting them took 24 s and 1,8 GB with the key's index, 3,4 s and 0,2 GB without, and the file
    # shrank from 958 to 155 MB. One row per (indicator_id, region_category, region_code, year, gender) still
    # holds: every writer replaces whole series of checked rows (data_sources/sotkanet_rows.py rejects a
    # response with the same region, year and gender twice; the demo builds each key once).
    # DuckDB cannot drop a primary key in place, so the table is rebuilt.
    """
    CREATE TABLE observation_rebuilt (
        indicator_id INTEGER NOT NULL, region_category TEXT NOT NULL, region_code TEXT NOT NULL,
        year INTEGER NOT NULL, gender TEXT NOT NULL, value DOUBLE, abs_value DOUBLE,
        is_demo BOOLEAN NOT NULL, load_id INTEGER);
    INSERT INTO observation_rebuilt SELECT indicator_id, region_category, region_code, year, gender, value, abs_value,
        is_demo, load_id FROM observation;
    DROP TABLE observation;
    ALTER TABLE observation_rebuilt RENAME TO observation;
    """,
]


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchone()[0]
    if not has_meta:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def region_problem(con: duckdb.DuckDBPyConnection, region_id: str) -> str | None:
    """Why this database does not serve region `region_id` (the folder's id), or None. A database records the
    region that built it (meta 'region'); one from before that record is taken as it is."""
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'region'").fetchone()
    except duckdb.Error:
        return None
    if row is None or row[0] == region_id:
        return None
    return (f"Tietokanta on rakennettu alueelle '{row[0]}', mutta nyt on valittu alue '{region_id}' "
            f"(TILANNEKUVA_REGION tai --region). Rakenna alueen oma tietokanta: python -m data_sources demo "
            f"--region {region_id} --db TIEDOSTO, tai valitse alue, jolle tietokanta on rakennettu.")


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring a database up to SCHEMA_VERSION, one recorded step at a time."""
    current = schema_version(con)
    if current > SCHEMA_VERSION:
        raise WarehouseError(
            f"Tietokannan skeemaversio {current} on uudempi kuin ohjelman ({SCHEMA_VERSION}); päivitä ohjelma."
        )
    for version in range(current, SCHEMA_VERSION):
        con.execute(MIGRATIONS[version])
        con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version + 1)]
        )
    return SCHEMA_VERSION


# ---------------------------------------------------------------- reading


def database_version(path: Path | None = None) -> str:
    """Changes whenever a load swaps in a new file; used as the cache key of every page query."""
    path = path or db_path()
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "missing"
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


def _require_regular(path: Path, *, unusable_path_is_error: bool = True) -> bool:
    """Whether the database file exists; WarehouseError when the path is something other than a regular
    file (a FIFO would block the open forever, /dev/zero would be copied until the disk is full).
    unusable_path_is_error=False: a path that cannot be looked at (ENAMETOOLONG, ENOTDIR) counts as
    missing, for the caller to report its own way."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return False
    except OSError as exc:  # issue 7 fix (tests/test_hostile.py): e.g. a 10 kB --db is ENAMETOOLONG
        if not unusable_path_is_error:
            return False
        raise WarehouseError(f"Tietokannan polku ei kelpaa: {exc.strerror}") from exc
    if not stat.S_ISREG(info.st_mode):
        kind = "kansio" if stat.S_ISDIR(info.st_mode) else "nimetty putki (FIFO)" if stat.S_ISFIFO(info.st_mode) \
            else "laite" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else "erikoistiedosto"
        raise WarehouseError(f"Tietokannan polku {path} ei ole tavallinen tiedosto vaan {kind}; anna DuckDB-tiedoston polku.")
    return True


def connect_read(path: Path | None = None, *, require_current_schema: bool = True) -> duckdb.DuckDBPyConnection:
    """A read-only view of the current file.

    ATTACH into a private in-memory connection (not duckdb.connect(path)) because DuckDB
    caches database instances by path within a process: after a swap, connect(path) would
    keep serving the old file.
    """
    path = path or db_path()
    exists = _require_regular(path)
    if not exists:
        raise WarehouseError(
            f"Tietokantaa ei ole: {path}. Rakenna se: python -m data_sources demo --db {path}"
        )
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS wh (READ_ONLY)", [str(path)])
    except duckdb.Error as exc:  # issue 7 fix (tests/test_hostile.py): not a DuckDB file, a folder, unreadable
        con.close()
        raise WarehouseError(f"Tiedostoa {path} ei voi avata tietokantana: {exc}") from exc
    con.execute("USE wh")
    version = schema_version(con)
    if require_current_schema and version != SCHEMA_VERSION:
        con.close()
        raise WarehouseError(
            f"Tietokannan {path} skeemaversio on {version}, ohjelma odottaa {SCHEMA_VERSION}. "
            "Aja mikä tahansa latauskomento (esim. python -m data_sources status --migrate) päivittääksesi sen."
        )
    return con


# ---------------------------------------------------------------- writing


def localize(cur: duckdb.DuckDBPyConnection, language: str, units: dict[str, str]) -> None:
    """Names in `language` for everything read through this cursor of a read connection: temporary views
    `region`, `indicator` (and the views built on them) shadow the stored tables, with the language's name,
    title, unit and Sotkanet texts in the columns the readers know (name_fi, title_fi, unit, description_fi
    …), Finnish where the language has none. Finnish needs nothing: the stored columns are Finnish. Why
    views and not a column per language in every query: the ~120 queries and the stored page data keep one
    shape, and a reader in Swedish cannot get a Finnish name by a query that forgot the language."""
    if language == "fi":
        return
    if language != "sv":
        raise ValueError(f"tuntematon kieli: {language}")
    cur.execute("CREATE OR REPLACE TEMP TABLE unit_name (fi TEXT PRIMARY KEY, translated TEXT)")
    if units:
        cur.executemany("INSERT INTO unit_name VALUES (?, ?)", list(units.items()))
    cur.execute("""
        CREATE OR REPLACE TEMP VIEW region AS
        SELECT r.* REPLACE (coalesce(nullif(r.name_sv, ''), r.name_fi) AS name_fi) FROM wh.main.region r""")
    cur.execute("""
        CREATE OR REPLACE TEMP VIEW indicator AS
        SELECT i.* REPLACE (coalesce(nullif(i.title_sv, ''), i.title_fi) AS title_fi,
                            coalesce(u.translated, i.unit) AS unit,
                            coalesce(nullif(i.description_sv, ''), i.description_fi) AS description_fi,
                            coalesce(nullif(i.interpretation_sv, ''), i.interpretation_fi) AS interpretation_fi,
                            coalesce(nullif(i.limits_sv, ''), i.limits_fi) AS limits_fi)
        FROM wh.main.indicator i LEFT JOIN unit_name u ON u.fi = i.unit""")
    cur.execute("""
        CREATE OR REPLACE TEMP VIEW own_municipality AS
        SELECT code, name_fi, name_sv, sotkanet_id FROM region WHERE category = 'KUNTA' AND is_own""")
    cur.execute("""
        CREATE OR REPLACE TEMP VIEW indicator_values AS
        SELECT v.* REPLACE (i.title_fi AS indicator_title, r.name_fi AS region_name)
        FROM wh.main.indicator_values v
        JOIN indicator i ON i.id = v.indicator_id
        JOIN region r ON r.category = v.region_category AND r.code = v.region_code""")


def _inflight_path(path: Path) -> Path:
    return path.with_name(path.name + ".inflight")


def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@dataclass
class Load:
    """An open write: `con` is a connection to the temporary copy; commit happens on exit."""

    con: duckdb.DuckDBPyConnection
    load_id: int
    path: Path
    rows: int = 0
    status: str = "ok"
    message: str = ""
    checksum: str | None = None
    extra_params: dict = field(default_factory=dict)

    def log_items(self, items: list[dict]) -> None:
        """One line per indicator / file of a load: what happened to it and why. Each item: item, status and
        optionally rows, data_updated, checksum, message. A few statements for all (300 single-row INSERTs
        took a 1× Sotkanet load 1,4 s)."""
        columns = ("item", "status", "rows", "data_updated", "checksum", "message")
        for start in range(0, len(items), 200):
            part = items[start:start + 200]
            self.con.execute(
                "INSERT OR REPLACE INTO load_item (load_id, item, status, rows, data_updated, checksum, message,"
                " message_phrase) VALUES " + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?)"] * len(part)),
                [v for i in part for v in (self.load_id, *(i.get(c) for c in columns),
                                           phrase_record(i.get("message")))],
            )


def _record_interrupted(con: duckdb.DuckDBPyConnection, info: dict) -> None:
    """A previous load was killed before its swap: say so in the load log."""
    load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_log").fetchone()[0]
    interrupted = Phrase("load_log.interrupted")
    con.execute(
        "INSERT INTO load_log (load_id, source, target, params, started_at, finished_at, status, message,"
        " message_phrase, is_demo) VALUES (?, ?, ?, ?, ?, ?, 'interrupted', ?, ?, ?)",
        [
            load_id,
            info.get("source", "?"),
            info.get("target"),
            json.dumps(info.get("params", {}), ensure_ascii=False),
            info.get("started_at", iso_utc()),
            db_timestamp(),
            interrupted,
            phrase_record(interrupted),
            bool(info.get("is_demo", False)),
        ],
    )


def _completed(con: duckdb.DuckDBPyConnection, marker: dict) -> bool:
    """Whether the load a marker names is in the load log: its transaction committed and its file was swapped in."""
    load_id = marker.get("load_id")
    if not isinstance(load_id, int):
        return False
    return con.execute("SELECT count(*) FROM load_log WHERE load_id = ? AND source = ? AND status <> 'interrupted'",
                       [load_id, marker.get("source")]).fetchone()[0] > 0


def interrupted_load(path: Path | None = None) -> dict | None:
    """The in-flight marker of a load that is running or was killed, if any."""
    marker = _inflight_path(path or db_path())
    if not marker.exists():
        return None
    try:
        return json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"source": "?"}


@contextlib.contextmanager
def writing(
    source: str,
    *,
    target: str | None = None,
    params: dict | None = None,
    licence: str | None = None,
    is_demo: bool = False,
    path: Path | None = None,
    user_name: str | None = None,
    lock_timeout_s: float = 600.0,
    derive: "list[derived.DerivedStep] | None" = None,
) -> Iterator[Load]:
    """Open a load: a transaction over a copy of the database that is swapped in on success.

    derive: the steps to run after the loader has written (default: every registered step).

    Raises WarehouseError with a clear message when the path is unwritable or the disk is full;
    the live file is untouched in every failure.
    """
    path = path or db_path()
    _require_regular(path, unusable_path_is_error=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock_file = open(_lock_path(path), "a+")
    except OSError as exc:
        raise WarehouseError(f"Tietokannan kansioon ei voi kirjoittaa: {path.parent} ({exc.strerror})") from exc
    with lock_file:
        _acquire(lock_file, lock_timeout_s, path)
        marker = _inflight_path(path)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        previous_marker = interrupted_load(path)
        _remove_stale_temporaries(path)
        try:
            _require_regular(path)  # again under the lock: the path may have been replaced meanwhile
            if path.exists():
                shutil.copy2(path, tmp)
            in_flight = {"source": source, "target": target, "params": params or {},
                         "started_at": iso_utc(), "is_demo": is_demo, "pid": os.getpid()}
            marker.write_text(json.dumps(in_flight, ensure_ascii=False), encoding="utf-8")
        except OSError as exc:
            _remove_temporary(tmp)
            raise WarehouseError(
                f"Latausta ei voitu aloittaa: {exc.strerror} ({exc.filename}). Tietokanta on ennallaan."
            ) from exc
        try:
            con = duckdb.connect(str(tmp), config={"memory_limit": LOAD_MEMORY_LIMIT})
        except duckdb.Error as exc:
            # Issue 7 fix (tests/test_hostile.py): the live file is not a DuckDB database. Clean up like
            # any failed load (no temporary file, no in-flight marker) instead of a traceback.
            _remove_temporary(tmp)
            marker.unlink(missing_ok=True)
            if previous_marker:
                with contextlib.suppress(OSError):
                    marker.write_text(json.dumps(previous_marker, ensure_ascii=False), encoding="utf-8")
            raise WarehouseError(f"Tiedostoa {path} ei voi avata tietokantana: {exc}. Tiedosto on ennallaan.") from exc
        try:
            migrate(con)
            if previous_marker and _completed(con, previous_marker):
                previous_marker = None  # killed after its swap, before it removed its marker: it did finish
            if previous_marker:
                _record_interrupted(con, previous_marker)
            load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_log").fetchone()[0]
            # the marker names its load, so a kill after the swap is not later reported as an interruption
            marker.write_text(json.dumps({**in_flight, "load_id": load_id}, ensure_ascii=False), encoding="utf-8")
            started = db_timestamp()
            load = Load(con=con, load_id=load_id, path=path)
            con.execute("BEGIN TRANSACTION")
            # What the layers above derive from the data (store/derived.py) is recomputed in the same
            # transaction, so it always belongs to the data beside it.
            steps = derived.registered() if derive is None else list(derive)
            derived.invalidate_all(con)
            yield load
            for step in steps:
                step.refresh(con)
            all_params = {**(params or {}), **load.extra_params}
            con.execute(
                "INSERT INTO load_log (load_id, source, target, params, checksum, rows, started_at,"
                " finished_at, status, message, licence, is_demo, user_name, message_phrase, licence_phrase)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [load_id, source, target, json.dumps(all_params, ensure_ascii=False), load.checksum,
                 load.rows, started, db_timestamp(), load.status, str(load.message)[:MESSAGE_LIMIT], licence,
                 is_demo, user_name or os.environ.get("USER") or "cli", phrase_record(load.message),
                 phrase_record(licence)],
            )
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
            con.close()
            _fsync(tmp)
            os.replace(tmp, path)
            _fsync_dir(path.parent)
            marker.unlink(missing_ok=True)
        except BaseException as exc:
            with contextlib.suppress(Exception):
                con.close()
            _remove_temporary(tmp)
            # The marker is ours; a failed (not killed) load leaves the database as it was,
            # so there is nothing "interrupted" to report later.
            marker.unlink(missing_ok=True)
            # Issue 7 fix (tests/test_faults.py): the 'interrupted' row of an earlier killed load was
            # written only into the discarded copy, so put its marker back for the next load to record.
            if previous_marker:
                with contextlib.suppress(OSError):
                    marker.write_text(json.dumps(previous_marker, ensure_ascii=False), encoding="utf-8")
            if isinstance(exc, OSError):
                raise WarehouseError(
                    f"Lataus epäonnistui levyvirheeseen: {exc.strerror or exc}. Tietokanta on ennallaan."
                ) from exc
            if isinstance(exc, duckdb.IOException):
                raise WarehouseError(f"Lataus epäonnistui: {exc}. Tietokanta on ennallaan.") from exc
            raise


def _remove_temporary(tmp: Path) -> None:
    """A load's temporary copy and every DuckDB sidecar of it (its .wal, its .tmp spill folder)."""
    for leftover in [tmp, *(Path(p) for p in glob.glob(glob.escape(str(tmp)) + ".*"))]:
        with contextlib.suppress(OSError):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)


def _remove_stale_temporaries(path: Path) -> None:
    """What killed loads left next to the database: `.NAME.<pid>.<id>.tmp` and its sidecars, including a
    sidecar whose .tmp is already gone (`.tmp.wal`). Called under the write lock, so none is in use."""
    pattern = glob.escape(str(path.parent / f".{path.name}.")) + "*.tmp"
    for stale in {*glob.glob(pattern), *glob.glob(pattern + ".*")}:
        stale = Path(stale)
        with contextlib.suppress(OSError):
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)


def _acquire(lock_file, timeout_s: float, path: Path) -> None:
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise WarehouseError(f"Toinen lataus on käynnissä tietokantaan {path}; yritä myöhemmin.")
            time.sleep(0.2)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        _fsync(path)


def table_checksum(con: duckdb.DuckDBPyConnection, table: str, where: str = "", params: list | None = None) -> str:
    """An order-independent fingerprint of a table (or a slice), for 'nothing changed' checks."""
    row = con.execute(
        f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM (SELECT * FROM {table} {where}) t", params or []
    ).fetchone()
    return f"{row[0]}:{row[1]}"
