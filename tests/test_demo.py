"""The demo builder: complete, deterministic, labelled — and never mistaken for real data."""
from __future__ import annotations

import subprocess
import sys

from data_sources.demo import build_demo
from store.warehouse import connect_read, table_checksum


def test_every_indicator_for_every_region_and_year(demo_db):
    con = connect_read(demo_db)
    n_ind = con.execute("SELECT count(*) FROM indicator WHERE in_catalogue").fetchone()[0]
    cells = con.execute(
        """SELECT region_category, count(DISTINCT region_code), count(DISTINCT indicator_id), min(year), max(year),
                  count(DISTINCT year), bool_and(is_demo)
           FROM indicator_values WHERE region_category IN ('KUNTA', 'HYVINVOINTIALUE', 'MAAKUNTA', 'MAA')
           GROUP BY 1 ORDER BY 1""").fetchall()
    by_cat = {c[0]: c[1:] for c in cells}
    assert by_cat["KUNTA"] == (19, n_ind, 2010, 2024, 15, True)
    for category in ("HYVINVOINTIALUE", "MAAKUNTA", "MAA"):
        assert by_cat[category] == (1, n_ind, 2010, 2024, 15, True)
    missing = con.execute("SELECT count(*) FILTER (WHERE value IS NULL), count(*) FROM observation WHERE region_category = 'KUNTA'").fetchone()
    assert 0 < missing[0] < 0.1 * missing[1], "some values are missing, as suppressed real values are"


def test_small_municipalities_are_noisier(demo_db):
    con = connect_read(demo_db)
    noise = dict(con.execute(
        """WITH s AS (SELECT region_code, value - lag(value) OVER (PARTITION BY region_code ORDER BY year) AS d
                      FROM observation WHERE indicator_id = 181 AND region_category = 'KUNTA')
           SELECT region_code, stddev(d) FROM s GROUP BY 1""").fetchall())
    assert noise["844"] > 2 * noise["297"]  # Tervo vs Kuopio


def test_load_log_and_survey_say_demo(demo_db):
    con = connect_read(demo_db)
    assert con.execute("SELECT bool_and(is_demo) FROM load_log WHERE source IN ('demo', 'survey')").fetchone()[0]
    years = con.execute("SELECT DISTINCT year FROM survey_answers WHERE is_demo ORDER BY 1").fetchall()
    assert [y[0] for y in years] == [2024, 2025]
    assert con.execute("SELECT count(*) FROM survey_file WHERE is_demo").fetchone()[0] == 2


def test_deterministic(demo_db, tmp_path):
    again = tmp_path / "again.duckdb"
    build_demo(again)
    a, b = connect_read(demo_db), connect_read(again)
    for table in ("observation", "derived_observation", "survey_answer"):
        assert table_checksum(a, table, "") != "0:0"
    assert a.execute("SELECT sum(value), count(*) FROM observation").fetchall() == b.execute("SELECT sum(value), count(*) FROM observation").fetchall()


def test_status_command_shows_the_demo(demo_db):
    out = subprocess.run([sys.executable, "-m", "data_sources", "status", "--db", str(demo_db)],
                         capture_output=True, text=True, check=True).stdout
    assert "ESIMERKKI" in out and "19 kuntaa" in out and "vuodet 2010–2024" in out


def test_cli_help_lists_the_commands():
    out = subprocess.run([sys.executable, "-m", "data_sources", "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("demo", "status", "ensure"):
        assert command in out
