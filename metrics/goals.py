"""Yes/no metrics: action status per municipality, and how far each goal and level is.

Status of an action in a municipality: from its yes/no survey questions of the latest survey year
(all 'kyllä' -> kyllä; some -> osittain; all 'ei' -> ei; nothing answered -> ei vastausta), or from a
coordinator's recorded status, whichever is newer. Unanswered is never "ei".
"""
from __future__ import annotations

import pandas as pd

YES, PARTLY, NO, NO_ANSWER = "kyllä", "osittain", "ei", "ei vastausta"
STATUS_SYMBOL = {YES: "✔", PARTLY: "◐", NO: "✘", NO_ANSWER: "?"}
STATUS_ORDER = [YES, PARTLY, NO, NO_ANSWER]


def survey_action_status(answers: pd.DataFrame, questions: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """answers: year, municipality_code, question_id, answer, answered_on (date of the response).
    questions: question_id, type, metric_id, respondent. metrics: metric_id, action_id, kind.
    -> action_id, municipality_code, status, date, source='kysely' (latest survey year per municipality)."""
    cols = ["action_id", "municipality_code", "status", "date", "source"]
    yes_no = questions[(questions["type"] == "yes_no") & questions["metric_id"].notna()]
    linked = yes_no.merge(metrics[metrics["kind"] == "yes_no"][["metric_id", "action_id"]], on="metric_id")
    data = answers.merge(linked[["question_id", "action_id"]], on="question_id")
    data = data[data["answer"].isin([YES, NO])]
    if data.empty:
        return pd.DataFrame(columns=cols)
    latest_year = data.groupby(["action_id", "municipality_code"])["year"].transform("max")
    data = data[data["year"] == latest_year]
    # One answer per question and municipality: the most recent response of that year.
    data = data.sort_values("answered_on").groupby(["action_id", "municipality_code", "question_id"]).tail(1)
    grouped = data.groupby(["action_id", "municipality_code"]).agg(
        yes=("answer", lambda s: (s == YES).sum()), n=("answer", "size"), date=("answered_on", "max")
    ).reset_index()
    grouped["status"] = [YES if y == n else PARTLY if y > 0 else NO for y, n in zip(grouped["yes"], grouped["n"])]
    grouped["source"] = "kysely"
    return grouped[cols]


def latest_action_status(survey_status: pd.DataFrame, recorded: pd.DataFrame) -> pd.DataFrame:
    """recorded: action_id, municipality_code, status, status_date, note, recorded_by.
    The newer of the survey-derived and the latest recorded status wins (a tie goes to the record,
    which a coordinator made knowing the survey)."""
    rec = recorded.rename(columns={"status_date": "date"}).assign(source="kirjaus")
    rec = rec.sort_values("date").groupby(["action_id", "municipality_code"]).tail(1)
    combined = pd.concat([survey_status.assign(priority=0), rec.assign(priority=1)], ignore_index=True)
    if combined.empty:
        return pd.DataFrame(columns=["action_id", "municipality_code", "status", "date", "source"])
    combined["date"] = pd.to_datetime(combined["date"])
    combined = combined.sort_values(["date", "priority"]).groupby(["action_id", "municipality_code"]).tail(1)
    return combined.drop(columns="priority").reset_index(drop=True)


def status_matrix(status: pd.DataFrame, actions: pd.DataFrame, municipalities: pd.DataFrame) -> pd.DataFrame:
    """Every action × municipality with a status; missing ones are 'ei vastausta'."""
    grid = actions[["action_id"]].merge(municipalities[["code"]].rename(columns={"code": "municipality_code"}), how="cross")
    out = grid.merge(status, on=["action_id", "municipality_code"], how="left")
    out["status"] = out["status"].fillna(NO_ANSWER)
    return out


def action_completion(matrix: pd.DataFrame) -> pd.DataFrame:
    """Per action: counts of each status and 'done' = kyllä over all municipalities."""
    counts = pd.crosstab(matrix["action_id"], matrix["status"]).reindex(columns=STATUS_ORDER, fill_value=0)
    counts["total"] = counts.sum(axis=1)
    counts["done"] = counts[YES]
    return counts.reset_index()


def goal_level_completion(matrix: pd.DataFrame, actions: pd.DataFrame, tracked_actions: set[str]) -> pd.DataFrame:
    """Per goal × level over the actions that are tracked per municipality: the share of
    action × municipality pairs that are done (kyllä), with its counts — the formula is on the page."""
    m = matrix[matrix["action_id"].isin(tracked_actions)].merge(actions[["action_id", "goal_id", "level_id"]], on="action_id")
    if m.empty:
        return pd.DataFrame(columns=["goal_id", "level_id", "actions", "pairs", "done", "partly", "no", "no_answer", "done_pct"])
    out = m.groupby(["goal_id", "level_id"]).agg(
        actions=("action_id", "nunique"), pairs=("status", "size"),
        done=("status", lambda s: (s == YES).sum()), partly=("status", lambda s: (s == PARTLY).sum()),
        no=("status", lambda s: (s == NO).sum()), no_answer=("status", lambda s: (s == NO_ANSWER).sum()),
    ).reset_index()
    out["done_pct"] = 100 * out["done"] / out["pairs"]
    return out


def municipality_completion(matrix: pd.DataFrame, tracked_actions: set[str]) -> pd.DataFrame:
    m = matrix[matrix["action_id"].isin(tracked_actions)]
    return m.groupby("municipality_code").agg(
        done=("status", lambda s: (s == YES).sum()), actions=("action_id", "nunique")
    ).reset_index()
