"""The page data stored at load time (readmodel/precomputed.py) answers exactly like the live computation,
is recomputed by every load, and is never used when it does not fit the question."""
from __future__ import annotations

import json
import subprocess
from datetime import date
import sys
from unittest import mock

import pandas as pd
import pytest

from store.warehouse import connect_read, writing
from tests.conftest import PROJECT_ROOT
from readmodel import derive, page_data, precomputed, view_data


def fast_and_live(call):
    fast = call()
    with mock.patch.object(precomputed, "state", lambda con: None):
        live = call()
    return fast, live


def assert_same(fast, live):
    if isinstance(fast, dict):
        assert fast.keys() == live.keys()
        for key in fast:
            assert_same(fast[key], live[key])
    elif isinstance(fast, pd.DataFrame):
        pd.testing.assert_frame_equal(fast.reset_index(drop=True), live.reset_index(drop=True), check_dtype=False)
    elif isinstance(fast, list):  # region_summary: items of plain values (numpy scalars when computed live)
        plain = lambda items: json.dumps(items, ensure_ascii=False, default=derive._plain)  # noqa: E731
        assert plain(fast) == plain(live)
    else:
        assert fast == live


def test_a_load_leaves_current_precomputed_tables(demo_db):
    with connect_read(demo_db) as con:
        current = precomputed.state(con)
        newest = con.execute("SELECT max(year) FROM observation").fetchone()[0]
        assert current is not None and current.max_year == newest
        assert ("KUNTA", "749") in current.regions and ("MAA", "358") in current.regions
        stored = con.execute("SELECT count(*) FROM pre_series").fetchone()[0]
        expected = con.execute(
            """SELECT count(*) FROM indicator_values v JOIN region r ON r.category = v.region_category
               AND r.code = v.region_code WHERE r.category <> 'KUNTA' OR r.is_own""").fetchone()[0]
        assert stored == expected > 0


def test_every_deployment_region_gets_the_same_page_data_both_ways(demo_db):
    with connect_read(demo_db) as con:
        regions = page_data.deployment_regions(con)
        newest = precomputed.state(con).max_year
        for category, code in zip(regions["category"], regions["code"]):
            assert_same(*fast_and_live(lambda: page_data.region_indicator_table(con, category, code)))
            assert_same(*fast_and_live(lambda: page_data.goal_status(con, category, code)))
            assert_same(*fast_and_live(lambda: page_data.region_summary(con, category, code)))
        # The pages pass the year slider's value: the newest year is the same question as no limit.
        assert_same(*fast_and_live(lambda: page_data.region_indicator_table(con, "KUNTA", "749", newest)))
        assert_same(*fast_and_live(lambda: page_data.tilannekuva(con)))
        assert_same(*fast_and_live(lambda: page_data.action_status(con)))
        assert_same(*fast_and_live(lambda: page_data.data_years(con)))
        assert_same(*fast_and_live(lambda: page_data.demo_share(con)))
        assert_same(*fast_and_live(lambda: page_data.overview(con)))
        wanted = [("KUNTA", "297"), ("PALVELUALUE", page_data.area_of(con, "297")), ("MAA", "358")]
        assert_same(*fast_and_live(lambda: page_data.observations(con, wanted, None, 2020, "total", 2012)))
        fast, live = fast_and_live(lambda: page_data.series(con, wanted))  # series() promises no row order
        keys = ["indicator_id", "region_category", "region_code", "gender", "year"]
        assert_same(fast.sort_values(keys), live.sort_values(keys))
        inds = page_data.indicators(con)
        for goal in (1, 2, 3, 4):  # the comparison page's heatmap, cells in any order
            ids = [int(i) for i in inds[inds["goals"].map(lambda g: goal in list(g))]["id"]]
            fast, live = fast_and_live(lambda: view_data.heatmap(con, ids, newest))
            assert len(fast) > 0
            assert_same(fast.sort_values(["region_code", "indicator_id"]), live.sort_values(["region_code", "indicator_id"]))


def test_questions_the_stored_tables_do_not_answer_are_computed_live(demo_db):
    with connect_read(demo_db) as con:
        newest = precomputed.state(con).max_year
        with mock.patch.object(precomputed, "indicator_rows", side_effect=AssertionError("stored rows used")):
            earlier = page_data.region_indicator_table(con, "KUNTA", "749", newest - 3)
            assert earlier["year"].max() <= newest - 3
            # Kuopio compared with the country only: not the default references.
            only_country = page_data.region_indicator_table(con, "KUNTA", "297", None, [("vs_country", "MAA", "358")])
            assert "vs_country" in only_country and "vs_hva" not in only_country
        with mock.patch.object(precomputed, "frame", side_effect=AssertionError("stored table used")):
            page_data.action_status(con, 2024)
            page_data.overview(con, 2024)
            page_data.tilannekuva(con, newest - 1)
        with mock.patch.object(precomputed, "summary", side_effect=AssertionError("stored summary used")):
            page_data.region_summary(con, "KUNTA", "749", newest - 1)
            page_data.region_summary(con, "KUNTA", "749", None, 2024)


