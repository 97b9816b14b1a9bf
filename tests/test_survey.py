"""Kompassikysely loader: file variants, rejection, idempotence, replacement, restore, results."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from data_sources import survey, uploads
from data_sources.__main__ import main as cli
from data_sources.survey import load_survey_bytes, parse_survey, restore_survey_version
from data_sources.uploads import UploadRejected
from metrics import survey_results as sr
from readmodel.survey import ANSWER_ROWS_SQL
from tests.survey_fixtures import (
    AREAS, HEADER, MUNICIPALITIES, QUESTIONS, ROWS, checksums, csv_bytes, make_db, query, xlsx_bytes,
)

QUESTIONS_DF = pd.DataFrame(QUESTIONS, columns=["question_id", "text_fi", "type", "metric_id", "respondent", "sort"])
MUNIS_DF = pd.DataFrame(MUNICIPALITIES, columns=["code", "name_fi", "name_sv"])


def parse(data: bytes, name: str = "kysely.csv", year=None):
    return parse_survey(data, name, QUESTIONS_DF, MUNIS_DF, year)


def rejected(data: bytes, name: str = "kysely.csv", year=None) -> list:
    with pytest.raises(UploadRejected) as info:
        parse(data, name, year)
    return info.value.problems


@pytest.fixture
def db(tmp_path):
    return make_db(tmp_path)


# ---------------------------------------------------------------- file variants


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "utf-16", "cp1252", "iso8859_15"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_encodings_and_delimiters(encoding, delimiter):
    parsed = parse(csv_bytes(delimiter=delimiter, encoding=encoding))
    assert parsed.delimiter == delimiter
    assert [r.municipality_code for r in parsed.responses] == ["749", "140", "297", "13"]
    assert parsed.responses[0].answers == {"Q-YN": "kyllä", "Q-SC": "4", "Q-TX": "Hyvä alku"}
    assert parsed.year == 2024 and parsed.year_source == "sarake"


def test_cp1252_text_survives_with_euro_sign():
    rows = [r[:] for r in ROWS]
    rows[0][6] = "Budjetti 5 000 € riittää, äö"
    parsed = parse(csv_bytes(rows, encoding="cp1252"))
    assert parsed.responses[0].answers["Q-TX"] == "Budjetti 5 000 € riittää, äö"
    assert parsed.encoding in ("cp1252", "windows-1252")


def test_question_text_as_header_and_lf_newlines_and_question_text_with_commas():
    header = ["  KUNTA ", "Vastaajan rooli", "Aikaleima", "Vuosi", "  onko TYÖRYHMÄ perustettu?  ",
              QUESTIONS[1][1].upper(), "vapaa   palaute"]
    parsed = parse(csv_bytes(header=header, delimiter=",", newline="\n"))
    assert parsed.question_ids == ["Q-YN", "Q-SC", "Q-TX"]
    assert parsed.responses[1].answers["Q-YN"] == "ei"


def test_xlsx_with_typed_cells():
    rows = [
        [749, "Kunnanjohtaja", datetime(2024, 11, 5, 14, 3), 2024, "K", 4, None],
        ["Idensalmi", "Hyte", datetime(2024, 11, 6, 9, 0), 2024.0, "E", 2.0, "teksti"],
        ["PSHVA", "Johtaja", datetime(2024, 11, 7, 9, 0), 2024, None, 0, None],
    ]
    parsed = parse(xlsx_bytes(rows), "kysely.xlsx")
    assert parsed.format == "xlsx"
    assert [r.municipality_code for r in parsed.responses] == ["749", "140", "13"]
    assert parsed.responses[0].submitted_at == "2024-11-05 14:03:00"
    assert parsed.responses[0].answers == {"Q-YN": "kyllä", "Q-SC": "4", "Q-TX": None}
    assert parsed.responses[2].answers["Q-SC"] == "0"


@pytest.mark.parametrize("raw, expected", [
    ("Kyllä", "kyllä"), ("kyllä", "kyllä"), ("K", "kyllä"), ("kylla", "kyllä"), ("E", "ei"), ("Ei", "ei"),
    ("En osaa sanoa", "eos"), ("  eos ", "eos"), ("", None),
])
def test_yes_no_answer_forms(raw, expected):
    rows = [["Siilinjärvi", "r", "2024-11-05 10:00", "2024", raw, "", ""]]
    assert parse(csv_bytes(rows)).responses[0].answers["Q-YN"] == expected


@pytest.mark.parametrize("raw, expected", [
    ("1", "1"), ("5", "5"), ("0", "0"), ("3.0", "3"), ("erittäin huonosti", "1"), ("Melko huonosti", "2"),
    ("ei hyvin eikä huonosti", "3"), ("melko hyvin", "4"), ("ERITTÄIN HYVIN", "5"), ("erittain hyvin", "5"),
    ("en osaa sanoa", "0"), ("3 = ei hyvin eikä huonosti", "3"), ("", None),
])
def test_scale_answer_forms(raw, expected):
    rows = [["Siilinjärvi", "r", "2024-11-05 10:00", "2024", "", raw, ""]]
    assert parse(csv_bytes(rows)).responses[0].answers["Q-SC"] == expected


@pytest.mark.parametrize("raw, code", [
    ("Siilinjarvi", "749"), ("SIILINJÄRVI", "749"), ("Idensalmi", "140"), ("Jorois", "171"), ("297", "297"),
    ("Pohjois-Savon hyvinvointialue", "13"), ("PSHVA", "13"), ("HVA", "13"),
])
def test_municipality_forms(raw, code):
    rows = [[raw, "Kunnanjohtaja", "2024-11-05 10:00", "2024", "Kyllä", "3", ""]]
    response = parse(csv_bytes(rows)).responses[0]
    assert response.municipality_code == code
    assert response.respondent_role == ("hva" if code == "13" else "Kunnanjohtaja")


# ---------------------------------------------------------------- year detection


def test_year_from_file_name_then_timestamps_then_argument():
    header = ["Kunta", "Aikaleima", "Q-YN"]
    rows = [["Kuopio", "5.11.2024 14.03", "Kyllä"], ["Iisalmi", "6.11.2024 9.00.00", "Ei"]]
    data = csv_bytes(rows, header)
    assert parse(data, "kompassi_2023.csv").year == 2023
    by_stamp = parse(data, "kompassi.csv")
    assert (by_stamp.year, by_stamp.year_source) == (2024, "aikaleimat")
    assert parse(data, "kompassi_2023.csv", year=2025).year == 2025
    rows_two_years = [["Kuopio", "5.12.2024 14.03", "Kyllä"], ["Iisalmi", "6.1.2025 9.00", "Ei"]]
    problems = rejected(csv_bytes(rows_two_years, header), "kompassi.csv")
    assert any("--year" in (p.suggestion or "") for p in problems)


def test_year_argument_conflicting_with_year_column_is_rejected():
    problems = rejected(csv_bytes(), year=2023)
    assert {p.row for p in problems} == {2, 3, 4, 5}
    assert all(p.column == "Vuosi" for p in problems)


# ---------------------------------------------------------------- rejection


def test_unknown_municipality_with_suggestion():
    rows = [["Siilinjarvi", "r", "2024-11-05 10:00", "2024", "Kyllä", "3", ""],
            ["Siilinjärvii", "r", "2024-11-05 11:00", "2024", "Kyllä", "3", ""]]
    (problem,) = rejected(csv_bytes(rows))
    assert (problem.row, problem.column, problem.value) == (3, "Kunta", "Siilinjärvii")
    assert str(problem) == "rivi 3, sarake 'Kunta', arvo 'Siilinjärvii': tuntematon kunta — tarkoititko Siilinjärvi?"


def test_every_problem_listed_with_row_column_value():
    rows = [["Kuopio", "r", "2024-11-05 10:00", "2024", "joo ehkä", "7", ""],
            ["Kuopio", "r", "2024-11-05 11:00", "2024", "Kyllä", "hyvä", ""],
            ["", "r", "2024-11-05 12:00", "2024", "", "", ""]]
    header = HEADER[:6] + ["Q-XX"]
    problems = rejected(csv_bytes(rows, header))
    found = {(p.row, p.column, p.value) for p in problems}
    assert (1, "Q-XX", None) in found
    assert (2, "Q-YN", "joo ehkä") in found
    assert (2, "Q-SC", "7") in found
    assert (3, "Q-SC", "hyvä") in found
    assert (4, "Kunta", "") in found


def test_missing_municipality_column():
    header = ["Rooli", "Vuosi", "Q-YN"]
    problems = rejected(csv_bytes([["r", "2024", "Kyllä"]], header))
    assert any("Kunta" in p.message for p in problems)


def test_duplicate_respondent_and_exact_duplicate_row():
    rows = [ROWS[0], ROWS[1], ROWS[0][:], ["Siilinjärvi", "Kunnanjohtaja", "2024-11-05 14:03:22", "2024", "Ei", "1", ""]]
    problems = rejected(csv_bytes(rows))
    assert [p.row for p in problems] == [4, 5]
    assert "rivi 2" in problems[0].message and "rivillä 2" in problems[1].message


@pytest.mark.parametrize("data, name, text", [
    (b"", "a.csv", "tyhjä"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.xls", ".xls"),
    (b"PK\x03\x04 not really a zip", "a.xlsx", "rikki"),
    (b"Kunta;Q-YN\nKuopio;\x00Kyll\n", "a.csv", "ohjausmerk"),
])
def test_broken_files(data, name, text):
    problems = rejected(data, name, year=2024)
    assert any(text in p.message for p in problems)


def test_size_cap(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_FILE_BYTES", 100)
    assert "liian suuri" in rejected(csv_bytes())[0].message


def test_zip_bomb_refused_before_openpyxl(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (uploads.MAX_XLSX_UNCOMPRESSED + 1))
    data = buffer.getvalue()
    assert len(data) < uploads.MAX_FILE_BYTES

    def boom(*args, **kwargs):
        raise AssertionError("openpyxl must not open a zip bomb")

    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", boom)
    assert "liian suureksi" in rejected(data, "pommi.xlsx")[0].message


def test_rejected_file_writes_nothing(db, capsys, tmp_path):
    load_survey_bytes(csv_bytes(), "kysely_2024.csv", db=db)
    before = checksums(db)
    bad = csv_bytes([ROWS[0], ["Siilinjarvi", "x", "2024-11-09 10:00", "2024", "Kyllä", "9", ""]])
    with pytest.raises(UploadRejected):
        load_survey_bytes(bad, "kysely_2024_v2.csv", db=db)
    assert checksums(db) == before
    path = tmp_path / "bad.csv"
    path.write_bytes(bad)
    assert cli(["survey", str(path), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "rivi 3, sarake 'Q-SC', arvo '9'" in err
    assert checksums(db) == before


# ---------------------------------------------------------------- loading


def test_load_log_and_stored_answers(db):
    result = load_survey_bytes(csv_bytes(), "kysely.csv", db=db, is_demo=True, user_name="testaaja")
    assert result.status == "loaded" and result.rows == 4 and result.year == 2024
    assert result.municipalities == ["13", "140", "297", "749"]
    log = query(db, "SELECT source, target, params, rows, checksum, is_demo, user_name FROM load_log WHERE load_id = ?",
                [result.load_id])[0]
    assert log[:2] == ("survey", "kysely.csv")
    assert json.loads(log[2])["year"] == 2024
    assert log[3] == 4 and log[4] == survey.checksum_of(csv_bytes()) and log[5] is True and log[6] == "testaaja"
    stored = query(db, "SELECT municipality_code, respondent_role, question_id, answer FROM survey_answers"
                       " ORDER BY municipality_code, question_id")
    assert ("13", "hva", "Q-YN", None) in stored
    assert ("297", "Kunnanjohtaja", "Q-SC", "0") in stored
    assert ("140", "Hyte-koordinaattori", "Q-YN", "ei") in stored


def test_same_file_twice_changes_nothing(db, tmp_path, capsys):
    path = tmp_path / "kysely.csv"
    path.write_bytes(csv_bytes())
    assert cli(["survey", str(path), "--db", str(db)]) == 0
    before = checksums(db)
    assert cli(["survey", str(path), "--db", str(db)]) == 0
    assert "ei muutoksia" in capsys.readouterr().out
    assert checksums(db) == before


def test_new_file_replaces_year_for_its_municipalities_and_restore(db):
    first = load_survey_bytes(csv_bytes(), "v1.csv", db=db)
    second_rows = [["Siilinjärvi", "Kunnanjohtaja", "2024-12-01 10:00", "2024", "Ei", "1", "korjattu"]]
    second = load_survey_bytes(csv_bytes(second_rows), "v2.csv", db=db)
    active = query(db, "SELECT load_id, municipality_code FROM survey_response WHERE active ORDER BY 2")
    assert active == [(first.load_id, "13"), (first.load_id, "140"), (first.load_id, "297"), (second.load_id, "749")]
    assert query(db, "SELECT count(*) FROM survey_response")[0][0] == 5  # history kept
    assert query(db, "SELECT answer FROM survey_answers WHERE municipality_code = '749' AND question_id = 'Q-YN'") == [("ei",)]

    restored = restore_survey_version(first.load_id, db=db)
    assert restored.status == "restored"
    assert query(db, "SELECT answer FROM survey_answers WHERE municipality_code = '749' AND question_id = 'Q-YN'") == [("kyllä",)]
    assert query(db, "SELECT count(*) FROM survey_response WHERE active")[0][0] == 4
    before = checksums(db)
    assert restore_survey_version(first.load_id, db=db).status == "unchanged"
    assert checksums(db) == before
    # loading v2 again (identical bytes, now inactive) makes it active again
    assert load_survey_bytes(csv_bytes(second_rows), "v2.csv", db=db).status == "restored"
    assert query(db, "SELECT answer FROM survey_answers WHERE municipality_code = '749' AND question_id = 'Q-YN'") == [("ei",)]


def test_other_year_is_not_touched(db):
    load_survey_bytes(csv_bytes(), "v1.csv", db=db)
    rows = [[r[0], r[1], r[2].replace("2024", "2025"), "2025", *r[4:]] for r in ROWS[:1]]
    load_survey_bytes(csv_bytes(rows), "v2025.csv", db=db)
    assert query(db, "SELECT year, count(*) FROM survey_response WHERE active GROUP BY 1 ORDER BY 1") == [(2024, 4), (2025, 1)]


def test_cli_restore_and_list(db, capsys):
    first = load_survey_bytes(csv_bytes(), "v1.csv", db=db)
    load_survey_bytes(csv_bytes([["Kuopio", "r", "2024-12-01 10:00", "2024", "Ei", "1", ""]]), "v2.csv", db=db)
    assert cli(["survey", "--restore", str(first.load_id), "--db", str(db)]) == 0
    assert cli(["survey", "--list", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "palautettu" in out and "v1.csv" in out and "v2.csv" in out
    assert cli(["survey", "--restore", "999", "--db", str(db)]) == 1


# ---------------------------------------------------------------- results (metrics.survey_results)


def _answers(db):
    con_rows = query(db, ANSWER_ROWS_SQL)
    return pd.DataFrame(con_rows, columns=["year", "municipality_code", "respondent_role", "submitted_at", "row_number",
                                           "load_id", "question_id", "answer", "is_demo"])


def test_yes_no_counts_treat_missing_municipalities_as_no_answer(db):
    load_survey_bytes(csv_bytes(), "v1.csv", db=db)
    answers = _answers(db)
    munis = MUNIS_DF[["code", "name_fi"]]
    summary = sr.yes_no_summary(answers, QUESTIONS_DF, munis, 2024, "13").set_index("question_id")
    row = summary.loc["Q-YN"]
    assert (row["kyllä"], row["ei"], row["eos"], row["ei vastausta"]) == (1, 1, 1, 4)
    assert row["label"] == "1/7 kuntaa"
    assert summary.loc["Q-HVA", "label"] == "Ei vastausta"
    per = sr.municipality_answers(answers, "Q-YN", 2024, munis).set_index("code")["answer"]
    assert per["171"] == "ei vastausta" and per["749"] == "kyllä"
    members = pd.DataFrame([("PALVELUALUE", a, m) for a, _, ms in AREAS for m in ms],
                           columns=["group_category", "group_code", "member_code"])
    areas = pd.DataFrame([(a, n) for a, n, _ in AREAS], columns=["code", "name_fi"])
    by_area = sr.yes_no_by_area(per.reset_index().merge(munis, on="code"), members, areas).set_index("area_code")
    assert by_area.loc["PK-KESKI", "label"] == "1/3"


def _municipality_answers_by_loop(answers, question_id, year, municipalities):
    """The rule as first written, one municipality at a time (the grouped version must agree)."""
    munis = municipalities[["code", "name_fi"]].drop_duplicates("code").sort_values("name_fi")
    rows = answers[(answers["question_id"] == question_id) & (answers["year"] == year)
                   & answers["municipality_code"].isin(munis["code"]) & answers["answer"].notna()]
    out = []
    for code, name in munis.itertuples(index=False):
        mine = rows[rows["municipality_code"] == code]
        definite = mine[mine["answer"].isin(["kyllä", "ei"])]
        if not definite.empty:
            latest = definite.sort_values(["submitted_at", "load_id", "row_number"], na_position="first").iloc[-1]
            answer, conflict = latest["answer"], definite["answer"].nunique() > 1
        elif (mine["answer"] == "eos").any():
            answer, conflict = "eos", False
        else:
            answer, conflict = "ei vastausta", False
        out.append({"code": code, "name_fi": name, "answer": answer, "respondents": len(mine), "ristiriita": conflict})
    return pd.DataFrame(out, columns=["code", "name_fi", "answer", "respondents", "ristiriita"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["297", "749", "171", "13"]), st.sampled_from([2024, 2025]),
                          st.sampled_from(["Q-YN", "Q-2"]), st.sampled_from(["kyllä", "ei", "eos", None]),
                          st.one_of(st.none(), st.integers(0, 5)), st.integers(1, 3)), max_size=30))
def test_municipality_answers_grouped_agree_with_the_rule_one_municipality_at_a_time(rows):
    answers = pd.DataFrame(
        [{"municipality_code": m, "year": y, "question_id": q, "answer": a, "load_id": load, "row_number": i,
          "submitted_at": pd.NaT if day is None else pd.Timestamp("2024-11-01") + pd.Timedelta(days=day)}
         for i, (m, y, q, a, day, load) in enumerate(rows)],
        columns=["municipality_code", "year", "question_id", "answer", "load_id", "row_number", "submitted_at"])
    answers["submitted_at"] = pd.to_datetime(answers["submitted_at"])
    munis = MUNIS_DF[["code", "name_fi"]]
    got = sr.municipality_answers(answers, "Q-YN", 2024, munis).reset_index(drop=True)
    expected = _municipality_answers_by_loop(answers, "Q-YN", 2024, munis).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_yes_no_change_from_previous_year(db):
    load_survey_bytes(csv_bytes(), "v2024.csv", db=db)
    rows = [["Siilinjärvi", "r", "", "2025", "Kyllä", "", ""], ["Iisalmi", "r", "", "2025", "Kyllä", "", ""]]
    load_survey_bytes(csv_bytes(rows), "v2025.csv", db=db)
    summary = sr.yes_no_summary(_answers(db), QUESTIONS_DF, MUNIS_DF, 2025, "13").set_index("question_id")
    assert summary.loc["Q-YN", "change"] == 1 and summary.loc["Q-YN", "previous_year"] == 2024


def _scale_answers(groups: dict[str, int]) -> pd.DataFrame:
    rows = []
    for role, n in groups.items():
        for i in range(n):
            rows.append({"year": 2024, "municipality_code": "297", "respondent_role": role, "submitted_at": None,
                         "row_number": len(rows), "load_id": 1, "question_id": "Q-SC", "answer": str(i % 6),
                         "is_demo": False})
    return pd.DataFrame(rows)


def test_scale_distribution_merges_small_groups():
    answers = _scale_answers({"Kunnanjohtaja": 12, "Hyte": 7, "Valtuutettu": 2, "Sivistysjohtaja": 1})
    table, notes = sr.scale_distribution(answers, "Q-SC", 2024, by="role", min_group=5)
    groups = dict(zip(table["group"], table["n"]))
    # 2 + 1 < 5, so the smallest shown group (Hyte, 7) joins "muut": nothing is recoverable by subtraction
    assert groups == {sr.TOTAL: 22, "Kunnanjohtaja": 12, sr.OTHERS: 10}
    assert notes and "Valtuutettu" in notes[0]
    assert table[list(sr.SCALE_CATEGORIES)].sum(axis=1).round(6).eq(100).all()


def test_scale_distribution_suppresses_tiny_items(monkeypatch):
    monkeypatch.setenv("TILANNEKUVA_MIN_GROUP", "10")
    table, notes = sr.scale_distribution(_scale_answers({"A": 9}), "Q-SC", 2024, by="role")
    assert table.empty and "alle 10" in notes[0]


# ---------------------------------------------------------------- property: never crash


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_arbitrary_bytes_never_crash(data):
    _clean_or_rejected(data, "satunnainen.csv")


CELL = st.one_of(
    st.sampled_from(["Kyllä", "Ei", "En osaa sanoa", "", "K", "E", "0", "3", "9", "melko hyvin", "Siilinjarvi",
                     "Kuopio", "PSHVA", "297", "2024", "x;y", 'a"b', "\n", "ä€"]),
    st.text(max_size=12),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.lists(st.sampled_from(HEADER + ["Q-HVA", "tuntematon", ""]), min_size=1, max_size=8),
    rows=st.lists(st.lists(CELL, max_size=9), max_size=6),
    delimiter=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(["utf-8-sig", "utf-8", "utf-16", "cp1252", "iso8859_15"]),
)
def test_structured_files_never_crash(header, rows, delimiter, encoding):
    try:
        data = csv_bytes(rows, header, delimiter=delimiter, encoding=encoding)
    except UnicodeEncodeError:
        assume(False)  # not encodable in this encoding: not a file anyone could upload
    _clean_or_rejected(data, "kysely_2024.csv")


def _clean_or_rejected(data: bytes, name: str):
    try:
        parsed = parse(data, name)
    except UploadRejected as exc:
        assert exc.problems
        for p in exc.problems:
            assert isinstance(p.message, str) and p.message
            assert p.row is None or p.row >= 1
            str(p)
        return
    assert parsed.responses and parsed.question_ids
    for r in parsed.responses:
        assert r.municipality_code
        for q, a in r.answers.items():
            assert a is None or a in {"kyllä", "ei", "eos", "0", "1", "2", "3", "4", "5"} or q == "Q-TX"


# ---------------------------------------------------------------- the page


def test_results_page_renders_counts_chart_and_demo_warning(db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.test_app import scale_bars

    rows = ROWS + [["Varkaus", "Kunnanjohtaja", "2024-11-09 10:00", "2024", "Kyllä", "melko hyvin", ""],
                   ["Kaavi", "Hyte-koordinaattori", "2024-11-09 11:00", "2024", "K", "3", ""]]
    load_survey_bytes(csv_bytes(rows), "kysely.csv", db=db, is_demo=True)
    monkeypatch.setenv("TILANNEKUVA_DB", str(db))
    at = AppTest.from_file("../pages/kompassikysely.py", default_timeout=60).run()
    assert not at.exception
    assert any("Esimerkkiaineisto — ei todellisia lukuja" in w.value for w in at.warning)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Onko työryhmä perustettu?"] == "3/7 kuntaa"
    bars = scale_bars(at)
    assert len(bars) == 1 and not at.get("plotly_chart")  # the scale item: 6 respondents >= MIN_GROUP_SIZE
    assert bars[0].groups[0] == "Kaikki vastaajat (n=6)"
