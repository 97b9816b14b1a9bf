"""Issue 12: one status rule, one count everywhere, records by any owner party, own metrics, the upgrade."""
from __future__ import annotations

import json
from datetime import date

import duckdb
import pandas as pd
import pytest

from data_sources import own_metrics
from data_sources.__main__ import main as cli
from data_sources.action_status import ActionStatusRejected, record_status, status_history
from metrics import followup
from metrics.goals import NO, NO_ANSWER, PARTLY, YES
from readmodel import page_data, plan_followup
from store.warehouse import MIGRATIONS, SCHEMA_VERSION, connect_read, migrate, schema_version, table_checksum

HVA_ACTION = "J-3-2"  # "Rekrytointipalvelut hyvinvointialueella": the HVA alone answers for it
LIITTO_ACTION = "D-4-1"  # the liitto alone


@pytest.mark.parametrize("statuses, expected", [
    ([YES, YES], YES), ([NO_ANSWER, NO_ANSWER], NO_ANSWER), ([NO, NO_ANSWER], NO), ([NO, NO], NO),
    ([YES, NO], PARTLY), ([PARTLY], PARTLY), ([YES, NO_ANSWER], PARTLY), ([], NO_ANSWER),
])
def test_an_actions_own_status_over_its_owners(statuses, expected):
    assert followup.combine(statuses) == expected


def test_each_action_in_its_own_unit():
    actions = pd.DataFrame({"action_id": ["X-1-1", "X-1-2"], "goal_id": [1, 1], "level_id": ["X", "X"]})
    owners = pd.DataFrame({"action_id": ["X-1-1", "X-1-1", "X-1-2"], "party_id": ["hva", "kunnat", "liitto"],
                           "seq": [1, 2, 1]})
    parties = pd.DataFrame({"party_id": ["kunnat", "hva", "liitto"], "kind": ["municipalities", "hva", "liitto"],
                            "short_fi": ["kunnat", "HVA", "liitto"], "members": ["*", None, None]})
    keys = followup.owner_keys(actions, owners, parties, ["001", "002", "003"], "H", "L")
    status = pd.DataFrame({"action_id": ["X-1-1", "X-1-1", "X-1-1", "X-1-2"], "municipality_code": ["H", "001", "002", "Z"],
                           "status": [YES, YES, NO, YES], "date": pd.to_datetime(["2025-01-02"] * 4),
                           "source": ["kirjaus", "kysely", "kysely", "kirjaus"]})
    rows = followup.action_rows(followup.owner_matrix(status, keys), actions).set_index("action_id")
    assert rows.loc["X-1-1", "unit_text"] == "HVA: kyllä · 1/3 kuntaa"
    assert rows.loc["X-1-1", "status"] == PARTLY
    assert rows.loc["X-1-1", "source"] == "kirjaus + kompassikysely 2.1.2025"
    # a status recorded for a party that does not answer for the action is not counted
    assert rows.loc["X-1-2", "unit_text"] == "liitto: ei vastausta" and rows.loc["X-1-2", "status"] == NO_ANSWER


def _counts(con):
    overview = page_data.overview(con)
    export = page_data.tilannekuva(con)
    return overview, export


