"""Kompassikysely (the yearly compass survey): validate an export against the question catalogue and load it.

    python -m data_sources survey FILE [--year YYYY] [--db PATH]
    python -m data_sources survey --restore LOAD_ID
    python -m data_sources survey --list

Input is what survey tools and Excel really produce: CSV with `;`, `,` or tab, in UTF-8 (with
or without BOM), UTF-16 with BOM (Excel "Unicode text") or Windows-1252 / ISO-8859-15, or
XLSX. Encoding and delimiter are detected (BOM sniffing, charset-normalizer, csv.Sniffer with
a column-count check), never assumed.

One row per respondent. Metadata columns: municipality (required), respondent role and
timestamp (optional), year (optional). Every other column is a question, headed by its
question id or its full text (case and whitespace ignored). A few well-known tool columns
(ID, e-mail, name, start time) are ignored and never stored.

Rules that matter to users:
- A file with any problem is rejected whole; nothing is written. Every problem is listed with
  row (spreadsheet numbering: header = row 1), column and value.
- Blank answers are stored as NULL ("no answer"); they never count as "no".
- Stored answers: yes_no -> 'kyllä' | 'ei' | 'eos'; scale_1_5 -> '1'..'5' or '0' (en osaa
  sanoa); text -> the text.
- The wellbeing services county itself may answer (its name, "HVA" or an abbreviation listed in the
  region folder, in the municipality column): such a row is stored with municipality_code = the HVA's
  region code and respondent_role = 'hva' (the role text given in the
  file is not kept for those rows). Results count HVA rows separately from municipalities.
- Year: `--year` if given (a Vuosi column must then agree); else the file's Vuosi column (one
  year per file); else a single 20xx year in the file name; else the year shared by every
  timestamp. If none of these gives one year, the file is rejected with a request for --year.
- Loading the identical file again (same bytes, same year) changes nothing. A new file for a
  year replaces that year's answers for the municipalities in it (older rows stay in history,
  active = FALSE) and can be undone with --restore LOAD_ID. Loading an older identical file
  again restores it.

Long because it is one source's whole shape in one place: answer rules, parsing against the catalogue, the one-load write with history and restore, and its CLI.
"""
from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from common.clock import db_timestamp
from common.i18n import t
from data_sources import uploads
from data_sources.uploads import (
    MunicipalityResolver,
    ProblemList,
    UploadRejected,
    file_problem,
    fold,
    key,
    parse_timestamp,
    print_problems,
    read_table,
)
from store.config import db_path, region_config
from store.warehouse import connect_read, writing

MAX_TEXT_ANSWER = 5_000
HVA_ROLE = "hva"

# ---------------------------------------------------------------- answers

YES = {"kyllä", "kylla", "k", "joo", "yes", "y", "ja", "true", "x"}
NO = {"ei", "e", "no", "n", "nej", "false"}
DONT_KNOW = {"en osaa sanoa", "eos", "ei osaa sanoa", "en tiedä", "en tieda", "vet inte", "kan inte säga", "?"}

SCALE_WORDS = {
    "1": ("erittäin huonosti", "erittäin huono", "ei lainkaan", "erittäin epäselvä", "erittäin epäselvänä",
          "täysin eri mieltä", "erittäin heikosti"),
    "2": ("melko huonosti", "melko huono", "melko epäselvä", "melko epäselvänä", "jokseenkin eri mieltä",
          "melko heikosti"),
    "3": ("ei hyvin eikä huonosti", "ei hyvä eikä huono", "ei selkeä eikä epäselvä", "ei selkeänä eikä epäselvänä",
          "ei samaa eikä eri mieltä", "kohtalaisesti"),
    "4": ("melko hyvin", "melko hyvä", "melko selkeä", "melko selkeänä", "jokseenkin samaa mieltä"),
    "5": ("erittäin hyvin", "erittäin hyvä", "erittäin selkeä", "erittäin selkeänä", "täysin samaa mieltä"),
    "0": tuple(DONT_KNOW),
}
_SCALE_LOOKUP = {fold(w): v for v, words in SCALE_WORDS.items() for w in words}
_YES_NO_LOOKUP = {**{fold(w): "kyllä" for w in YES}, **{fold(w): "ei" for w in NO},
                  **{fold(w): "eos" for w in DONT_KNOW}}
