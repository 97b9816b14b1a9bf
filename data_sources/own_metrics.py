"""Own metrics: counts and results only the parties hold (safety plans, recruitments, platform visits …).

    python -m data_sources own-metric template [--out FILE]
    python -m data_sources own-metric load FILE [--by NAME] [--db PATH]
    python -m data_sources own-metric list [--db PATH]

A metric is an own metric when the region folder's metrics.csv gives it an `own_unit` and a `reported_by`
party. The template (generated from the catalogue) has one row per own metric and reporting party key
(a municipality, the HVA or the liitto): mittari; mittarin nimi; yksikkö; vastuutaho; vastuutahon koodi;
vuosi; arvo. A party fills in the years and values it has and uploads the file (CSV or XLSX, any
encoding/delimiter the survey loader reads; more rows per metric and party for more years).

Validated like the survey: every problem is listed with row, column and value and a file with any
problem is rejected whole (nothing written). A good file is stored with its provenance (who, when, the
file's SHA-256) in one load; for each metric, party and year the newest upload's value counts, and the
older ones stay as history. Blank value cells are skipped (a template row not filled in).
"""
from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pandas as pd

from common.clock import db_timestamp
from common.i18n import t
from common.spreadsheet import to_csv_bytes
from data_sources.uploads import (
    MAX_FILE_BYTES,
    MAX_PROBLEMS,
    ProblemList,
    UploadProblem,
    UploadRejected,
    fold,
    load_file_from_cli,
    not_loaded,
    read_table,
    write_cli_output,
)
from metrics import followup
from store.config import db_path
from store.warehouse import connect_read, writing

COLUMNS = {"metric": "mittari", "title": "mittarin nimi", "unit": "yksikkö", "party": "vastuutaho",
           "code": "vastuutahon koodi", "year": "vuosi", "value": "arvo"}
ALIASES = {"metric": ("mittari", "metric_id", "mittarin tunnus"), "title": ("mittarin nimi", "nimi"),
           "unit": ("yksikkö", "yksikko", "unit"), "party": ("vastuutaho", "party"),
           "code": ("vastuutahon koodi", "koodi", "party_code", "kuntakoodi"), "year": ("vuosi", "year"),
           "value": ("arvo", "value")}
_LOOKUP = {fold(a): k for k, names in ALIASES.items() for a in names}
YEAR_RANGE = (2000, 2100)


class OwnMetricRejected(UploadRejected):
    """Same shape as a rejected survey file: a list of UploadProblem."""


def catalogue(con) -> pd.DataFrame:
    """Every own metric × reporting key: metric_id, text_fi, own_unit, party_id, party_name, party_code,
    code_name (the municipality's name, else the party's)."""
    metrics = con.execute(
        """SELECT m.metric_id, m.text_fi, s.own_unit, s.reported_by, ma.action_id
           FROM metric m JOIN metric_source s USING (metric_id) JOIN metric_action ma USING (metric_id)
           WHERE s.own_unit IS NOT NULL ORDER BY m.metric_id, ma.action_id""").df()
    cols = ["metric_id", "text_fi", "own_unit", "party_id", "party_name", "party_code", "code_name"]
    if metrics.empty:
        return pd.DataFrame(columns=cols)
    actions = con.execute("SELECT action_id FROM action").df()
    owners = con.execute("SELECT action_id, party_id, seq FROM action_owner").df()
    parties = con.execute("SELECT * FROM party").df()
    munis = con.execute("SELECT code, name_fi FROM own_municipality ORDER BY name_fi").df()
    hva = con.execute("SELECT code, name_fi FROM region WHERE category = 'HYVINVOINTIALUE' ORDER BY code LIMIT 1").fetchall()
    liitto = con.execute("SELECT code FROM region WHERE category = 'MAAKUNTA' ORDER BY code LIMIT 1").fetchall()
    keys = followup.owner_keys(actions, owners, parties, munis["code"], hva[0][0] if hva else None,
                               liitto[0][0] if liitto else None)
    names = dict(zip(munis["code"], munis["name_fi"]))
    full = dict(zip(parties["party_id"], parties["name_fi"])) if len(parties) else {}
    out = metrics.merge(keys, on="action_id")
    out = out[out["party_id"] == out["reported_by"]].drop_duplicates(["metric_id", "municipality_code"])
    out = out.assign(party_name=out["party_id"].map(full).fillna(out["party_name"]),
                     party_code=out["municipality_code"],
                     code_name=[names.get(c) or full.get(p, p) for c, p in zip(out["municipality_code"], out["party_id"])])
    return out[cols].reset_index(drop=True)


