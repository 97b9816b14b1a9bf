"""The forum's year as data (issue 14): the region folder's meetings and deliverables, meetings and decisions
added by a coordinator, and the schema step that adds them to an existing database without data loss."""
from __future__ import annotations

import shutil
from datetime import date

import duckdb
import pytest

from data_sources import meetings
from data_sources.__main__ import main
from store.config import region_config
from store.warehouse import MIGRATIONS, SCHEMA_VERSION, connect_read


def test_the_region_folder_year_follows_the_plan(demo_db):
    with connect_read(demo_db) as con:
        rows = con.execute("SELECT meeting_id, kind, meeting_date, date_status, basis_fi, area_code FROM meeting"
                           " ORDER BY meeting_date").fetchall()
        areas = {r[0] for r in con.execute("SELECT code FROM region WHERE category = 'PALVELUALUE'").fetchall()}
        deliverables = con.execute("SELECT kind, party_fi, text_fi, check_kind FROM deliverable").fetchall()
    kinds = {}
    for meeting_id, kind, day, status, basis, area in rows:
        kinds.setdefault((kind, day.year), []).append(meeting_id)
        assert basis, meeting_id  # every row says which words of the plan it rests on
        assert status == "assumed"  # the plan gives the rhythm, never the day
        if kind == "palvelukeskustelu":
            assert area in areas
    for year in (2025, 2026, 2027):
        assert len(kinds[("kuntafoorumi", year)]) == 2  # "kokoontuu kaksi kertaa vuodessa"
        assert len(kinds[("kompassikysely", year)]) == 1  # the yearly survey
        assert len(kinds[("hyte_neuvottelu", year)]) == 1  # yearly HYTE negotiations
        assert len(kinds[("palvelukeskustelu", year)]) == len(areas)  # once a year per area
    assert len([k for k in kinds if k[0] == "neuvottelu_14"]) == 1  # once per council term: 2025
    assert {d[0] for d in deliverables} >= {"kuntafoorumi", "palvelukeskustelu", "hyte_neuvottelu"}
    assert all(check in (None, *meetings.CHECKS) for *_, check in deliverables)


def test_a_broken_meetings_file_is_rejected_with_row_and_column(tmp_path):
    config = region_config()
    folder = tmp_path / "region"
    shutil.copytree(config.folder, folder)
    text = (folder / "meetings.csv").read_text(encoding="utf-8").splitlines()
    text.append("KF-X,kokous,2027-13-01,,Rikki,PK-EI,,maybe,")
    (folder / "meetings.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    broken = type(config)(**{**config.__dict__, "folder": folder})
    with pytest.raises(meetings.MeetingRejected) as caught:
        meetings.parse_year(broken, {"PK-KUOPIO"})
    problems = "\n".join(caught.value.problems)
    row = len(text)
    assert f"meetings.csv rivi {row}, sarake kind" in problems
    assert f"meetings.csv rivi {row}, sarake date" in problems
    assert f"meetings.csv rivi {row}, sarake area_code" in problems
    assert f"meetings.csv rivi {row}, sarake date_status" in problems


def test_a_coordinator_adds_a_meeting_and_records_a_decision_linked_to_an_action(fresh_db, capsys):
    assert main(["--db", str(fresh_db), "meeting", "add", "--kind", "kuntafoorumi", "--date", "2027-05-20",
                 "--title", "Kuntafoorumi kevät 2027 (siirretty)", "--parties", "Kunnat; HVA"]) == 0
    meeting_id = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    assert meeting_id == "ADM-20270520-1"
    decision = meetings.record_decision(meeting_id, "Ikääntyneiden asumisen työryhmä raportoi syksyllä",
                                        kind="sovittu toimenpide", action_id="J-2-1", responsible="HVA",
                                        due="2027-09-30", by="koordinaattori", db=fresh_db)
    with connect_read(fresh_db) as con:
        row = con.execute("SELECT meeting_id, kind, action_id, due_date, recorded_by FROM meeting_decision"
                          " WHERE decision_id = ?", [decision]).fetchone()
    assert row == (meeting_id, "sovittu toimenpide", "J-2-1", date(2027, 9, 30), "koordinaattori")
    # an unknown action or meeting, a control character: refused, nothing written
    for kwargs in ({"action_id": "X-9-9"}, {"text": "rivi\x07"}):
        with pytest.raises(meetings.MeetingRejected):
            meetings.record_decision(meeting_id, kwargs.pop("text", "teksti"), db=fresh_db, **kwargs)
    assert main(["--db", str(fresh_db), "meeting", "decide", "--meeting", "EI-OLE", "--text", "x"]) == 1
    # reloading the folder keeps the coordinator's meeting and every decision
    meetings.load_year(path=fresh_db)
    with connect_read(fresh_db) as con:
        assert con.execute("SELECT count(*) FROM meeting WHERE meeting_id = ?", [meeting_id]).fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM meeting_decision").fetchone()[0] == 1


def test_a_version_4_database_gets_the_year_without_losing_data(fresh_db, tmp_path):
    old = tmp_path / "v4.duckdb"
    con = duckdb.connect(str(old))
    for step in MIGRATIONS[:4]:
        con.execute(step)
    con.execute("INSERT INTO meta VALUES ('schema_version', '4')")
    con.execute("INSERT INTO snapshot VALUES (1, 'Kuntafoorumi syksy 2025', now(), '{}')")
    con.execute("INSERT INTO action_status (action_id, municipality_code, status, status_date, recorded_by, recorded_at)"
                " VALUES ('J-2-1', '297', 'kyllä', DATE '2025-09-01', 'x', now())")
    con.close()
    assert main(["--db", str(old), "ensure"]) == 0
    with connect_read(old) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
        assert con.execute("SELECT name FROM snapshot").fetchall() == [("Kuntafoorumi syksy 2025",)]
        assert con.execute("SELECT count(*) FROM action_status").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM meeting").fetchone()[0] == 0