_NUMBER = re.compile(r"^([0-9]+)(?:[.,]0+)?$")
_LEADING_DIGIT = re.compile(r"^([0-9])\s*(?:[=:\-–—)]|\s)\s*(.*)$")


def normalise_answer(qtype: str, raw: str) -> tuple[str | None, str | None, str | None]:
    """(stored answer or None for blank, problem message, suggestion)."""
    text = raw.strip()
    if text == "":
        return None, None, None
    if qtype == "yes_no":
        value = _YES_NO_LOOKUP.get(fold(text))
        if value is None:
            return None, t("loaders.survey.unknown_yes_no"), t("loaders.survey.yes_no_hint")
        return value, None, None
    if qtype == "scale_1_5":
        number = _NUMBER.match(text)
        if number:
            if int(number.group(1)) <= 5:
                return str(int(number.group(1))), None, None
            return None, t("loaders.survey.off_scale"), t("loaders.survey.scale_is")
        word = _SCALE_LOOKUP.get(fold(text))
        if word is not None:
            return word, None, None
        lead = _LEADING_DIGIT.match(text)
        if lead:
            digit, label = lead.group(1), lead.group(2).strip()
            if int(digit) > 5:
                return None, t("loaders.survey.off_scale"), t("loaders.survey.scale_is")
            from_label = _SCALE_LOOKUP.get(fold(label)) if label else None
            if from_label is not None and from_label != digit:
                return None, t("loaders.survey.digit_and_word_differ", digit=digit), None
            return digit, None, None
        return None, t("loaders.survey.unreadable_scale"), t("loaders.survey.scale_hint")
    if len(text) > MAX_TEXT_ANSWER:
        return None, t("loaders.survey.text_too_long", length=len(text), limit=MAX_TEXT_ANSWER), None
    return text, None, None


# ---------------------------------------------------------------- metadata columns

META_ALIASES = {
    "municipality": ("kunta", "kunta/organisaatio", "kunta / organisaatio", "organisaatio", "kunta tai hyvinvointialue",
                     "edustamasi kunta", "edustamanne kunta", "kuntanne", "municipality", "kommun"),
    "role": ("vastaajan rooli", "rooli", "vastaajaryhmä", "tehtävä", "asema", "role", "roll"),
    "timestamp": ("aikaleima", "timestamp", "vastausaika", "lähetetty", "lähetysaika", "vastattu", "completion time",
                  "valmistumisaika", "päivämäärä", "pvm"),
    "year": ("vuosi", "kyselyvuosi", "year", "år"),
}
IGNORED_COLUMNS = ("id", "vastaaja", "vastaajan id", "vastaajan tunniste", "respondent id", "start time", "aloitusaika",
                   "email", "e-mail", "sähköposti", "name", "nimi", "vastaajan nimi", "last modified time")
_META_LOOKUP = {fold(a): kind for kind, aliases in META_ALIASES.items() for a in aliases}
_IGNORED = {fold(a) for a in IGNORED_COLUMNS}

_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


# ---------------------------------------------------------------- parsing


@dataclass
class ParsedResponse:
    row: int
    municipality_code: str
    respondent_role: str | None
    submitted_at: str | None
    answers: dict[str, str | None]


@dataclass
class ParsedSurvey:
    file_name: str
    checksum: str
    year: int
    year_source: str
    question_ids: list[str]
    responses: list[ParsedResponse]
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def municipalities(self) -> list[str]:
        return sorted({r.municipality_code for r in self.responses})