def template_frame(con) -> pd.DataFrame:
    cat = catalogue(con)
    return pd.DataFrame({COLUMNS["metric"]: cat["metric_id"], COLUMNS["title"]: cat["text_fi"],
                         COLUMNS["unit"]: cat["own_unit"], COLUMNS["party"]: cat["code_name"],
                         COLUMNS["code"]: cat["party_code"], COLUMNS["year"]: "", COLUMNS["value"]: ""})


def template_bytes(con) -> bytes:
    """The upload template as CSV (';', UTF-8 with BOM), one row per own metric and reporting party."""
    return to_csv_bytes(template_frame(con), sep=";")


def _number(text: str) -> float | None:
    t = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def parse(data: bytes, file_name: str, cat: pd.DataFrame) -> list[tuple[str, str, int, float]]:
    """Validate an own-metric file against the catalogue; -> (metric_id, party_code, year, value) rows.
    Raises OwnMetricRejected listing every problem (row, column, value)."""
    try:
        table = read_table(data, file_name)
    except UploadRejected as exc:
        raise OwnMetricRejected(exc.problems) from None
    problems = ProblemList()
    cols: dict[str, int] = {}
    for idx, name in enumerate(table.header):
        kind = _LOOKUP.get(fold(name))
        if kind is None:
            problems.add(1, name, None, t("loaders.unknown_column"),
                         t("loaders.columns_are", columns=", ".join(COLUMNS.values())))
        elif kind in cols:
            problems.add(1, name, None, t("loaders.column_repeats"))
        else:
            cols[kind] = idx
    for required in ("metric", "code", "year", "value"):
        if required not in cols:
            problems.add(1, None, None, t("loaders.required_column", column=COLUMNS[required]))
    if not table.rows:
        problems.add(None, None, None, t("loaders.no_rows"))
    if problems:
        raise OwnMetricRejected(problems.final())
    names = {k: table.header[i] for k, i in cols.items()}
    allowed = {(m, c) for m, c in zip(cat["metric_id"], cat["party_code"])}
    metric_ids = set(cat["metric_id"])
    codes_of = cat.groupby("metric_id")["party_code"].apply(list).to_dict()

    def cell(cells, kind):
        i = cols.get(kind)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    rows: dict[tuple[str, str, int], tuple[int, float]] = {}
    for row_no, cells in table.rows:
        if len(problems) >= MAX_PROBLEMS:
            break
        metric, code, year_text, value_text = (cell(cells, k) for k in ("metric", "code", "year", "value"))
        if not value_text and not year_text:
            continue  # a template row the party did not fill in
        ok = True
        if metric not in metric_ids:
            match = problems.close_match(metric, metric_ids)
            problems.add(row_no, names["metric"], metric, t("loaders.own.unknown_metric"),
                         t("loaders.did_you_mean", match=match) if match else t("loaders.own.see_template"))
            ok = False
        elif (metric, code) not in allowed:
            problems.add(row_no, names["code"], code, t("loaders.own.not_a_reporter", metric=metric),
                         t("loaders.own.reporters_are", codes=", ".join(codes_of.get(metric, [])[:20])))
            ok = False
        year = int(year_text) if year_text.isdigit() else None
        if year is None or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            problems.add(row_no, names["year"], year_text, t("loaders.own.bad_year"), t("loaders.own.year_hint"))
            ok = False
        value = _number(value_text)
        if value is None:
            problems.add(row_no, names["value"], value_text, t("loaders.own.bad_value"), t("loaders.own.value_hint"))
            ok = False
        elif value < 0:
            problems.add(row_no, names["value"], value_text, t("loaders.own.negative"))
            ok = False
        if ok:
            key = (metric, code, year)
            if key in rows:
                problems.add(row_no, names["year"], year_text,
                             t("loaders.own.duplicate", other=rows[key][0]))
            else:
                rows[key] = (row_no, value)
    if problems:
        raise OwnMetricRejected(problems.final())
    if not rows:
        raise OwnMetricRejected([_file_problem(t("loaders.own.nothing_filled"))])
    return [(m, c, y, v) for (m, c, y), (_, v) in rows.items()]


