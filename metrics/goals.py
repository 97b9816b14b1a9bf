"""Yes/no metrics: action status per municipality, and how far each goal and level is.

Status of an action in a municipality: from its yes/no survey questions of the latest survey year
(all 'kyllä' -> kyllä; some -> osittain; all 'ei' -> ei; nothing answered -> ei vastausta), or from a
coordinator's recorded status, whichever is newer. Unanswered is never "ei".
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from common.i18n import catalogue, t

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
    grouped = data.assign(yes=data["answer"].eq(YES)).groupby(["action_id", "municipality_code"]).agg(
        yes=("yes", "sum"), n=("yes", "size"), date=("answered_on", "max")
    ).reset_index()
    grouped["status"] = np.select([grouped["yes"] == grouped["n"], grouped["yes"] > 0], [YES, PARTLY], default=NO)
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
    counts.columns.name = None
    return counts.reset_index()


def goal_level_completion(matrix: pd.DataFrame, actions: pd.DataFrame, tracked_actions: set[str]) -> pd.DataFrame:
    """Per goal × level over the actions that are tracked per municipality: the share of
    action × municipality pairs that are done (kyllä), with its counts — the formula is on the page."""
    m = matrix[matrix["action_id"].isin(tracked_actions)].merge(actions[["action_id", "goal_id", "level_id"]], on="action_id")
    if m.empty:
        return pd.DataFrame(columns=["goal_id", "level_id", "actions", "pairs", "done", "partly", "no", "no_answer", "done_pct"])
    m = m.assign(done=m["status"].eq(YES), partly=m["status"].eq(PARTLY), no=m["status"].eq(NO),
                 no_answer=m["status"].eq(NO_ANSWER))
    out = m.groupby(["goal_id", "level_id"]).agg(
        actions=("action_id", "nunique"), pairs=("status", "size"), done=("done", "sum"),
        partly=("partly", "sum"), no=("no", "sum"), no_answer=("no_answer", "sum"),
    ).reset_index()
    out["done_pct"] = 100 * out["done"] / out["pairs"]
    return out


def municipality_completion(matrix: pd.DataFrame, tracked_actions: set[str]) -> pd.DataFrame:
    m = matrix[matrix["action_id"].isin(tracked_actions)]
    return m.assign(done=m["status"].eq(YES)).groupby("municipality_code").agg(
        done=("done", "sum"), actions=("action_id", "nunique")
    ).reset_index()



COMPLETION_FORMULA = catalogue()["goals.completion_formula"]["fi"]  # in Finnish; completion_formula(): the reader's


def completion_formula() -> str:
    return t("goals.completion_formula")


def completion_by_region(matrix: pd.DataFrame, actions: pd.DataFrame, tracked_actions: set[str],
                         region_members: pd.DataFrame) -> pd.DataFrame:
    """Per region × goal: the yes/no counts over the tracked actions × the region's municipalities (a
    municipality: its own actions; an area or the HVA: summed over its member municipalities).
    region_members: region_category, region_code, municipality_code.
    -> region_category, region_code, goal_id, actions, municipalities, total, done, partly, no, no_answer,
       open, done_pct, completion_text, formula."""
    cols = ["region_category", "region_code", "goal_id", "actions", "municipalities", "total", "done", "partly",
            "no", "no_answer", "open", "done_pct", "completion_text", "formula"]
    m = matrix[matrix["action_id"].isin(tracked_actions)][["action_id", "municipality_code", "status"]]
    m = m.merge(actions[["action_id", "goal_id"]], on="action_id")
    m = m.merge(region_members[["region_category", "region_code", "municipality_code"]], on="municipality_code")
    if m.empty:
        return pd.DataFrame(columns=cols)
    m = m.assign(done=m["status"].eq(YES), partly=m["status"].eq(PARTLY), no=m["status"].eq(NO),
                 no_answer=m["status"].eq(NO_ANSWER))
    out = m.groupby(["region_category", "region_code", "goal_id"]).agg(
        actions=("action_id", "nunique"), municipalities=("municipality_code", "nunique"),
        total=("done", "size"), done=("done", "sum"), partly=("partly", "sum"), no=("no", "sum"),
        no_answer=("no_answer", "sum"),
    ).reset_index()
    out["open"] = out["total"] - out["done"]
    out["done_pct"] = 100.0 * out["done"] / out["total"]
    out["completion_text"] = [t("goals.done_of", done=d, total=n) for d, n in zip(out["done"], out["total"])]
    out["formula"] = completion_formula()
    return out[cols]


def region_completion(matrix: pd.DataFrame, actions: pd.DataFrame, tracked_actions: set[str],
                      member_codes) -> pd.DataFrame:
    """completion_by_region for one region given its municipality codes."""
    members = pd.DataFrame({"region_category": "R", "region_code": "R", "municipality_code": [str(c) for c in member_codes]})
    return completion_by_region(matrix, actions, tracked_actions, members).drop(columns=["region_category", "region_code"])


def goal_level_municipalities(matrix: pd.DataFrame, actions: pd.DataFrame, tracked_actions: set[str],
                              members: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per goal × level (× area when `members` is given: group_category, group_code, member_code):
    how many municipalities have done ALL of the level's tracked actions of that goal — "n/19 kuntaa".
    -> [group_category, group_code,] goal_id, level_id, municipalities_done, municipalities, text."""
    m = matrix[matrix["action_id"].isin(tracked_actions)].merge(
        actions[["action_id", "goal_id", "level_id"]], on="action_id")
    per_muni = m.assign(done=m["status"].eq(YES)).groupby(
        ["goal_id", "level_id", "municipality_code"], as_index=False)["done"].all()
    keys = ["goal_id", "level_id"]
    if members is not None:
        per_muni = per_muni.merge(members[["group_category", "group_code", "member_code"]],
                                  left_on="municipality_code", right_on="member_code")
        keys = ["group_category", "group_code"] + keys
    out = per_muni.groupby(keys, as_index=False).agg(
        municipalities_done=("done", "sum"), municipalities=("municipality_code", "nunique"))
    out["text"] = [t("followup.municipalities_done", done=d, total=n)
                   for d, n in zip(out["municipalities_done"], out["municipalities"])]
    return out