def checksum_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_survey(
    data: bytes,
    file_name: str,
    questions: pd.DataFrame,
    municipalities: pd.DataFrame,
    year: int | None = None,
    *,
    hva_code: str | None = None,
    hva_names: tuple[str, ...] = (),
) -> ParsedSurvey:
    """Validate a survey export against the question catalogue and the municipalities (pure: no DB).

    Raises UploadRejected listing every problem."""
    table = read_table(data, file_name)
    problems = ProblemList()
    if questions is None or questions.empty:
        raise file_problem(t("loaders.survey.no_questions"), t("loaders.survey.no_questions_hint"))
    resolver = MunicipalityResolver(municipalities, hva_code, hva_names)

    q_types = {str(q.question_id): str(q.type) for q in questions.itertuples(index=False)}
    q_by_key: dict[str, str] = {}
    for q in questions.itertuples(index=False):
        q_by_key[key(q.question_id)] = str(q.question_id)
        q_by_key.setdefault(key(q.text_fi), str(q.question_id))

    options = {key(q): q for q in q_types} | {key(t): i for t, i in
                                              ((q.text_fi, q.question_id) for q in questions.itertuples(index=False))}
    # --- header
    meta: dict[str, int] = {}
    question_cols: list[tuple[int, str]] = []
    ignored: list[str] = []
    seen_questions: dict[str, str] = {}
    unknown_questions = False
    for idx, name in enumerate(table.header):
        if not name:
            problems.add(1, t("loaders.survey.column_number", number=idx + 1), None,
                         t("loaders.survey.column_without_heading"), t("loaders.survey.column_without_heading_hint"))
            continue
        kind = _META_LOOKUP.get(fold(name))
        if kind:
            if kind in meta:
                problems.add(1, name, None, t("loaders.survey.column_repeats", other=table.header[meta[kind]]))
            meta[kind] = idx
            continue
        if fold(name) in _IGNORED:
            ignored.append(name)
            continue
        qid = q_by_key.get(key(name))
        if qid is None:
            # difflib for the first uploads.MAX_SUGGESTIONS unknown columns only (issue 13, item 7)
            match = problems.close_match(key(name), options, cutoff=0.75)
            problems.add(1, name, None, t("loaders.survey.unknown_question_column"),
                         t("loaders.did_you_mean", match=options[match]) if match
                         else t("loaders.survey.question_heading_hint"))
            unknown_questions = True
            continue
        if qid in seen_questions:
            problems.add(1, name, None, t("loaders.survey.question_twice", question=qid, other=seen_questions[qid]))
            continue
        seen_questions[qid] = name
        question_cols.append((idx, qid))
    if "municipality" not in meta:
        problems.add(1, None, None, t("loaders.required_column", column="Kunta"),
                     t("loaders.survey.municipality_column_hint", column="Kunta"))
    if not question_cols and not unknown_questions:
        problems.add(1, None, None, t("loaders.survey.no_question_columns"))
    if not table.rows:
        problems.add(None, None, None, t("loaders.survey.no_answers"))
    if problems and ("municipality" not in meta or not question_cols):
        raise UploadRejected(problems.final())

    def cell(cells: list[str], idx: int) -> str:
        return cells[idx] if idx < len(cells) else ""

    width = len(table.header)
    # --- year
    year_values: dict[int, list[int]] = {}
    if "year" in meta:
        col = table.header[meta["year"]]
        for row_no, cells in table.rows:
            text = cell(cells, meta["year"])
            if text == "":
                continue
            m = _NUMBER.match(text)
            if not m or not 1990 <= int(m.group(1)) <= 2100:
                problems.add(row_no, col, text, t("loaders.survey.year_not_a_year"))
                continue
            year_values.setdefault(int(m.group(1)), []).append(row_no)
    year_source = ""
    year_problem = False
    if year is not None:
        year_source = "--year"
        for other, rows in year_values.items():
            if other != year:
                for row_no in rows:
                    problems.add(row_no, table.header[meta["year"]], str(other),
                                 t("loaders.survey.year_differs", year=year))
                    year_problem = True
    elif len(year_values) == 1:
        year, year_source = next(iter(year_values)), "sarake"
    elif len(year_values) > 1:
        problems.add(None, table.header[meta["year"]], ", ".join(map(str, sorted(year_values))),
                     t("loaders.survey.several_years"), t("loaders.survey.several_years_hint"))
        year_problem = True
    else:
        in_name = set(_YEAR_IN_NAME.findall(Path(file_name).name))
        if len(in_name) == 1:
            year, year_source = int(in_name.pop()), "tiedostonimi"

    # --- rows
    responses: list[ParsedResponse] = []
    seen_exact: dict[tuple, int] = {}
    seen_respondent: dict[tuple, int] = {}
    stamp_years: set[int] = set()
    for row_no, cells in table.rows:
        extra = [c for c in cells[width:] if c]
        if extra:
            problems.add(row_no, None, extra[0][:80],
                         t("loaders.survey.too_many_fields", fields=len(cells), columns=width),
                         t("loaders.survey.too_many_fields_hint"))
        exact = tuple(cell(cells, i) for i in range(width))
        if exact in seen_exact:
            problems.add(row_no, None, None, t("loaders.survey.duplicate_row", other=seen_exact[exact]),
                         t("loaders.survey.duplicate_row_hint"))
            continue
        seen_exact[exact] = row_no

        muni_col = table.header[meta["municipality"]]
        muni_text = cell(cells, meta["municipality"])
        code = None
        if muni_text == "":
            problems.add(row_no, muni_col, "", t("loaders.municipality_missing"))
        else:
            code = resolver.resolve(muni_text)
            if code is None:
                problems.add(row_no, muni_col, muni_text, t("loaders.municipality_unknown"),
                             resolver.suggest(muni_text))
        role = None
        if "role" in meta:
            role = " ".join(cell(cells, meta["role"]).split()) or None
        if code is not None and resolver.is_hva(code):
            role = HVA_ROLE
        submitted = None
        if "timestamp" in meta:
            ts_text = cell(cells, meta["timestamp"])
            if ts_text:
                ts = parse_timestamp(ts_text)
                if ts is None:
                    problems.add(row_no, table.header[meta["timestamp"]], ts_text, t("loaders.survey.bad_timestamp"),
                                 t("loaders.survey.timestamp_hint"))
                else:
                    submitted = ts.isoformat(sep=" ")
                    stamp_years.add(ts.year)
        if code is not None and submitted is not None:
            who = (code, key(role or ""), submitted)
            if who in seen_respondent:
                problems.add(row_no, table.header[meta["timestamp"]], submitted,
                             t("loaders.survey.same_respondent", other=seen_respondent[who]),
                             t("loaders.survey.same_respondent_hint"))
            seen_respondent.setdefault(who, row_no)
        answers: dict[str, str | None] = {}
        for idx, qid in question_cols:
            raw = cell(cells, idx)
            value, message, suggestion = normalise_answer(q_types[qid], raw)
            if message:
                problems.add(row_no, table.header[idx], raw, message, suggestion)
            answers[qid] = value
        responses.append(ParsedResponse(row_no, code or "", role, submitted, answers))

    if year is None and not year_problem:
        if len(stamp_years) == 1 and "timestamp" in meta:
            year, year_source = stamp_years.pop(), "aikaleimat"
        else:
            problems.add(None, None, None, t("loaders.survey.no_year"), t("loaders.survey.no_year_hint"))
    if problems:
        raise UploadRejected(problems.final())
    return ParsedSurvey(
        file_name=file_name, checksum=checksum_of(data), year=int(year), year_source=year_source,
        question_ids=[q for _, q in question_cols], responses=responses, format=table.format,
        encoding=table.encoding, delimiter=table.delimiter, ignored_columns=ignored,
    )


