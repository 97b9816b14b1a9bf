"""Action status: append-only history, validation, export/import round trip, CLI."""
from __future__ import annotations

from datetime import date

import pytest

from data_sources.__main__ import main as cli
from data_sources.action_status import (
    ActionStatusRejected, current_status, export_csv_bytes, import_status_bytes, record_status, status_history,
)
from store.warehouse import connect_read
from tests.survey_fixtures import checksums, make_db, query

TABLES = ("action_status", "load_log")


@pytest.fixture
def db(tmp_path):
    return make_db(tmp_path)


def _history(db):
    con = connect_read(db)
    try:
        return status_history(con), current_status(con)
    finally:
        con.close()


def test_history_is_append_only_and_current_is_newest(db):
    record_status("J-1-1", "Siilinjarvi", "ei", "2024-01-10", "aloitettu", by="Liisa", db=db)
    record_status("J-1-1", "749", "Osittain", "2024-03-01", None, by="Matti", db=db)
    record_status("J-1-1", "Idensalmi", "kyllä", "1.2.2024", None, by="Matti", db=db)
    record_status("A-2-1", "PSHVA", "k", None, "HVA:n oma", by="Matti", db=db)
    history, current = _history(db)
    assert len(history) == 4
    assert sorted(history.loc[history["kuntakoodi"] == "749", "tila"]) == ["ei", "osittain"]
    cur = current.set_index(["toimenpide", "kuntakoodi"])
    assert cur.loc[("J-1-1", "749"), "tila"] == "osittain"
    assert cur.loc[("J-1-1", "140"), "päivämäärä"].date() == date(2024, 2, 1)
    assert cur.loc[("A-2-1", "13"), "kunta"] == "Pohjois-Savon hyvinvointialue"
    assert query(db, "SELECT count(*) FROM load_log WHERE source = 'action-status'")[0][0] == 4


@pytest.mark.parametrize("args, column", [
    (("X-9-9", "Kuopio", "kyllä"), "toimenpide"),
    (("J-1-1", "Kuopiop", "kyllä"), "kunta"),
    (("J-1-1", "Kuopio", "melkein"), "tila"),
])
def test_invalid_entry_rejected_and_nothing_written(db, args, column):
    before = checksums(db, TABLES)
    with pytest.raises(ActionStatusRejected) as info:
        record_status(*args, db=db, by="t")
    assert [p.column for p in info.value.problems] == [column]
    assert checksums(db, TABLES) == before


def test_future_and_bad_dates_rejected(db):
    for value in ("2999-01-01", "31.2.2024", "eilen"):
        with pytest.raises(ActionStatusRejected):
            record_status("J-1-1", "Kuopio", "kyllä", value, db=db, by="t")


def test_export_import_round_trip(db, tmp_path):
    record_status("J-1-1", "Kuopio", "kyllä", "2024-05-02", "Työryhmä koottu; 5 jäsentä", by="Liisa", db=db)
    record_status("A-2-1", "Kaavi", "ei", "2024-05-03", None, by="Matti", db=db)
    exported = export_csv_bytes(_history(db)[0])
    assert exported.startswith(b"\xef\xbb\xbf") and b";" in exported.splitlines()[0]

    other = make_db(tmp_path / "other")
    assert import_status_bytes(exported, "tilat.csv", db=other) == 2
    mine, theirs = _history(db)[0], _history(other)[0]
    cols = ["toimenpide", "kuntakoodi", "tila", "päivämäärä", "huomio", "kirjaaja", "kirjattu"]
    assert mine[cols].sort_values("toimenpide").values.tolist() == theirs[cols].sort_values("toimenpide").values.tolist()
    # importing the same export again changes nothing at all (not even the load log)
    before = checksums(other, TABLES)
    assert import_status_bytes(exported, "tilat.csv", db=other) == 0
    assert checksums(other, TABLES) == before


def test_import_rejected_whole_with_row_and_column(db):
    data = ("toimenpide;kunta;tila;päivämäärä\n"
            "J-1-1;Kuopio;kyllä;2024-01-01\n"
            "J-1-9;Kuopio;kyllä;2024-01-01\n"
            "J-1-1;Siilinjarvi;joo;2024-13-01\n").encode("cp1252")
    before = checksums(db, TABLES)
    with pytest.raises(ActionStatusRejected) as info:
        import_status_bytes(data, "tilat.csv", db=db)
    found = {(p.row, p.column, p.value) for p in info.value.problems}
    assert found == {(3, "toimenpide", "J-1-9"), (4, "tila", "joo"), (4, "päivämäärä", "2024-13-01")}
    assert checksums(db, TABLES) == before


def test_import_unknown_column_rejected(db):
    with pytest.raises(ActionStatusRejected) as info:
        import_status_bytes(b"toimenpide,kunta,tila,salaisuus\nJ-1-1,Kuopio,ei,x\n", "t.csv", db=db)
    assert info.value.problems[0].column == "salaisuus"


def test_cli_set_export_import(db, tmp_path, capsys):
    assert cli(["action-status", "set", "--action", "J-1-1", "--municipality", "Jorois", "--status", "osittain",
                "--date", "2024-06-01", "--note", "kesken", "--by", "Liisa", "--db", str(db)]) == 0
    assert cli(["action-status", "set", "--action", "NOPE", "--municipality", "Jorois", "--status", "ei",
                "--db", str(db)]) == 1
    assert "tuntematon toimenpide" in capsys.readouterr().err
    out = tmp_path / "tilat.csv"
    assert cli(["action-status", "export", "--out", str(out), "--db", str(db)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "J-1-1;Joroinen;171;osittain;2024-06-01;kesken;Liisa;" in text
    assert cli(["action-status", "import", str(out), "--db", str(db)]) == 0
    assert "ei muutoksia" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("toimenpide;kunta;tila\nJ-1-1;Atlantis;kyllä\n", encoding="utf-8")
    assert cli(["action-status", "import", str(bad), "--db", str(db)]) == 1
    assert "rivi 2, sarake 'kunta', arvo 'Atlantis'" in capsys.readouterr().err


def test_swedish_status_words_are_stored_as_the_files_codes(db):
    data = ("toimenpide;kunta;tila;päivämäärä\n"
            "J-1-1;Kuopio;ja;2024-01-01\n"
            "J-1-1;Siilinjärvi;Delvis;2024-01-01\n"
            "J-1-1;Iisalmi;nej;2024-01-01\n").encode("utf-8")
    assert import_status_bytes(data, "status.csv", db=db) == 3
    _, current = _history(db)
    stored = dict(zip(current["kunta"], current["tila"]))
    assert stored == {"Kuopio": "kyllä", "Siilinjärvi": "osittain", "Iisalmi": "ei"}