def trend_counts_by_region(table: pd.DataFrame, classes: list[str]) -> pd.DataFrame:
    """Per region × goal: the region's goal indicators counted by trend class (an indicator under several
    goals counts under each; no class -> the last of `classes`).
    table: region_category, region_code, indicator_id, goals (list), trend_class."""
    keys = ["region_category", "region_code"]
    rows = table[keys + ["indicator_id", "goals", "trend_class"]].explode("goals").dropna(subset=["goals"])
    rows = rows.assign(goal_id=rows["goals"].astype(int), trend_class=rows["trend_class"].fillna(classes[-1]))
    counts = (rows.groupby(keys + ["goal_id", "trend_class"]).size().unstack("trend_class")
              .reindex(columns=classes, fill_value=0).fillna(0).astype(int))
    counts.columns.name = None
    counts["indicators"] = counts.sum(axis=1)
    return counts.reset_index()


def goal_status_table(trend_counts: pd.DataFrame, completion: pd.DataFrame, goals_df: pd.DataFrame,
                      region_keys: pd.DataFrame) -> pd.DataFrame:
    """Side by side per region × goal: trend-class counts and yes/no completion (no composite score).
    region_keys: region_category, region_code (every region to report)."""
    grid = region_keys[["region_category", "region_code"]].drop_duplicates().merge(
        goals_df[["goal_id", "title_fi", "short_fi"]], how="cross")
    out = grid.merge(trend_counts, on=["region_category", "region_code", "goal_id"], how="left")
    out = out.merge(completion, on=["region_category", "region_code", "goal_id"], how="left")
    count_cols = [c for c in trend_counts.columns if c not in ("region_category", "region_code", "goal_id")]
    count_cols += ["actions", "municipalities", "total", "done", "partly", "no", "no_answer", "open"]
    out[count_cols] = out[count_cols].fillna(0).astype(int)
    out["formula"] = completion_formula()
    out["completion_text"] = [t("goals.done_of", done=d, total=n) if n else t("goals.no_tracked")
                              for d, n in zip(out["done"], out["total"])]
    return out