# ---------------------------------------------------------------- loading


@dataclass
class SurveyLoadResult:
    status: str  # 'loaded' | 'unchanged' | 'restored'
    load_id: int | None
    rows: int
    year: int
    municipalities: list[str]


class _Unchanged(Exception):
    def __init__(self, load_id: int):
        self.load_id = load_id


def catalogue_frames(con) -> tuple[pd.DataFrame, pd.DataFrame, str, tuple[str, ...]]:
    """Questions, municipalities and the HVA's code and names from an open connection."""
    questions = con.execute("SELECT question_id, text_fi, type, metric_id, respondent, sort FROM survey_question").df()
    munis = con.execute("SELECT code, name_fi, name_sv FROM own_municipality").df()
    hva = con.execute("SELECT code, name_fi, name_sv FROM region WHERE category = 'HYVINVOINTIALUE' ORDER BY code").fetchall()
    if hva:
        return questions, munis, str(hva[0][0]), tuple(n for n in hva[0][1:] if n)
    return questions, munis, region_config().hva.code, ()


def _identical_load(con, checksum: str, year: int) -> tuple[int | None, bool]:
    """(load_id of an identical earlier file for this year, whether all of its rows are active)."""
    row = con.execute(
        "SELECT f.load_id, coalesce(bool_and(r.active), FALSE) FROM survey_file f"
        " LEFT JOIN survey_response r ON r.load_id = f.load_id"
        " WHERE f.checksum = ? AND f.year = ? GROUP BY f.load_id ORDER BY f.load_id DESC LIMIT 1",
        [checksum, year],
    ).fetchone()
    return (int(row[0]), bool(row[1])) if row else (None, False)