def test_a_load_recomputes_and_reads_inside_a_load_are_live(fresh_db):
    from data_sources.action_status import record_status

    with connect_read(fresh_db) as con:
        before = page_data.action_status(con)
    row = before[(before["action_id"] == "J-1-1") & (before["municipality_code"] == "749")].iloc[0]
    new_status = "ei" if row["status"] == "kyllä" else "kyllä"
    record_status("J-1-1", "749", new_status, date.today().isoformat(), by="testi", db=fresh_db)
    with connect_read(fresh_db) as con:
        assert precomputed.state(con) is not None
        after = page_data.action_status(con)
        assert_same(*fast_and_live(lambda: page_data.action_status(con)))
        assert_same(*fast_and_live(lambda: page_data.data_years(con)))
        assert_same(*fast_and_live(lambda: page_data.demo_share(con)))
    changed = after[(after["action_id"] == "J-1-1") & (after["municipality_code"] == "749")].iloc[0]
    assert changed["status"] == new_status

    with writing("test", path=fresh_db) as load:
        assert precomputed.state(load.con) is None  # what a loader reads mid-load is computed from its data


def test_tables_stored_by_other_code_are_ignored_and_ensure_recomputes_them(fresh_db):
    with connect_read(fresh_db) as con:
        assert precomputed.state(con) is not None
    with mock.patch.object(precomputed, "FINGERPRINT", "older-code"):
        with connect_read(fresh_db) as con:
            assert precomputed.state(con) is None and precomputed.is_stale(con)
    # A file whose tables were stored by older code (refresh switched off to leave its meta behind).
    with writing("test", path=fresh_db, derive=[]) as load:
        load.con.execute("INSERT INTO meta VALUES (?, ?)",
                         [precomputed.META_KEY, '{"fingerprint": "older-code", "min_year": 2010, "max_year": 2024}'])
    with connect_read(fresh_db) as con:
        assert precomputed.state(con) is None
    done = subprocess.run([sys.executable, "-m", "data_sources", "ensure", "--db", str(fresh_db)], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "laskettu uudelleen" in done.stdout
    with connect_read(fresh_db) as con:
        assert precomputed.state(con) is not None
        last = con.execute("SELECT source, status FROM load_log ORDER BY load_id DESC LIMIT 1").fetchone()
    assert last == ("precompute", "ok")


def test_an_empty_database_stores_nothing_and_pages_compute_live(tmp_path):
    path = tmp_path / "empty.duckdb"
    with writing("test", path=path):
        pass
    with connect_read(path) as con:
        assert precomputed.state(con) is None and not precomputed.is_stale(con)
        assert page_data.tilannekuva(con)["indicators"].empty


@pytest.mark.parametrize("table", precomputed.TABLES)
def test_every_stored_table_exists_after_a_load(demo_db, table):
    with connect_read(demo_db) as con:
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0


def _stored_tables(path) -> dict[str, pd.DataFrame]:
    with connect_read(path) as con:
        return {name: con.execute(f"SELECT * FROM {name}").df() for name in precomputed.TABLES}


def test_a_load_that_leaves_the_statistics_keeps_their_tables_and_stores_what_a_full_recompute_would(fresh_db, tmp_path):
    from data_sources.action_status import record_status

    with mock.patch.object(derive.mexport, "indicator_table", side_effect=AssertionError("recomputed")):
        record_status("J-1-1", "749", "kyllä", date.today().isoformat(), by="testi", db=fresh_db)
    partial = _stored_tables(fresh_db)
    with connect_read(fresh_db) as con:
        assert precomputed.state(con) is not None
        statuses = page_data.action_status(con)
    assert statuses[(statuses["action_id"] == "J-1-1") & (statuses["municipality_code"] == "749")]["status"].item() == "kyllä"

    whole = tmp_path / "whole.duckdb"
    whole.write_bytes(fresh_db.read_bytes())
    with writing("test", path=whole, derive=[]) as load:
        load.con.execute("DELETE FROM meta WHERE key = ?", [derive.INPUTS_KEY])
        assert derive.refresh(load.con)["statistics_kept"] is False
    for name, frame in _stored_tables(whole).items():
        pd.testing.assert_frame_equal(partial[name], frame, check_dtype=False, obj=name)


def test_a_load_that_changes_a_statistic_recomputes_the_indicator_tables(fresh_db):
    calls = []
    real = derive.mexport.indicator_table
    with mock.patch.object(derive.mexport, "indicator_table", lambda *a, **k: calls.append(1) or real(*a, **k)):
        with writing("test", path=fresh_db) as load:
            load.con.execute("UPDATE observation SET value = value + 1 WHERE region_code = '749' AND indicator_id = "
                             "(SELECT min(indicator_id) FROM observation WHERE region_code = '749')")
    assert calls == [1]
    with connect_read(fresh_db) as con:
        assert precomputed.state(con) is not None
        assert_same(*fast_and_live(lambda: page_data.region_indicator_table(con, "KUNTA", "749")))
