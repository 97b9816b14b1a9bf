"""Refresh while serving: page queries in several threads while loads replace data and swap the file.

Readers use what the app uses (connect_read + readmodel.page_data), keep their connection until
database_version() changes and then reopen. The writer runs real writing() loads that replace every
observation of several indicators with a new version number. Every read must see exactly one version
(never a mix of old and new rows, never a half-written indicator), versions never go backwards within
a reader, and nothing raises.
"""
from __future__ import annotations

import os
import threading
import time

from store.warehouse import connect_read, database_version, writing
from readmodel import page_data

READERS = int(os.environ.get("TILANNEKUVA_TEST_READERS", "4"))
LONG = os.environ.get("TILANNEKUVA_LONG_TESTS") == "1"
LOADS = 40 if LONG else 5
YEARS = range(2010, 2025)


def _replace(db, ids: list[int], version: int) -> None:
    """One full load: all rows of `ids` deleted and written again with value = version."""
    with writing("test-concurrency", params={"version": version}, path=db) as load:
        con = load.con
        con.execute("DELETE FROM observation WHERE list_contains(?, indicator_id)", [ids])
        con.execute(
            """INSERT INTO observation
               SELECT i, 'KUNTA', r.code, y, 'total', CAST(? AS DOUBLE), NULL, FALSE, ?
               FROM unnest(?::INTEGER[]) t(i), (SELECT code FROM region WHERE category = 'KUNTA') r,
                    range(?, ?) s(y)""",
            [version, load.load_id, ids, YEARS[0], YEARS[-1] + 1])
        load.rows = len(ids)


def test_readers_see_old_or_new_never_a_mix(fresh_db):
    con = connect_read(fresh_db)
    ids = [int(i) for i in page_data.indicators(con)["id"]][:6]
    munis = [("KUNTA", c) for c in page_data.municipalities(con)["code"]]
    con.close()
    expected_rows = len(ids) * len(munis) * len(YEARS)
    _replace(fresh_db, ids, 0)

    done = threading.Event()
    errors: list[str] = []
    seen: list[set[int]] = [set() for _ in range(READERS)]
    reads = [0] * READERS

    def reader(n: int) -> None:
        version, con, last = None, None, -1
        try:
            while not done.is_set():
                current = database_version(fresh_db)
                if current != version:
                    if con is not None:
                        con.close()
                    con, version = connect_read(fresh_db), current
                obs = page_data.observations(con, munis, ids)
                values = set(obs["value"].dropna().astype(int))
                if len(values) != 1 or len(obs) != expected_rows:
                    errors.append(f"reader {n}: mixed read: versions {sorted(values)}, {len(obs)} rows")
                    return
                v = values.pop()
                if v < last:
                    errors.append(f"reader {n}: went back from version {last} to {v}")
                    return
                last = v
                seen[n].add(v)
                reads[n] += 1
                if reads[n] % 10 == 0:  # a heavier page query now and then, on the same connection
                    table = page_data.region_indicator_table(con, "KUNTA", "297")
                    got = set(table.loc[table["indicator_id"].isin(ids), "value"].dropna().astype(int))
                    if len(got) > 1:
                        errors.append(f"reader {n}: page table mixes versions {sorted(got)}")
                        return
        except Exception as exc:  # noqa: BLE001 - any error is a failure of the design
            errors.append(f"reader {n}: {exc.__class__.__name__}: {exc}")
        finally:
            if con is not None:
                con.close()

    threads = [threading.Thread(target=reader, args=(n,), daemon=True) for n in range(READERS)]
    for t in threads:
        t.start()
    try:
        for version in range(1, LOADS + 1):
            _replace(fresh_db, ids, version)
            time.sleep(0.05)
    finally:
        deadline = time.monotonic() + 30  # let every reader reach the last version (it must, by reopening)
        while time.monotonic() < deadline and not errors and not all(LOADS in s for s in seen):
            time.sleep(0.05)
        done.set()
        for t in threads:
            t.join(60)
    assert not errors, errors
    assert all(r > 0 for r in reads), reads
    all_seen = set().union(*seen)
    assert len(all_seen) >= 3, f"readers saw too few versions to prove anything: {sorted(all_seen)}"
    assert all(LOADS in s for s in seen), "a reader never reopened onto the last version"
    con = connect_read(fresh_db)
    assert con.execute("SELECT count(*) FROM load_log WHERE source = 'test-concurrency' AND status = 'ok'"
                       ).fetchone()[0] == LOADS + 1
    con.close()


def test_open_reader_keeps_its_snapshot_across_many_swaps(fresh_db):
    con = connect_read(fresh_db)
    ids = [int(i) for i in page_data.indicators(con)["id"]][:2]
    con.close()
    _replace(fresh_db, ids, 100)
    old = connect_read(fresh_db)
    for v in (101, 102, 103):
        _replace(fresh_db, ids, v)
    got = old.execute("SELECT DISTINCT value FROM observation WHERE list_contains(?, indicator_id)", [ids]).fetchall()
    assert got == [(100.0,)]
    new = connect_read(fresh_db)
    assert new.execute("SELECT DISTINCT value FROM observation WHERE list_contains(?, indicator_id)",
                       [ids]).fetchall() == [(103.0,)]
    old.close()
    new.close()