def _store(load, parsed: ParsedSurvey, is_demo: bool) -> int:
    con = load.con
    codes = parsed.municipalities
    marks = ", ".join("?" * len(codes))
    con.execute(
        f"UPDATE survey_response SET active = FALSE WHERE year = ? AND active AND municipality_code IN ({marks})",
        [parsed.year, *codes],
    )

    con.execute("INSERT INTO survey_file VALUES (?, ?, ?, ?, ?, ?)",
                [load.load_id, parsed.year, parsed.file_name, parsed.checksum, db_timestamp(), is_demo])
    responses = pd.DataFrame(
        [(load.load_id, r.row, parsed.year, r.municipality_code, r.respondent_role, r.submitted_at, is_demo, True)
         for r in parsed.responses],
        columns=["load_id", "row_number", "year", "municipality_code", "respondent_role", "submitted_at", "is_demo", "active"],
    ).astype({"municipality_code": "object", "respondent_role": "object", "submitted_at": "object"})
    answers = pd.DataFrame(
        [(load.load_id, r.row, q, a) for r in parsed.responses for q, a in r.answers.items()],
        columns=["load_id", "row_number", "question_id", "answer"],
    ).astype({"answer": "object"})
    con.register("survey_responses_df", responses)
    con.execute("INSERT INTO survey_response SELECT * FROM survey_responses_df")
    con.unregister("survey_responses_df")
    if not answers.empty:
        con.register("survey_answers_df", answers)
        con.execute("INSERT INTO survey_answer SELECT * FROM survey_answers_df")
        con.unregister("survey_answers_df")
    return len(responses)


def _parse_against(con, data: bytes, file_name: str, year: int | None) -> ParsedSurvey:
    questions, munis, hva_code, hva_names = catalogue_frames(con)
    return parse_survey(data, file_name, questions, munis, year, hva_code=hva_code, hva_names=hva_names)


def load_survey_bytes(data: bytes, file_name: str, year: int | None = None, *, db: Path | None = None,
                      is_demo: bool = False, user_name: str | None = None) -> SurveyLoadResult:
    """Validate and load one survey file. Raises UploadRejected (nothing written) on any problem."""

    path = db_path(db)
    file_name = Path(file_name).name or "kysely"
    if len(data) > uploads.MAX_FILE_BYTES:
        raise file_problem(uploads.too_large(len(data)))
    # Validate against the live database first so a rejected file costs no copy of the database.
    with connect_read(path) as con:
        parsed = _parse_against(con, data, file_name, year)
        previous, all_active = _identical_load(con, parsed.checksum, parsed.year)
    if previous is not None and all_active:
        return SurveyLoadResult("unchanged", previous, len(parsed.responses), parsed.year, parsed.municipalities)
    if previous is not None:
        return restore_survey_version(previous, db=path, user_name=user_name)
    try:
        with writing("survey", target=file_name, params={"year": parsed.year}, is_demo=is_demo, path=path,
                     user_name=user_name) as load:
            # Re-check inside the write lock: another load may have finished in between.
            parsed = _parse_against(load.con, data, file_name, year)
            again, active = _identical_load(load.con, parsed.checksum, parsed.year)
            if again is not None and active:
                raise _Unchanged(again)
            load.rows = _store(load, parsed, is_demo)
            load.checksum = parsed.checksum
            load.extra_params.update({
                "year_source": parsed.year_source, "municipalities": parsed.municipalities,
                "format": parsed.format, "encoding": parsed.encoding, "delimiter": parsed.delimiter,
            })
    except _Unchanged as unchanged:
        return SurveyLoadResult("unchanged", unchanged.load_id, len(parsed.responses), parsed.year, parsed.municipalities)
    return SurveyLoadResult("loaded", load.load_id, load.rows, parsed.year, parsed.municipalities)


