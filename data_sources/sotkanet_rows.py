"""Sotkanet data rows (/json, /csv): parsed, checked and kept in a staging DuckDB until the load writes them.

Per indicator, in the load's worker threads (each with its own cursor of one `Stage`), `stage_rows` makes
two passes over the response, never turning a row into Python objects:

    read   once, by DuckDB, into an Arrow table of text and number columns (outside the GIL);
    check  one aggregate query finds every problem at once: text that is not a number, ids that are not
           integers, unknown genders, rows of another indicator, regions missing from /regions, the same
           region × year × gender twice. Only a response with a problem is numbered into a temp table and
           counted per check, to name the row, column and value of the first problem (SotkanetError);
           rows of retired regions whose every value is 0 or empty are no error, only a note;
    keep   the rows of our regions (table wanted_region), typed, appended to table `staged`.

The rows are read by DuckDB's read_json from the dump file itself, or from the body spooled to a temporary
file (an HTTP response), every field as text so that nothing is coerced before it is checked; a CSV goes
through parse_data_csv into the same two passes.

The load then streams `staged` into the observation table (`Stage.batches`). Why DuckDB and not the json
module + pandas: JSON parsing then ran under the GIL (four worker threads used one core) and every row
became Python objects held until the write — at 1× national scale (13 M rows) 4,4 GB peak and most of
the load's time. DuckDB parses outside the GIL, checks columns at once, and keeps the rows compressed
within `memory_limit` (spilling to a temporary folder beyond it).
"""
from __future__ import annotations

import contextlib
import io
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from common.i18n import Phrase
from data_sources.sotkanet import DATA_ROWS, GENDERS, SotkanetError, load_json, problem

CSV = Phrase("sotkanet.what.csv")

CSV_HEADER = ["indicator", "region", "year", "gender", "primary value", "absolute value"]
RAW_COLUMNS = ["indicator", "region", "year", "gender", "value", "abs_value"]
JSON_COLUMNS = {"indicator": "VARCHAR", "region": "VARCHAR", "year": "VARCHAR", "gender": "VARCHAR",
                "value": "VARCHAR", "absValue": "VARCHAR"}  # text: every value is checked in SQL, not coerced
# (column in raw_rows, its name in Sotkanet's responses and in messages, integer?)
NUMBERS = (("indicator", "indicator", True), ("region", "region", True), ("year", "year", True),
           ("value", "value", False), ("abs_value", "absValue", False))
REQUIRED = ("indicator", "region", "year", "gender")
MAX_EXACT = 2 ** 53  # larger "integers" are not exact in a JSON number


def parse_data_csv(body: bytes) -> pd.DataFrame:
    """/csv (';', header `indicator;region;year;gender;primary value;absolute value`) -> the raw text columns
    (decimal commas as points, empty as None); typed and checked like JSON rows (read_rows)."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise problem(CSV, "csv.not_utf8", byte=exc.start) from exc
    if not text.strip():
        raise problem(CSV, "csv.empty")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise problem(CSV, "csv.broken", error=str(exc)) from exc
    header = [c.strip() for c in frame.columns]
    if header != CSV_HEADER:
        raise problem(CSV, "csv.header", expected=";".join(CSV_HEADER), got=";".join(header))
    frame.columns = RAW_COLUMNS
    frame = frame.apply(lambda s: s.str.strip())
    for column in ("value", "abs_value"):
        frame[column] = frame[column].str.replace(",", ".", regex=False)
    return frame.astype(object).where(frame != "", None)


@contextlib.contextmanager
def _rows_source(cur: duckdb.DuckDBPyConnection, body: bytes, fmt: str, file: Path | None):
    """-> (FROM clause, parameters) of a response's rows as text columns RAW_COLUMNS, for this cursor."""
    if fmt == "csv":
        cur.register("raw_csv", parse_data_csv(body))
        try:
            yield "raw_csv", []
        finally:
            cur.unregister("raw_csv")
        return
    if not body.strip():
        load_json(body, DATA_ROWS)  # raises: the JSON ends before it begins
    with contextlib.ExitStack() as stack:
        if file is None:
            spool = stack.enter_context(tempfile.NamedTemporaryFile(prefix="sotkanet-", suffix=".json"))
            spool.write(body)
            spool.flush()
            file = Path(spool.name)
        yield ("(SELECT indicator, region, year, gender, value, absValue AS abs_value "
               "FROM read_json(?, format = 'array', columns = ?))"), [str(file), JSON_COLUMNS]


