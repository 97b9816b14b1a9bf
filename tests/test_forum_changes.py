"""Issue 14: the year's meeting snapshots, "changed since the last kuntafoorumi", and each load's change alerts.

The demo year is built, every meeting whose day has come gets its snapshot, then the data is changed in
known ways; the diff must list exactly those changes, with municipality names, and the Atom feed must parse
as Atom with its required elements."""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from xml.etree import ElementTree as ET

import pytest

from common.clock import local_today
from data_sources import action_status, meetings
from data_sources.__main__ import main
from readmodel import changes, forum
from store.warehouse import connect_read, writing

TODAY = date(2026, 12, 3)  # after the autumn forum 2026 (19.11.), before the survey window 2027
ATOM = "{http://www.w3.org/2005/Atom}"


def _code(con, name):
    return con.execute("SELECT code FROM region WHERE category = 'KUNTA' AND name_fi = ?", [name]).fetchone()[0]


@pytest.fixture
def year_db(fresh_db):
    forum.take_due_snapshots(fresh_db, TODAY)
    with connect_read(fresh_db) as con:
        snapped = {r[0] for r in con.execute("SELECT meeting_id FROM meeting_snapshot").fetchall()}
    assert "KF-2026-2" in snapped and "KK-2026" not in snapped  # a survey window is not a meeting
    assert forum.take_due_snapshots(fresh_db, TODAY) == []  # idempotent: nothing is due twice
    return fresh_db


def test_the_first_load_after_a_meeting_day_keeps_the_data_of_that_day(fresh_db):
    today = local_today()
    meeting_id = meetings.add_meeting("kuntafoorumi", today, "Ylimääräinen kuntafoorumi", db=fresh_db)
    with connect_read(fresh_db) as con:  # its own load took it: the picture before the meeting was added
        assert con.execute("SELECT reason FROM meeting_snapshot WHERE meeting_id = ?", [meeting_id]).fetchone() == ("päivä",)
    action_status.record_status("J-3-1", "Tervo", "kyllä", note="kokouksen jälkeen", db=fresh_db)
    with connect_read(fresh_db) as con:
        since = forum.since_last_forum(con, changes.HVA_KEY, today)
    assert since["meeting_id"] == meeting_id
    assert [x["text"].rsplit(" — ", 1)[-1] for x in since["lines"] if x["kind"] == "action"] == ["Tervo"]


def test_the_diff_lists_exactly_the_changes_made(year_db):
    path = year_db
    with connect_read(path) as con:
        tervo, kuopio = _code(con, "Tervo"), _code(con, "Kuopio")
        base = forum.since_last_forum(con, changes.HVA_KEY, TODAY)
        assert base["meeting_id"] == "KF-2026-2" and base["changes"] == []
        # an indicator of Tervo whose latest value we push far above everything: its trend and/or comparison move
        ind, year, value = con.execute(
            """SELECT indicator_id, year, value FROM observation WHERE region_category = 'KUNTA' AND region_code = ?
               AND gender = 'total' AND value IS NOT NULL AND indicator_id IN (SELECT indicator_id FROM pre_indicator
                   WHERE region_code = ? AND gender = 'total' AND trend_class = 'ennallaan' AND vs_hva = 'samaa tasoa')
               ORDER BY indicator_id, year DESC LIMIT 1""", [tervo, tervo]).fetchone()
        updated_ind = con.execute("SELECT min(id) FROM indicator WHERE in_catalogue").fetchone()[0]
        title = con.execute("SELECT title_fi FROM indicator WHERE id = ?", [ind]).fetchone()[0]
    for muni in ("Tervo", "Kuopio"):
        action_status.record_status("J-3-1", muni, "kyllä", note="testi", db=path)
    with writing("test", path=path) as load:
        load.con.execute("UPDATE observation SET value = ? WHERE indicator_id = ? AND region_category = 'KUNTA'"
                         " AND region_code = ? AND year = ? AND gender = 'total'", [value * 5 + 50, ind, tervo, year])
        load.con.execute("UPDATE indicator SET data_updated = DATE '2026-11-30' WHERE id = ?", [updated_ind])

    with connect_read(path) as con:
        hva = forum.since_last_forum(con, changes.HVA_KEY, TODAY)
        own = forum.since_last_forum(con, tervo, TODAY)
        other = forum.since_last_forum(con, _code(con, "Siilinjärvi"), TODAY)
        loads = changes.load_changes(con)
        titles = changes.names(con)

    hva_records = {(k, r, s) for k, r, s, _, _ in hva["changes"]}
    assert hva_records == {("action", kuopio, "J-3-1"), ("action", tervo, "J-3-1"),
                           ("data_updated", None, str(updated_ind))}
    hva_texts = [x["text"] for x in hva["lines"]]
    action_lines = [t for t in hva_texts if t.startswith("J-3-1 ")]
    assert len(action_lines) == 1 and action_lines[0].endswith("valmis (kyllä) — Kuopio, Tervo")  # names, once

    own_records = {(k, r, s) for k, r, s, _, _ in own["changes"]}
    indicator_records = own_records - {("action", tervo, "J-3-1"), ("data_updated", None, str(updated_ind))}
    assert ("action", tervo, "J-3-1") in own_records and ("data_updated", None, str(updated_ind)) in own_records
    assert indicator_records, "the pushed value changed neither trend class nor comparison"
    for kind, region, subject in indicator_records:
        assert kind in ("trend", "comparison") and region == tervo and subject.split(":")[0] == str(ind)
    assert all(t.startswith(f"Tervo: {title} — ") for t in
               [x["text"] for x in own["lines"] if x["kind"] in ("trend", "comparison")])
    assert {(k, r, s) for k, r, s, _, _ in other["changes"]} == {("data_updated", None, str(updated_ind))}

    # the change alerts: every load kept its own diff against the previous load
    by_load: dict[str, list] = {}
    for x in loads:  # newest first
        by_load.setdefault(x["source"], x["changes"])
    assert [(c[0], c[1]) for c in by_load["action-status"]] == [("action", kuopio)]  # the second status load
    test_load = {(c[0], c[1], c[2].split(":")[0]) for c in by_load["test"]}
    assert test_load == {("data_updated", None, str(updated_ind))} | {(k, r, s.split(":")[0]) for k, r, s in indicator_records}
    assert all(x["text"] for load in loads for x in changes.lines(load["changes"], titles))


