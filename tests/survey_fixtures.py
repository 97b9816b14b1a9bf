"""A small database and survey files for the survey, action status and admin tests.

The database is built here with `writing()` and direct inserts, so these tests do not depend on
the region catalogue files other people edit.
"""
from __future__ import annotations

import io
from pathlib import Path

from store.warehouse import connect_read, table_checksum, writing

MUNICIPALITIES = [
    ("140", "Iisalmi", "Idensalmi"),
    ("171", "Joroinen", "Jorois"),
    ("204", "Kaavi", "Kaavi"),
    ("297", "Kuopio", "Kuopio"),
    ("402", "Lapinlahti", "Lapinlahti"),
    ("749", "Siilinjärvi", "Siilinjärvi"),
    ("915", "Varkaus", "Varkaus"),
]
AREAS = [
    ("PK-KUOPIO", "Kuopion palvelukeskustelu", ["297"]),
    ("PK-KESKI", "Siilinjärvi, Lapinlahti ja Kaavi", ["749", "402", "204"]),
    ("PK-YLA", "Ylä-Savo", ["140"]),
    ("PK-VARKAUS", "Varkaus ja Joroinen", ["915", "171"]),
]
QUESTIONS = [
    ("Q-YN", "Onko työryhmä perustettu?", "yes_no", "M-1", "municipality", 1),
    ("Q-SC", "Miten arvioitte yhteistyön toimivuutta? (1 = erittäin huonosti … 5 = erittäin hyvin)",
     "scale_1_5", "M-2", "any", 2),
    ("Q-TX", "Vapaa palaute", "text", None, "any", 3),
    ("Q-HVA", "Onko foorumi perustettu?", "yes_no", "M-3", "hva", 4),
]
ACTIONS = [("J-1-1", 1, "J", 1, "Työryhmän perustaminen", "Kunnat"),
           ("A-2-1", 2, "A", 1, "Palvelupolkujen kuvaus", "HVA")]
SURVEY_TABLES = ("survey_response", "survey_answer", "survey_file", "load_log")


def make_db(tmp_path: Path) -> Path:
    db = tmp_path / "test.duckdb"
    with writing("test-setup", path=db) as load:
        con = load.con
        for code, fi, sv in MUNICIPALITIES:
            con.execute("INSERT INTO region (category, code, name_fi, name_sv, is_own) VALUES ('KUNTA', ?, ?, ?, TRUE)",
                        [code, fi, sv])
        con.execute("INSERT INTO region (category, code, name_fi, name_sv, sotkanet_id) VALUES ('HYVINVOINTIALUE', '13',"
                    " 'Pohjois-Savon hyvinvointialue', 'Norra Savolax välfärdsområde', 974)")
        for area, name, members in AREAS:
            con.execute("INSERT INTO region (category, code, name_fi) VALUES ('PALVELUALUE', ?, ?)", [area, name])
            for m in members:
                con.execute("INSERT INTO region_member VALUES ('PALVELUALUE', ?, ?, 'verified', 'test')", [area, m])
        con.execute("INSERT INTO goal VALUES (1, 'Ehkäisy', 'Ehkäisy'), (2, 'Palvelut', 'Palvelut')")
        con.execute("INSERT INTO level VALUES ('J', 1, 'Johdon taso', 'Johto'), ('A', 2, 'HYTE', 'HYTE')")
        con.executemany("INSERT INTO action VALUES (?, ?, ?, ?, ?, ?)", ACTIONS)
        con.execute("INSERT INTO metric VALUES ('M-1', 'J-1-1', 1, 'Työryhmä perustettu / ei', 'yes_no'),"
                    " ('M-2', 'A-2-1', 1, 'Kokemus yhteistyöstä', 'experience'),"
                    " ('M-3', 'A-2-1', 2, 'Foorumi perustettu', 'yes_no')")
        con.executemany("INSERT INTO survey_question VALUES (?, ?, ?, ?, ?, ?)", QUESTIONS)
    return db


def checksums(db: Path, tables=SURVEY_TABLES) -> dict[str, str]:
    con = connect_read(db)
    try:
        return {t: table_checksum(con, t) for t in tables}
    finally:
        con.close()


def query(db: Path, sql: str, params=None):
    con = connect_read(db)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


HEADER = ["Kunta", "Vastaajan rooli", "Aikaleima", "Vuosi", "Q-YN", "Q-SC", "Q-TX"]
ROWS = [
    ["Siilinjärvi", "Kunnanjohtaja", "2024-11-05 14:03:22", "2024", "Kyllä", "4", "Hyvä alku"],
    ["Iisalmi", "Hyte-koordinaattori", "2024-11-06 09:00:00", "2024", "Ei", "2", ""],
    ["Kuopio", "Kunnanjohtaja", "2024-11-07 10:15:00", "2024", "En osaa sanoa", "0", ""],
    ["Pohjois-Savon hyvinvointialue", "Johtaja", "2024-11-08 12:00:00", "2024", "", "5", "HVA:n näkemys"],
]


def csv_bytes(rows=None, header=None, *, delimiter=";", encoding="utf-8-sig", newline="\r\n") -> bytes:
    header = HEADER if header is None else header
    rows = ROWS if rows is None else rows
    out = io.StringIO()
    import csv

    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows=None, header=None) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER if header is None else header)
    for r in ROWS if rows is None else rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