def _row_checks() -> list[tuple[str, str]]:
    """(name, condition of a bad row) in the order a problem is reported: the fields as they appear, then the
    whole-response checks. `absent:` counts the rows that have the field (absent when none has)."""
    checks = [(f"absent:{c}", f"{c} IS NOT NULL") for c in REQUIRED]
    for column, _, integer in NUMBERS:
        n = f"{column}_n"
        checks.append((f"nan:{column}", f"{column} IS NOT NULL AND {n} IS NULL"))
        if integer:
            checks.append((f"missing:{column}", f"{column} IS NULL"))
            checks.append((f"fraction:{column}", f"{n} IS NOT NULL AND (NOT isfinite({n}) OR {n} <> trunc({n}) "
                                                  f"OR abs({n}) > {MAX_EXACT})"))
        else:
            checks.append((f"infinite:{column}", f"{n} IS NOT NULL AND NOT isfinite({n})"))
    checks.append(("gender", f"gender IS NULL OR gender NOT IN ({', '.join(repr(g) for g in GENDERS)})"))
    checks.append(("unknown", "known_region.id IS NULL"))
    return checks


CHECKS = _row_checks()
COUNTS = ", ".join(f"count(*) FILTER (WHERE {cond})" for _, cond in CHECKS)
# A row with any problem (a field absent from every row leaves every row with a missing value): the one count
# the check pass needs; only a response with a problem pays for the count of each (planning ~20 filtered
# aggregates cost ~15 ms a response, 300 responses a load).
ANY_PROBLEM = " OR ".join(f"({cond})" for name, cond in CHECKS if not name.startswith("absent:"))
# The text columns and each number column once as DOUBLE (<column>_n; NULL where the text is not a number).
NUMBER_COLUMNS = ", ".join(RAW_COLUMNS + [f"TRY_CAST({c} AS DOUBLE) AS {c}_n" for c, _, _ in NUMBERS])


def stage_rows(cur: duckdb.DuckDBPyConnection, body: bytes, indicator_id: int, fmt: str = "json",
               file: Path | None = None, empty_message: str | None = None) -> "Staged":
    """Read, check and keep one response's rows (into table staged); nothing is kept when a check fails
    (SotkanetError naming the row, column and value).

    file: where the body already is on disk (a dump), so DuckDB reads it there instead of a spooled copy.
    empty_message: the reason when the response has no rows (a Phrase; default "tyhjä vastaus")."""
    what = CSV if fmt == "csv" else DATA_ROWS
    with _rows_source(cur, body, fmt, file) as (source, params):
        try:
            # Read once, as text and numbers, into Arrow (columnar, outside the GIL); both passes scan it.
            rows = cur.sql(f"SELECT {NUMBER_COLUMNS} FROM {source}", params=params).to_arrow_table()
        except duckdb.InvalidInputException as exc:
            raise _json_problem(body, exc) from exc
    cur.register("raw_rows", rows)
    try:
        # Every check in one pass; duplicates by the distinct hashes of region × year × gender (a collision only
        # sends the response to the exact check of _diagnose).
        total, distinct, low, high, bad = cur.execute(
            "SELECT count(*), count(DISTINCT hash(region_n, year_n, gender)), min(indicator_n), max(indicator_n), "
            f"count(*) FILTER (WHERE {ANY_PROBLEM}) FROM raw_rows "
            "LEFT JOIN known_region ON known_region.id = raw_rows.region_n").fetchall()[0]
        if not total:
            raise SotkanetError(empty_message or Phrase("sotkanet.rows.empty"))
        note = None
        if bad or distinct < total or not low == high == indicator_id:
            note = _diagnose(cur, what, indicator_id)
        kept = cur.execute("""
            INSERT INTO staged SELECT CAST(r.indicator_n AS INTEGER), w.category, w.code, CAST(r.year_n AS INTEGER),
                r.gender, r.value_n, r.abs_value_n
            FROM raw_rows r JOIN wanted_region w ON w.id = r.region_n""").fetchall()[0][0]
    finally:
        cur.unregister("raw_rows")
    return Staged(total, kept, note)