def test_the_feed_is_atom_and_the_csv_has_one_row_per_change(year_db, tmp_path, capsys):
    action_status.record_status("J-3-1", "Tervo", "osittain", note="testi", db=year_db)
    out = tmp_path / "feed"
    assert main(["--db", str(year_db), "changes", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "J-3-1" in printed and "Tervo" in printed
    root = ET.parse(out / "muutokset.atom").getroot()
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    entries = root.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        for required in ("id", "title", "updated", "content"):
            assert (entry.find(f"{ATOM}{required}").text or "").strip(), required
    assert "Tervo" in entries[0].find(f"{ATOM}content").text
    rows = list(csv.DictReader(io.StringIO((out / "muutokset.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    assert [(r["laji"], r["alue"], r["kohde"], r["ennen"], r["nyt"]) for r in rows] == [
        ("action", "Tervo", "J-3-1", "ei vastausta", "osittain")]


def test_preparing_a_meeting_takes_its_snapshot_once(year_db):
    first = forum.prepare("KF-2027-1", year_db)
    assert forum.prepare("KF-2027-1", year_db) == first
    with pytest.raises(ValueError):
        forum.prepare("KK-2027", year_db)
    with connect_read(year_db) as con:
        reason = con.execute("SELECT reason FROM meeting_snapshot WHERE meeting_id = 'KF-2027-1'").fetchone()[0]
        view = forum.year_view(con, TODAY)
    assert reason == "valmistelu"
    assert view["next"]["meeting_id"] == "KK-2027" and view["last_forum"]["meeting_id"] == "KF-2026-2"
    forum_rows = view["deliverables"][view["deliverables"]["kind"] == "kuntafoorumi"]
    assert set(forum_rows["meeting_id"]) == {"KF-2027-1"}
    survey = forum_rows[forum_rows["check_text"].str.contains("vastannut kyselyyn 2027")]
    assert len(survey) == 1 and survey["done"].iloc[0] is False and "Tervo" in survey["missing"].iloc[0]


def test_new_years_and_survey_counts_are_changes_too():
    old = {"indicators": {"HVA": {"1": {"year": 2023, "trend": "paranee"}}}, "actions": {}, "survey": {"2025": 40}}
    new = {"indicators": {"HVA": {"1": {"year": 2024, "trend": "paranee"}, "2": {"year": 2024}}}, "actions": {},
           "survey": {"2025": 40, "2026": 12}}
    assert changes.diff(old, new) == [("new_year", "HVA", "1", "2023", "2024"), ("new_year", "HVA", "2", None, "2024"),
                                      ("survey", None, "2026", None, "12")]
    assert changes.diff(None, new) == []  # the first load is the baseline


def test_the_monthly_refresh_reports_and_feeds_what_its_load_changed(fast_backoff, catalogue_copy, capsys):
    from tests.test_refresh import OWN, ReplayServer, ReplayState

    state = ReplayState(regions=(OWN / "regions_pohjois_savo.json").read_bytes(),
                        metadata={i: (OWN / f"indicator_{i}.json").read_bytes() for i in (127, 171)},
                        json_rows={i: (OWN / f"json_{i}.json").read_bytes() for i in (127, 171)})
    with ReplayServer(state) as server:
        code = main(["--db", str(catalogue_copy), "refresh", "--base-url", server.base_url, "--indicators", "127,171"])
    captured = capsys.readouterr()
    assert code == 0, captured.out
    digest = next(json.loads(line) for line in captured.err.splitlines() if '"event": "digest"' in line)
    assert digest["changes"] > 0 and "uusi tilastovuosi" in digest["first"]
    root = ET.parse(catalogue_copy.parent / "muutokset.atom").getroot()
    assert root.tag == f"{ATOM}feed" and root.findall(f"{ATOM}entry")