def _file_problem(message: str) -> UploadProblem:
    return UploadProblem(None, None, None, message)


def load_bytes(data: bytes, file_name: str, *, by: str | None = None, db: Path | None = None) -> int:
    """Validate and store one file in one load; returns the number of values stored."""
    if len(data) > MAX_FILE_BYTES:
        raise OwnMetricRejected([_file_problem(t("loaders.file.too_large_short"))])
    by = (by or os.environ.get("USER") or "cli").strip()[:100]
    checksum = hashlib.sha256(data).hexdigest()
    with writing("own-metric", target=Path(file_name).name, params={"checksum": checksum[:16]},
                 path=db_path(db), user_name=by) as load:
        rows = parse(data, file_name, catalogue(load.con))
        load.con.execute("INSERT INTO own_metric_file VALUES (?, ?, ?, ?, ?, ?)",
                         [load.load_id, Path(file_name).name, checksum, by, db_timestamp(), len(rows)])
        load.con.executemany("INSERT INTO own_metric_value VALUES (?, ?, ?, ?, ?)",
                             [(load.load_id, m, c, y, v) for m, c, y, v in rows])
        load.rows = len(rows)
        load.checksum = checksum
    return len(rows)


def values(con) -> pd.DataFrame:
    """The current value per own metric, party and year (newest upload wins) with its provenance:
    metric_id, party_code, year, value, file_name, checksum, uploaded_by, uploaded_at."""
    return con.execute(
        """SELECT v.metric_id, v.party_code, v.year, v.value, f.file_name, f.checksum, f.uploaded_by, f.uploaded_at
           FROM own_metric_value v JOIN own_metric_file f USING (load_id)
           QUALIFY row_number() OVER (PARTITION BY v.metric_id, v.party_code, v.year ORDER BY v.load_id DESC) = 1
           ORDER BY v.metric_id, v.party_code, v.year""").df()


# ---------------------------------------------------------------- CLI


def _cmd_template(args) -> int:
    with connect_read(db_path(args.db)) as con:
        data = template_bytes(con)
    write_cli_output(data, args.out, t("loaders.cli.template_written", out=args.out))
    return 0


def _cmd_load(args) -> int:
    added = load_file_from_cli(args.file, lambda data, name: load_bytes(data, name, by=args.by, db=args.db))
    if not_loaded(added):
        return 1
    print(t("loaders.cli.values_saved", count=added))
    return 0


def _cmd_list(args) -> int:
    with connect_read(db_path(args.db)) as con:
        frame = values(con)
    sys.stdout.write(frame.to_csv(index=False, sep=";"))
    return 0


def add_cli(subparsers) -> None:
    p = subparsers.add_parser("own-metric", help=t("cli.own_metric.help"), description=t("cli.own_metric.description"))
    sub = p.add_subparsers(dest="own_command", required=True, metavar=t("cli.action_metavar"))
    tp = sub.add_parser("template", help=t("cli.own_metric.template_help"))
    tp.add_argument("--out", help=t("cli.out_help"))
    tp.add_argument("--db", help=t("cli.db_help"))
    tp.set_defaults(func=_cmd_template)
    ld = sub.add_parser("load", help=t("cli.own_metric.load_help"))
    ld.add_argument("file")
    ld.add_argument("--by", help=t("cli.own_metric.by_help"))
    ld.add_argument("--db", help=t("cli.db_help"))
    ld.set_defaults(func=_cmd_load)
    ls = sub.add_parser("list", help=t("cli.own_metric.list_help"))
    ls.add_argument("--db", help=t("cli.db_help"))
    ls.set_defaults(func=_cmd_list)