def _diagnose(cur, what: Phrase, indicator_id: int) -> Phrase | None:
    """The first problem of a response, counted per check and located by row number (numbered only on this
    path); a note when the only finding is rows of retired regions, which the keep pass leaves out."""
    cur.execute("CREATE OR REPLACE TEMP TABLE numbered_rows AS SELECT row_number() OVER () AS row, * FROM raw_rows")
    conditions = dict(CHECKS)
    bad = dict(zip(conditions, cur.execute(f"SELECT {COUNTS} FROM numbered_rows LEFT JOIN known_region ON "
                                           "known_region.id = numbered_rows.region_n").fetchall()[0]))

    def first(name: str, columns: str) -> tuple:
        return cur.execute(f"SELECT {columns} FROM numbered_rows LEFT JOIN known_region ON known_region.id = "
                           f"numbered_rows.region_n WHERE {conditions[name]} ORDER BY row LIMIT 1").fetchall()[0]

    for column in REQUIRED:
        if not bad[f"absent:{column}"]:
            raise problem(what, "rows.field_missing", field=repr(column))
    for column, label, integer in NUMBERS:
        if bad[f"nan:{column}"]:
            raw, region, year = first(f"nan:{column}", f"{column}, region, year")
            raise problem(what, "rows.not_a_number", field=label, value=repr(raw), region=region, year=year,
                          count=bad[f"nan:{column}"])
        if integer and bad[f"missing:{column}"]:
            raise problem(what, "rows.missing", field=label, row=first(f"missing:{column}", "row")[0])
        if integer and bad[f"fraction:{column}"]:
            raw, row = first(f"fraction:{column}", f"{column}, row")
            raise problem(what, "rows.not_an_integer", field=label, value=repr(raw), row=row)
        if not integer and bad[f"infinite:{column}"]:
            raw, region, year = first(f"infinite:{column}", f"{column}, region, year")
            raise problem(what, "rows.infinite", field=label, value=repr(raw), region=region, year=year)
    if bad["gender"]:
        raise problem(what, "rows.unknown_gender", value=repr(first("gender", "gender")[0]))
    other = cur.execute("SELECT CAST(indicator_n AS BIGINT) FROM numbered_rows WHERE indicator_n <> ? ORDER BY row "
                        "LIMIT 1", [indicator_id]).fetchall()
    if other:
        raise problem(None, "rows.other_indicator", other=other[0][0], asked=indicator_id)
    # fetchall, not fetchone: DuckDB counts a result not fetched to its end as unfinished work on the cursor
    dup = cur.execute("SELECT CAST(region_n AS BIGINT), CAST(year_n AS BIGINT), gender FROM numbered_rows QUALIFY "
                      "row_number() OVER (PARTITION BY region_n, year_n, gender ORDER BY row) = 2 "
                      "ORDER BY row LIMIT 1").fetchall()
    if dup:
        dup = dup[0]
        raise problem(None, "rows.duplicate", region=dup[0], year=dup[1], gender=dup[2])
    return _retired_regions(cur) if bad["unknown"] else None