def store_survey_in(load, data: bytes, file_name: str, year: int | None = None, *, is_demo: bool = False,
                    user_name: str | None = None) -> SurveyLoadResult:
    """Validate one survey file and write it into an open load (a `Load` of store.warehouse.writing), for a
    command that writes several things in one swap (`demo`). The file gets a load id of its own, logged
    in the same transaction, so it is listed and restorable like a survey load of its own. Raises
    UploadRejected on any problem (the whole load is then discarded); an identical file that is
    already active changes nothing."""
    import dataclasses
    import json

    con = load.con
    file_name = Path(file_name).name or "kysely"
    parsed = _parse_against(con, data, file_name, year)
    previous, all_active = _identical_load(con, parsed.checksum, parsed.year)
    if previous is not None and all_active:
        return SurveyLoadResult("unchanged", previous, len(parsed.responses), parsed.year, parsed.municipalities)
    own_id = con.execute("SELECT greatest(coalesce(max(load_id), 0), ?) + 1 FROM load_log", [load.load_id]).fetchone()[0]
    started = db_timestamp()
    rows = _store(dataclasses.replace(load, load_id=own_id), parsed, is_demo)
    params = {"year": parsed.year, "year_source": parsed.year_source, "municipalities": parsed.municipalities,
              "format": parsed.format, "encoding": parsed.encoding, "delimiter": parsed.delimiter,
              "part_of_load": load.load_id}
    con.execute(
        "INSERT INTO load_log (load_id, source, target, params, checksum, rows, started_at, finished_at, status,"
        " message, licence, is_demo, user_name) VALUES (?, 'survey', ?, ?, ?, ?, ?, ?, 'ok', '', NULL, ?, ?)",
        [own_id, file_name, json.dumps(params, ensure_ascii=False), parsed.checksum, rows, started, db_timestamp(),
         is_demo, user_name or "cli"])
    return SurveyLoadResult("loaded", own_id, rows, parsed.year, parsed.municipalities)


def load_survey_file(path: Path, year: int | None = None, *, db: Path | None = None, is_demo: bool = False,
                     user_name: str | None = None) -> SurveyLoadResult:
    path = Path(path)
    data = uploads.read_upload_file(path)  # regular files only, at most the cap + 1 byte (issue 13, item 8)
    return load_survey_bytes(data, path.name, year, db=db, is_demo=is_demo, user_name=user_name)