def test_overview_counts_equal_the_exports(demo_db, tmp_path):
    out = tmp_path / "vienti.json"
    assert __import__("metrics.__main__", fromlist=["main"]).main(
        ["export", "--db", str(demo_db), "--out", str(out)]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    actions = pd.DataFrame(exported["actions"])
    assert len(actions) == 42 and actions["action_id"].is_unique
    assert actions[["status", "source", "owners"]].notna().all().all()
    assert (actions["owners"] != "").all()
    with connect_read(demo_db) as con:
        overview = page_data.overview(con)
        hva = page_data.hva_and_country(con)[0]
        goal_status = page_data.goal_status(con, *hva)
    total = overview["total"].iloc[0]
    assert int(total["actions"]) == 42
    counted = actions["status"].value_counts()
    assert (int(total["done"]), int(total["partly"]), int(total["no"]), int(total["no_answer"])) == \
        tuple(int(counted.get(s, 0)) for s in (YES, PARTLY, NO, NO_ANSWER))
    goals = pd.DataFrame(exported["goals"])
    hva_goals = goals[goals["region_category"] == "HYVINVOINTIALUE"].set_index("goal_id").sort_index()
    by_goal = overview["counts"].set_index("goal_id").sort_index()
    for col in ("actions", "done", "partly", "no", "no_answer"):
        assert hva_goals[col].tolist() == by_goal[col].tolist() == goal_status.set_index("goal_id").sort_index()[
            col].tolist(), col
    assert set(hva_goals["count_unit"]) == {"toimenpide"} and hva_goals["total"].sum() == 42
    per_action = actions.groupby("goal_id")["action_id"].size().sort_index()
    assert per_action.tolist() == by_goal["actions"].tolist()


def test_an_hva_level_status_is_recorded_counted_and_kept_as_history(fresh_db):
    record_status(HVA_ACTION, "HVA", "osittain", "2025-10-01", "rekrytointimalli luonnos", by="Koordinaattori",
                  db=fresh_db, responsible="rekrytointipäällikkö", timetable="syksy 2025")
    record_status(HVA_ACTION, "PSHVA", "kyllä", date.today().isoformat(), "malli käytössä", by="Koordinaattori",
                  db=fresh_db)
    with connect_read(fresh_db) as con:
        rows = page_data.plan_actions(con).set_index("action_id")
        history = status_history(con)
        overview = page_data.overview(con)
    row = rows.loc[HVA_ACTION]
    assert row["status"] == YES and row["unit_text"] == "HVA: kyllä"
    assert row["source"].startswith("kirjaus") and row["note"] == "malli käytössä"
    mine = history[history["toimenpide"] == HVA_ACTION]
    assert mine["tila"].tolist() == ["kyllä", "osittain"]  # newest first, nothing overwritten
    assert mine["vastuuhenkilö"].tolist()[1] == "rekrytointipäällikkö"
    assert overview["actions"].set_index("action_id").loc[HVA_ACTION, "status"] == YES


def test_a_status_for_a_party_that_does_not_answer_is_refused_and_nothing_written(fresh_db):
    before = {t: table_checksum(connect_read(fresh_db), t) for t in ("action_status", "load_log")}
    with pytest.raises(ActionStatusRejected) as info:
        record_status(HVA_ACTION, "Kuopio", "kyllä", by="t", db=fresh_db)
    assert [(p.column, p.value) for p in info.value.problems] == [("kunta", "Kuopio")]
    assert "vastuutaho" in info.value.problems[0].message
    assert {t: table_checksum(connect_read(fresh_db), t) for t in before} == before


def test_the_liitto_records_its_own_action(fresh_db, capsys):
    assert cli(["action-status", "set", "--db", str(fresh_db), "--action", LIITTO_ACTION, "--party", "liitto",
                "--status", "kyllä", "--note", "ennakointimittarit tilannekuvassa"]) == 0
    with connect_read(fresh_db) as con:
        row = page_data.plan_actions(con).set_index("action_id").loc[LIITTO_ACTION]
        history = status_history(con)
    assert row["unit_text"] == "liitto: kyllä" and row["status"] == YES
    assert history.iloc[0]["kunta"].endswith("liitto")


def test_a_database_of_the_previous_schema_is_upgraded_without_losing_data(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    for version in range(5):
        con.execute(MIGRATIONS[version])
    con.execute("INSERT INTO meta VALUES ('schema_version', '5')")
    con.execute("INSERT INTO action VALUES ('J-1-1', 1, 'J', 1, 'Työryhmä', 'Kunnat')")
    con.execute("INSERT INTO metric VALUES ('J-1-1-M1', 'J-1-1', 1, 'Käynnistetty', 'yes_no')")
    con.execute("INSERT INTO action_status (action_id, municipality_code, status, status_date, note, recorded_by,"
                " recorded_at) VALUES ('J-1-1', '297', 'kyllä', DATE '2024-05-01', 'vanha', 'L', TIMESTAMP '2024-05-01')")
    assert migrate(con) == SCHEMA_VERSION
    assert schema_version(con) == SCHEMA_VERSION
    assert con.execute("SELECT action_id, status, note, responsible FROM action_status").fetchall() == \
        [("J-1-1", "kyllä", "vanha", None)]
    assert con.execute("SELECT * FROM metric_action").fetchall() == [("J-1-1-M1", "J-1-1")]
    assert con.execute("SELECT count(*) FROM own_metric_value").fetchone()[0] == 0
    con.close()


def _fill(template: bytes, values: dict[tuple[str, str], list[tuple[str, str]]]) -> bytes:
    """The template with (metric, code) rows filled in for the given (year, value) pairs."""
    lines = template.decode("utf-8-sig").splitlines()
    header, out = lines[0], [lines[0]]
    for line in lines[1:]:
        cells = line.split(";")
        for year, value in values.get((cells[0], cells[4]), [("", "")]):
            out.append(";".join(cells[:5] + [year, value]))
    assert header.split(";") == list(own_metrics.COLUMNS.values())
    return ("\n".join(out) + "\n").encode("utf-8")


def test_an_own_metric_file_with_an_error_is_rejected_whole_and_a_good_one_is_a_trend(fresh_db):
    with connect_read(fresh_db) as con:
        template = own_metrics.template_bytes(con)
        cat = own_metrics.catalogue(con)
    assert set(cat["metric_id"]) == {"A-2-2-M1", "D-3-1-M1", "E-1-1-M1", "J-3-2-M1"}
    assert len(cat[cat["metric_id"] == "E-1-1-M1"]) == 19  # every municipality reports its safety plans
    hva_code = cat.loc[cat["metric_id"] == "D-3-1-M1", "party_code"].iloc[0]
    tables = ("own_metric_value", "own_metric_file", "load_log")
    before = {t: table_checksum(connect_read(fresh_db), t) for t in tables}
    bad = _fill(template, {("D-3-1-M1", hva_code): [("2023", "12"), ("2024", "kaksitoista")],
                           ("E-1-1-M1", "297"): [("2024", "1")]})
    with pytest.raises(own_metrics.OwnMetricRejected) as info:
        own_metrics.load_bytes(bad, "rekrytoinnit.csv", by="HVA", db=fresh_db)
    [problem] = info.value.problems
    assert (problem.row, problem.column, problem.value) == (4, "arvo", "kaksitoista")
    assert {t: table_checksum(connect_read(fresh_db), t) for t in tables} == before
    wrong_party = _fill(template, {("D-3-1-M1", hva_code): [("2024", "3")]}).replace(
        f"D-3-1-M1;".encode(), b"E-1-1-M1;", 1)
    with pytest.raises(own_metrics.OwnMetricRejected) as info:
        own_metrics.load_bytes(wrong_party, "x.csv", db=fresh_db)
    assert info.value.problems[0].column == "vastuutahon koodi"

    good = _fill(template, {("D-3-1-M1", hva_code): [("2022", "4"), ("2023", "9"), ("2024", "12")]})
    assert own_metrics.load_bytes(good, "rekrytoinnit.csv", by="HVA", db=fresh_db) == 3
    fixed = _fill(template, {("D-3-1-M1", hva_code): [("2024", "13")]})
    assert own_metrics.load_bytes(fixed, "korjaus.xlsx.csv", by="HVA", db=fresh_db) == 1
    with connect_read(fresh_db) as con:
        values = own_metrics.values(con)
        trend = plan_followup.own_metric_trend(con, "D-3-1-M1")
    assert values[values["metric_id"] == "D-3-1-M1"]["value"].tolist() == [4.0, 9.0, 13.0]
    assert values.iloc[-1]["uploaded_by"] == "HVA" and len(values.iloc[-1]["checksum"]) == 64
    assert trend["year"].tolist() == [2022, 2023, 2024] and trend["value"].tolist() == [4.0, 9.0, 13.0]
    assert trend["trend"].iloc[0] == "kasvaa"


def test_open_answers_are_for_coordinators_and_small_groups_are_suppressed(demo_db):
    from metrics.survey_results import open_answers
    from readmodel import survey

    answers = pd.DataFrame({"question_id": ["Q-T"] * 3 + ["Q-X"], "answer": ["b", " a ", None, "x"]})
    assert open_answers(answers, "Q-T", min_group=2) == (["a", "b"], None)
    texts, note = open_answers(answers, "Q-T", min_group=5)
    assert texts == [] and "alle 5 vastaajan" in note
    with connect_read(demo_db) as con:
        year = max(survey.survey_years(con))
        found = survey.open_answers(con, year, "Q-GEN-3")
    assert found["texts"] and all(t.startswith("Esimerkkivastaus") for t in found["texts"])


def test_the_csv_export_writes_the_actions_file(demo_db, tmp_path):
    from metrics.__main__ import main as export_cli

    out = tmp_path / "vienti.csv"
    assert export_cli(["export", "--db", str(demo_db), "--format", "csv", "--out", str(out)]) == 0
    actions = pd.read_csv(tmp_path / "vienti_actions.csv")
    assert len(actions) == 42 and {"status", "source", "owners", "date", "unit_text"} <= set(actions.columns)
    goals = pd.read_csv(tmp_path / "vienti_goals.csv")
    assert set(goals.loc[goals["region_category"] == "HYVINVOINTIALUE", "count_unit"]) == {"toimenpide"}