def _retired_regions(cur: duckdb.DuckDBPyConnection) -> Phrase:
    """Rows of regions missing from /regions: a failure, except for retired regions (merged municipalities)
    whose every value is 0 or empty — e.g. ids 455, 456, 730 in the 2009 population CSV — which are noted
    and left out."""
    unknown = cur.execute("""
        SELECT CAST(region_n AS BIGINT), count(*),
               bool_and((value_n IS NULL OR value_n = 0) AND (abs_value_n IS NULL OR abs_value_n = 0))
        FROM numbered_rows WHERE region_n NOT IN (SELECT id FROM known_region) GROUP BY ALL ORDER BY 1""").fetchall()
    real = [r for r, _, empty in unknown if not empty]
    if real:
        shown = ", ".join(map(str, real[:8])) + (" …" if len(real) > 8 else "")
        rows = sum(n for _, n, empty in unknown if not empty)
        raise problem(None, "rows.unknown_regions", regions=shown, rows=rows)
    retired = [r for r, _, _ in unknown]
    return Phrase("sotkanet.rows.retired_regions", rows=sum(n for _, n, _ in unknown),
                  regions=", ".join(map(str, retired[:8])) + (" …" if len(retired) > 8 else ""))


def _json_problem(body: bytes, exc: Exception) -> SotkanetError:
    """What DuckDB could not read, in the words of the json module (line and column of a syntax error, a
    truncated body) or by the shape of the data; DuckDB's own reason when the json module accepts it."""
    data = load_json(body, DATA_ROWS)  # raises for broken JSON
    if not isinstance(data, list):
        return problem(DATA_ROWS, "json.expected_array")
    if not all(isinstance(r, dict) for r in data):
        return problem(DATA_ROWS, "rows.not_objects")
    reason = str(exc).split(":", 1)[-1].split("\n")[0].strip()
    return problem(DATA_ROWS, "rows.unreadable", reason=reason)


@dataclass(frozen=True)
class Staged:
    fetched_rows: int  # rows in the response
    kept_rows: int  # of them, rows of our regions
    note: Phrase | None  # stored in load_item beside the outcome


class Stage:
    """An in-memory DuckDB for one load's data rows: thread-safe through one cursor per indicator.

    memory_limit bounds what it holds; beyond it DuckDB spills to a temporary folder of its own (created
    only when needed, removed on close)."""

    def __init__(self, regions: pd.DataFrame, wanted: pd.DataFrame, *, memory_limit: str = "256MB"):
        spill = Path(tempfile.gettempdir()) / f"tilannekuva-stage-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.con = duckdb.connect(":memory:", config={"memory_limit": memory_limit, "temp_directory": str(spill)})
        self.con.execute("CREATE TABLE known_region (id BIGINT)")
        self.con.execute("CREATE TABLE wanted_region (id BIGINT, category TEXT, code TEXT)")
        self.con.execute("CREATE TABLE staged (indicator_id INTEGER, region_category TEXT, region_code TEXT, "
                         "year INTEGER, gender TEXT, value DOUBLE, abs_value DOUBLE)")
        self.con.register("regions_df", regions[["id"]].astype("int64"))
        self.con.register("wanted_df", wanted[["id", "category", "code"]].astype({"id": "int64", "category": str,
                                                                                   "code": str}))
        self.con.execute("INSERT INTO known_region SELECT id FROM regions_df")
        self.con.execute("INSERT INTO wanted_region SELECT id, category, code FROM wanted_df")
        self.con.unregister("regions_df")
        self.con.unregister("wanted_df")

    def add(self, body: bytes, indicator_id: int, fmt: str = "json", file: Path | None = None,
            empty_message: Phrase | None = None) -> Staged:
        """Read, check and keep one indicator's response (stage_rows) on a cursor of its own."""
        cur = self.con.cursor()
        try:
            return stage_rows(cur, body, indicator_id, fmt, file, empty_message)
        finally:
            cur.close()

    def batches(self, indicator_ids: list[int], rows_per_batch: int = 200_000):
        """The kept rows of these indicators as an Arrow record batch stream (for the load's INSERT … SELECT)."""
        return self.con.sql("SELECT * FROM staged WHERE list_contains(?, indicator_id)",
                            params=[list(indicator_ids)]).to_arrow_reader(rows_per_batch)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Stage":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