def restore_survey_version(load_id: int, *, db: Path | None = None, user_name: str | None = None) -> SurveyLoadResult:
    """Make an earlier file's answers active again for its year and municipalities (the rows that
    replaced them become inactive; nothing is deleted)."""

    path = db_path(db)
    with connect_read(path) as con:
        info = con.execute("SELECT year, file_name, is_demo FROM survey_file WHERE load_id = ?", [load_id]).fetchone()
        if info is None:
            raise file_problem(t("loaders.survey.no_such_load", load_id=load_id), t("loaders.survey.no_such_load_hint"))
        year = int(info[0])
        codes = [r[0] for r in con.execute(
            "SELECT DISTINCT municipality_code FROM survey_response WHERE load_id = ? ORDER BY 1", [load_id]).fetchall()]
        all_active = con.execute(
            "SELECT coalesce(bool_and(active), TRUE), count(*) FROM survey_response WHERE load_id = ?", [load_id]).fetchone()
    if all_active[0]:
        return SurveyLoadResult("unchanged", load_id, int(all_active[1]), year, codes)
    with writing("survey", target=f"palautus: {info[1]}", params={"year": year, "restore": load_id},
                 is_demo=bool(info[2]), path=path, user_name=user_name) as load:
        marks = ", ".join("?" * len(codes))
        load.con.execute(
            f"UPDATE survey_response SET active = FALSE WHERE year = ? AND active AND load_id <> ?"
            f" AND municipality_code IN ({marks})", [year, load_id, *codes])
        load.con.execute("UPDATE survey_response SET active = TRUE WHERE load_id = ?", [load_id])
        load.rows = load.con.execute("SELECT count(*) FROM survey_response WHERE load_id = ?", [load_id]).fetchone()[0]
        load.checksum = load.con.execute("SELECT checksum FROM survey_file WHERE load_id = ?", [load_id]).fetchone()[0]
    return SurveyLoadResult("restored", load.load_id, load.rows, year, codes)


def survey_history(con) -> pd.DataFrame:
    """Every loaded survey file with how many of its answers are active now."""
    return con.execute(
        """
        SELECT f.load_id, f.year, f.file_name, f.loaded_at, f.is_demo,
               count(r.row_number) AS responses, count(r.row_number) FILTER (WHERE r.active) AS active_responses,
               string_agg(DISTINCT r.municipality_code, ', ' ORDER BY r.municipality_code) AS municipalities
        FROM survey_file f LEFT JOIN survey_response r ON r.load_id = f.load_id
        GROUP BY ALL ORDER BY f.year DESC, f.load_id DESC
        """
    ).df()


# ---------------------------------------------------------------- CLI


def _cmd_survey(args: argparse.Namespace) -> int:
    db = db_path(args.db)
    if args.list:
        with connect_read(db) as con:
            history = survey_history(con)
        if history.empty:
            print(t("loaders.cli.no_surveys"))
        for r in history.itertuples(index=False):
            print(t("loaders.cli.survey_line", load_id=r.load_id, year=r.year, file=r.file_name,
                    demo=t("loaders.cli.demo_mark") if r.is_demo else "", responses=r.responses,
                    active=r.active_responses, municipalities=r.municipalities or "-",
                    loaded=f"{r.loaded_at:%Y-%m-%d %H:%M}"))
        return 0
    try:
        if args.restore is not None:
            result = restore_survey_version(args.restore, db=db)
        elif args.file:
            result = load_survey_file(Path(args.file), args.year, db=db, is_demo=args.demo)
        else:
            print(t("loaders.cli.survey_usage"), file=sys.stderr)
            return 2
    except UploadRejected as rejected:
        print_problems(rejected.problems)
        return 1
    if result.status == "unchanged":
        print(t("loaders.cli.survey_unchanged", load_id=result.load_id))
    elif result.status == "restored":
        print(t("loaders.cli.survey_restored", year=result.year, municipalities=len(result.municipalities),
                rows=result.rows, load_id=result.load_id))
    else:
        print(t("loaders.cli.survey_loaded", year=result.year, rows=result.rows,
                codes=", ".join(result.municipalities), load_id=result.load_id))
    return 0


def add_cli(subparsers) -> None:
    p = subparsers.add_parser("survey", help=t("cli.survey.help"), description=t("cli.survey.description"))
    p.add_argument("file", nargs="?", help=t("cli.survey.file_help"))
    p.add_argument("--year", type=int, help=t("cli.survey.year_help"))
    p.add_argument("--restore", type=int, metavar="LOAD_ID", help=t("cli.survey.restore_help"))
    p.add_argument("--list", action="store_true", help=t("cli.survey.list_help"))
    p.add_argument("--demo", action="store_true", help=t("cli.survey.demo_help"))
    p.add_argument("--db", help=t("cli.db_help"))
    p.set_defaults(func=_cmd_survey)
