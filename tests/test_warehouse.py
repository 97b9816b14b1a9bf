"""The warehouse: schema, stable views, migrations, and loads that fail or die leave the file as it was."""
from __future__ import annotations

import hashlib
import json

import duckdb
import pytest

from store.warehouse import (
    SCHEMA_VERSION, WarehouseError, connect_read, database_version, interrupted_load, migrate, writing,
)

INDICATOR_VALUES = [
    ("indicator_id", "INTEGER"), ("indicator_title", "VARCHAR"), ("region_code", "VARCHAR"), ("region_name", "VARCHAR"),
    ("region_category", "VARCHAR"), ("year", "INTEGER"), ("gender", "VARCHAR"), ("value", "DOUBLE"),
    ("abs_value", "DOUBLE"), ("is_demo", "BOOLEAN"),
]
SURVEY_ANSWERS = [
    ("year", "INTEGER"), ("municipality_code", "VARCHAR"), ("respondent_role", "VARCHAR"), ("question_id", "VARCHAR"),
    ("answer", "VARCHAR"), ("is_demo", "BOOLEAN"),
]


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def columns(con, view):
    return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {view}").fetchall()]


def test_stable_views_have_the_agreed_columns_and_types(demo_db):
    con = connect_read(demo_db)
    assert columns(con, "indicator_values") == INDICATOR_VALUES
    assert columns(con, "survey_answers") == SURVEY_ANSWERS
    categories = {r[0] for r in con.execute("SELECT DISTINCT region_category FROM indicator_values").fetchall()}
    assert categories == {"KUNTA", "PALVELUALUE", "TYP_ALUE", "HYVINVOINTIALUE", "MAAKUNTA", "MAA"}


def test_region_is_category_and_code_not_code_alone(fresh_db):
    """The hospital district shares code '13' with the HVA: a region is always (category, code)."""
    with writing("test", path=fresh_db) as load:
        load.con.execute("INSERT INTO region (category, code, name_fi, sotkanet_id) VALUES ('SAIRAANHOITOPIIRI', '13', 'Pohjois-Savon sairaanhoitopiiri', 611)")
        load.con.execute("INSERT INTO observation VALUES (181, 'SAIRAANHOITOPIIRI', '13', 2024, 'total', 99.0, NULL, FALSE, NULL)")
    con = connect_read(fresh_db)
    hva = con.execute("SELECT value FROM indicator_values WHERE indicator_id = 181 AND year = 2024 AND region_category = 'HYVINVOINTIALUE' AND region_code = '13'").fetchall()
    assert len(hva) == 1 and hva[0][0] != 99.0
    # The hospital district is not a region category of the view's contract, but it does not leak into the HVA.
    both = con.execute("SELECT count(*) FROM indicator_values WHERE indicator_id = 181 AND year = 2024 AND region_code = '13'").fetchone()[0]
    assert both == 2


def test_failed_load_leaves_the_file_byte_for_byte_unchanged(fresh_db):
    before = sha(fresh_db)
    with pytest.raises(RuntimeError):
        with writing("test", path=fresh_db) as load:
            load.con.execute("DELETE FROM observation")
            raise RuntimeError("boom")
    assert sha(fresh_db) == before
    assert interrupted_load(fresh_db) is None
    assert not list(fresh_db.parent.glob(".*.tmp"))


def test_a_load_killed_after_its_swap_is_not_reported_interrupted(fresh_db):
    """Killed between swapping its file in and removing its marker, the load did finish: the next load
    finds it in the load log and reports nothing (the kill test met this window once in a few dozen kills)."""
    with writing("survey", path=fresh_db) as load:
        finished = load.load_id
    marker = fresh_db.with_name(fresh_db.name + ".inflight")
    marker.write_text(json.dumps({"source": "survey", "load_id": finished, "started_at": "2026-01-01T00:00:00"}),
                      encoding="utf-8")
    with writing("test", path=fresh_db):
        pass
    con = connect_read(fresh_db)
    assert con.execute("SELECT count(*) FROM load_log WHERE status = 'interrupted'").fetchone()[0] == 0
    con.close()
    assert not marker.exists()


def test_killed_load_is_reported_interrupted_by_the_next_load(fresh_db):
    marker = fresh_db.with_name(fresh_db.name + ".inflight")
    marker.write_text('{"source": "sotkanet", "started_at": "2026-01-01T00:00:00"}', encoding="utf-8")
    (fresh_db.parent / f".{fresh_db.name}.999.dead.tmp").write_bytes(b"half a database")
    assert interrupted_load(fresh_db)["source"] == "sotkanet"
    with writing("test", path=fresh_db):
        pass
    con = connect_read(fresh_db)
    rows = con.execute("SELECT source, status FROM load_log WHERE status = 'interrupted'").fetchall()
    assert rows == [("sotkanet", "interrupted")]
    assert not marker.exists()
    assert not list(fresh_db.parent.glob(".*.tmp"))


def test_readers_keep_their_snapshot_and_new_readers_see_the_swap(fresh_db):
    old_reader = connect_read(fresh_db)
    version = database_version(fresh_db)
    count = old_reader.execute("SELECT count(*) FROM observation").fetchone()[0]
    with writing("test", path=fresh_db) as load:
        load.con.execute("DELETE FROM observation WHERE indicator_id = 181")
    assert database_version(fresh_db) != version
    assert old_reader.execute("SELECT count(*) FROM observation").fetchone()[0] == count
    new_reader = connect_read(fresh_db)
    assert new_reader.execute("SELECT count(*) FROM observation").fetchone()[0] < count


def test_an_older_schema_is_migrated_in_place(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    con.execute("INSERT INTO meta VALUES ('schema_version', '0')")
    assert migrate(con) == SCHEMA_VERSION
    con.close()
    reader = connect_read(path)
    assert reader.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)


def test_a_newer_schema_than_the_program_is_refused(tmp_path):
    path = tmp_path / "new.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION + 1)])
    with pytest.raises(WarehouseError, match="uudempi"):
        migrate(con)


def test_version_1_file_is_migrated_and_keeps_its_own_municipalities(tmp_path):
    from store.warehouse import MIGRATIONS

    path = tmp_path / "v1.duckdb"
    con = duckdb.connect(str(path))
    con.execute(MIGRATIONS[0])
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("INSERT INTO region VALUES ('KUNTA', '749', 'Siilinjärvi', NULL, 351), ('KUNTA', '091', 'Helsinki', 'Helsingfors', 46)")
    con.execute("INSERT INTO region_member VALUES ('PALVELUALUE', 'PK-KESKI', '749', 'verified', 'seed')")
    con.execute("INSERT INTO observation VALUES (181, 'KUNTA', '749', 2024, 'total', 5.0, 50, FALSE, NULL)")
    con.close()
    with writing("test", path=path):
        pass
    reader = connect_read(path)
    assert reader.execute("SELECT code FROM own_municipality").fetchall() == [("749",)]
    assert reader.execute("SELECT count(*) FROM observation").fetchone()[0] == 1


def test_national_municipalities_do_not_join_the_regions_own_lists(fresh_db):
    from readmodel import page_data

    with writing("test", path=fresh_db) as load:
        load.con.execute("INSERT INTO region (category, code, name_fi) VALUES ('KUNTA', '091', 'Helsinki')")
    con = connect_read(fresh_db)
    assert len(page_data.municipalities(con)) == 19
    assert "091" not in set(page_data.deployment_regions(con)["code"])
    assert "091" in set(page_data.regions(con)["code"]), "analysts can still pick it on the trends page"
