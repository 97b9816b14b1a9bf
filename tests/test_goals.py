"""Yes/no status per action × municipality and goal completion, by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from metrics import goals
from metrics.goals import NO, NO_ANSWER, PARTLY, YES

QUESTIONS = pd.DataFrame({"question_id": ["q1", "q2", "q3"], "type": ["yes_no"] * 3,
                          "metric_id": ["m1", "m1", "m2"], "respondent": ["municipality"] * 3})
METRICS = pd.DataFrame({"metric_id": ["m1", "m2"], "action_id": ["A1", "A2"], "kind": ["yes_no", "yes_no"]})
ACTIONS = pd.DataFrame({"action_id": ["A1", "A2", "A3"], "goal_id": [1, 1, 2], "level_id": ["a", "a", "b"]})
MUNIS = pd.DataFrame({"code": ["001", "002", "003"]})


def answers(items):
    return pd.DataFrame(items, columns=["year", "municipality_code", "question_id", "answer", "answered_on"])


def test_survey_status_yes_partly_no():
    a = answers([
        (2024, "001", "q1", "kyllä", "2024-03-01"), (2024, "001", "q2", "kyllä", "2024-03-01"),
        (2024, "002", "q1", "kyllä", "2024-03-01"), (2024, "002", "q2", "ei", "2024-03-01"),
        (2024, "003", "q1", "ei", "2024-03-01"), (2024, "003", "q2", "ei", "2024-03-01"),
    ])
    s = goals.survey_action_status(a, QUESTIONS, METRICS).set_index("municipality_code")["status"]
    assert s.to_dict() == {"001": YES, "002": PARTLY, "003": NO}


def test_latest_survey_year_only():
    a = answers([(2023, "001", "q1", "kyllä", "2023-03-01"), (2024, "001", "q1", "ei", "2024-03-01")])
    s = goals.survey_action_status(a, QUESTIONS, METRICS)
    assert list(s["status"]) == [NO]


def test_unanswered_is_no_answer_never_no():
    a = answers([(2024, "001", "q1", "kyllä", "2024-03-01"), (2024, "001", "q2", None, "2024-03-01")])
    s = goals.survey_action_status(a, QUESTIONS, METRICS)
    m = goals.status_matrix(s, ACTIONS, MUNIS).set_index(["action_id", "municipality_code"])["status"]
    assert m[("A1", "001")] == YES       # the blank q2 does not make it "osittain"
    assert m[("A1", "002")] == NO_ANSWER
    assert m[("A2", "001")] == NO_ANSWER
    assert (m == NO).sum() == 0


def test_newer_of_survey_and_record_wins_tie_to_record():
    survey = pd.DataFrame({"action_id": ["A1", "A2", "A3"], "municipality_code": ["001"] * 3,
                           "status": [NO, NO, NO], "date": ["2024-03-01"] * 3, "source": "kysely"})
    rec = pd.DataFrame({"action_id": ["A1", "A2", "A3"], "municipality_code": ["001"] * 3,
                        "status": [YES, YES, YES], "status_date": ["2024-05-01", "2024-01-01", "2024-03-01"],
                        "note": None, "recorded_by": "x"})
    s = goals.latest_action_status(survey, rec).set_index("action_id")["status"]
    assert s.to_dict() == {"A1": YES, "A2": NO, "A3": YES}


MATRIX = pd.DataFrame({
    "action_id": ["A1"] * 3 + ["A2"] * 3 + ["A3"] * 3,
    "municipality_code": ["001", "002", "003"] * 3,
    "status": [YES, YES, NO, YES, PARTLY, NO_ANSWER, YES, NO, NO],
})
TRACKED = {"A1", "A2", "A3"}


def test_completion_municipality_own_vs_area_sum():
    members = pd.DataFrame({"region_category": ["KUNTA", "PALVELUALUE", "PALVELUALUE"],
                            "region_code": ["001", "X", "X"], "municipality_code": ["001", "001", "002"]})
    out = goals.completion_by_region(MATRIX, ACTIONS, TRACKED, members).set_index(["region_code", "goal_id"])
    # 001, goal 1: A1 kyllä, A2 kyllä -> 2/2.
    assert (out.loc[("001", 1), "done"], out.loc[("001", 1), "total"]) == (2, 2)
    # Area X = 001 + 002, goal 1: A1 yes, yes; A2 yes, partly -> 3/4 done, 1 partly, open 1.
    x = out.loc[("X", 1)]
    assert (x["done"], x["total"], x["partly"], x["open"]) == (3, 4, 1, 1)
    assert x["done_pct"] == pytest.approx(75.0) and "kyllä" in x["formula"]


def test_goal_level_municipalities_done_n_of_all():
    out = goals.goal_level_municipalities(MATRIX, ACTIONS, TRACKED).set_index(["goal_id", "level_id"])
    # goal 1 level a: 001 has A1+A2 yes (done); 002 A2 partly; 003 no -> 1/3.
    assert out.loc[(1, "a"), "text"] == "1/3 kuntaa"
    assert out.loc[(2, "b"), "municipalities_done"] == 1


def test_trend_counts_by_region():
    t = pd.DataFrame({"region_category": "KUNTA", "region_code": "001", "indicator_id": [1, 2, 3],
                      "goals": [[1], [1, 2], []], "trend_class": ["paranee", "heikkenee", "paranee"]})
    out = goals.trend_counts_by_region(t, ["paranee", "heikkenee", "ei riittävästi tietoa"]).set_index("goal_id")
    assert (out.loc[1, "paranee"], out.loc[1, "heikkenee"], out.loc[1, "indicators"]) == (1, 1, 2)
    assert (out.loc[2, "paranee"], out.loc[2, "heikkenee"]) == (0, 1)
