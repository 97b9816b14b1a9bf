"""Kuntafoorumin tilannekuvat: save (CLI), list, and what changed since."""
from __future__ import annotations

import duckdb

from data_sources.__main__ import main as cli
from readmodel.snapshots import HVA_KEY, diff
from store.warehouse import connect_read


def test_save_and_list_through_the_cli(fresh_db, capsys):
    assert cli(["snapshot", "save", "--name", "Kuntafoorumi kevät 2024", "--year", "2023", "--db", str(fresh_db)]) == 0
    assert cli(["snapshot", "list", "--db", str(fresh_db)]) == 0
    assert "Kuntafoorumi kevät 2024" in capsys.readouterr().out
    con = duckdb.connect(str(fresh_db), read_only=True)
    assert con.execute("SELECT source, status FROM load_log ORDER BY load_id DESC LIMIT 1").fetchone() == ("snapshot", "ok")
    assert cli(["snapshot", "save", "--name", "  ", "--db", str(fresh_db)]) == 1
    capsys.readouterr()
    before = con.execute("SELECT count(*) FROM snapshot").fetchone()[0]
    con.close()
    # the same name again (any case) is refused with a message, not stored twice
    assert cli(["snapshot", "save", "--name", "KUNTAFOORUMI kevät 2024", "--db", str(fresh_db)]) == 1
    assert "on jo tallennettu" in capsys.readouterr().err
    con = duckdb.connect(str(fresh_db), read_only=True)
    assert con.execute("SELECT count(*) FROM snapshot").fetchone()[0] == before
    con.close()


def test_diff_reports_new_years_trend_changes_and_completed_actions(fresh_db):
    from readmodel import view_data

    assert cli(["snapshot", "save", "--name", "vanha", "--year", "2022", "--db", str(fresh_db)]) == 0
    con = connect_read(fresh_db)
    sid = con.execute("SELECT snapshot_id FROM snapshot WHERE name = 'vanha'").fetchone()[0]  # meetings' come first
    changes = view_data.snapshot_diff(con, sid, HVA_KEY)
    assert len(changes["new_years"]) > 10
    assert set(changes["new_years"]["Nyt"]) == {2024}
    mine = view_data.snapshot_diff(con, sid, "297")
    assert {"Indikaattori", "Ennen", "Nyt"} <= set(mine["trend_changes"].columns) | {"Indikaattori", "Ennen", "Nyt"}


def test_diff_is_pure():
    old = {"indicators": {HVA_KEY: {"1": {"year": 2022, "trend": "paranee"}, "2": {"year": 2023, "trend": "ennallaan"}}},
           "actions": {"A-1": {"297": "ei", "749": "kyllä"}}}
    new = {"indicators": {HVA_KEY: {"1": {"year": 2023, "trend": "heikkenee"}, "2": {"year": 2023, "trend": "ennallaan"},
                                    "3": {"year": 2023, "trend": None}}},
           "actions": {"A-1": {"297": "kyllä", "749": "kyllä"}}}
    out = diff(old, new)
    assert out["new_years"] == [(1, 2022, 2023), (3, None, 2023)]
    assert out["trend_changes"] == [(1, "paranee", "heikkenee")]
    assert out["actions_completed"] == [("A-1", "297")]
    assert diff(old, new, "749")["actions_completed"] == []
