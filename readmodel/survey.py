"""The compass survey page's questions, computed once per database version and choice (year, grouping)
instead of on every rerun: the yes/no summary, per-municipality and per-area breakdowns, scale
distributions with small groups merged, and the page's download."""
from __future__ import annotations

import pandas as pd

from common.i18n import t, value_label
from metrics import survey_results as sr
from readmodel import page_data
from readmodel.deployment import deployment

ANSWER_ROWS_SQL = """
    SELECT r.year, r.municipality_code, r.respondent_role, r.submitted_at, r.row_number, r.load_id,
           a.question_id, a.answer, r.is_demo
    FROM survey_response r
    JOIN survey_answer a ON a.load_id = r.load_id AND a.row_number = r.row_number
    WHERE r.active
"""

QUESTIONS_SQL = """
    SELECT q.question_id, q.text_fi, q.type, q.metric_id, q.respondent, q.sort,
           a.goal_id, a.level_id, g.title_fi AS goal_title, l.title_fi AS level_title, l.sort AS level_sort
    FROM survey_question q
    LEFT JOIN metric m ON m.metric_id = q.metric_id
    LEFT JOIN action a ON a.action_id = m.action_id
    LEFT JOIN goal g ON g.goal_id = a.goal_id
    LEFT JOIN level l ON l.level_id = a.level_id
    ORDER BY a.goal_id NULLS LAST, l.sort NULLS LAST, q.sort"""


def answer_rows(con) -> pd.DataFrame:
    return con.execute(ANSWER_ROWS_SQL).df()


def survey_years(con) -> list[int]:
    """Years with active answers, newest first."""
    return [int(r[0]) for r in con.execute("SELECT DISTINCT year FROM survey_response WHERE active ORDER BY year DESC")
            .fetchall()]


def _inputs(con) -> dict:
    return {
        "answers": answer_rows(con),
        "questions": con.execute(QUESTIONS_SQL).df(),
        "municipalities": con.execute("SELECT code, name_fi FROM own_municipality ORDER BY name_fi").df(),
        "members": con.execute("SELECT group_category, group_code, member_code FROM region_member").df(),
        "areas": con.execute("SELECT code, name_fi FROM region WHERE category = 'PALVELUALUE'").df(),
        "hva_code": deployment(con).hva[1],
        "asked": asked_municipalities(con),
    }


def asked_municipalities(con) -> dict[str, set[str]]:
    """question_id -> its municipalities, for municipal questions of an action only some municipalities answer
    for (e.g. MAL-kunnat): such a question is counted over those ("1/2 kuntaa"), as the plan counts it."""
    keys = page_data.owner_keys(con)
    keys = keys[keys["party_kind"] == "municipalities"]
    every = set(con.execute("SELECT code FROM own_municipality").df()["code"])
    links = con.execute(
        """SELECT q.question_id, ma.action_id FROM survey_question q JOIN metric_action ma USING (metric_id)
           WHERE q.respondent IN ('municipality', 'any')""").df()
    out = {}
    for question_id, part in links.groupby("question_id"):
        asked = set(keys.loc[keys["action_id"].isin(part["action_id"]), "municipality_code"])
        if asked and asked != every:
            out[question_id] = asked
    return out


def survey_page(con, year: int, by: str | None = None) -> dict:
    """Everything the Kompassikysely page shows for one survey year and grouping of scale items.

    Returns: is_demo, respondents, answered (municipalities), municipality_total, hva_answered, min_group,
    questions (those asked this year, in the plan's order) and per question_id a result dict:
    yes/no by municipality -> summary (row of yes_no_summary), per_municipality, by_area; the HVA's own
    item -> summary; scale -> table, notes; open -> count. `download`: the page's results as one frame.

    In two parts so that the page can cache them apart: `year_results` (all but the scale items, the most
    work) does not depend on the grouping, so changing the grouping recomputes only `scale_results`."""
    return with_scales(year_results(con, year), scale_results(con, year, by))


def _download_names() -> dict[str, str]:
    return {k: t(f"survey.download.{k}") for k in ("question", "text", "group", "result", "category", "share")}


def year_results(con, year: int) -> dict:
    """survey_page without the scale items' tables: `results` has no entry for them, `downloads` is one
    frame per question (None for a scale item) in the questions' order."""
    inputs = _inputs(con)
    answers, questions, munis = inputs["answers"], inputs["questions"], inputs["municipalities"]
    hva_code = inputs["hva_code"]
    shown = answers[answers["year"] <= year]
    this_year = answers[answers["year"] == year]
    respondents = this_year.drop_duplicates(["load_id", "row_number"])
    summary = sr.yes_no_summary(answers, questions, munis, year, hva_code)
    summary_by_id = summary.set_index("question_id") if not summary.empty else summary
    visible = questions[questions["question_id"].isin(set(this_year["question_id"]))].reset_index(drop=True)
    results: dict[str, dict] = {}
    downloads: list[pd.DataFrame | None] = []
    names = _download_names()
    question, text, group, result = names["question"], names["text"], names["group"], names["result"]
    for q in visible.itertuples(index=False):
        q_munis = munis[munis["code"].isin(inputs["asked"][q.question_id])] if q.question_id in inputs["asked"] else munis
        if q.type == "yes_no":
            row = summary_by_id.loc[q.question_id] if q_munis is munis else sr.yes_no_summary(
                answers, questions[questions["question_id"] == q.question_id], q_munis, year, hva_code
            ).set_index("question_id").loc[q.question_id]
            if q.respondent == "hva":
                results[q.question_id] = {"summary": row}
                downloads.append(pd.DataFrame([{question: q.question_id, text: q.text_fi,
                                                group: t("survey.hva_group"), result: row["label"]}]))
                continue
            per_muni = sr.municipality_answers(answers, q.question_id, year, q_munis)
            results[q.question_id] = {"summary": row, "per_municipality": per_muni,
                                      "by_area": sr.yes_no_by_area(per_muni, inputs["members"], inputs["areas"])}
            downloads.append(pd.DataFrame({
                question: q.question_id, text: q.text_fi, group: per_muni["name_fi"],
                result: [value_label("survey.download_answer", a) for a in per_muni["answer"]]}))
        elif q.type == "scale_1_5":
            downloads.append(None)  # scale_results' part, by the grouping
        else:
            count = int(this_year.loc[this_year["question_id"] == q.question_id, "answer"].notna().sum())
            results[q.question_id] = {"count": count}
            downloads.append(None)
    return {
        "is_demo": bool(shown["is_demo"].any()),
        "respondents": len(respondents),
        "answered": respondents.loc[respondents["municipality_code"].isin(munis["code"]), "municipality_code"].nunique(),
        "municipality_total": munis["code"].nunique(),
        "hva_answered": bool((respondents["municipality_code"] == hva_code).any()),
        "min_group": sr.min_group_size(),
        "questions": visible,
        "results": results,
        "downloads": downloads,
    }


def scale_results(con, year: int, by: str | None = None) -> dict[str, dict]:
    """The scale items of `year` grouped `by` (role, area or None): question_id -> table, notes and its
    download frame (None when the table is empty)."""
    answers = answer_rows(con)
    questions = con.execute(QUESTIONS_SQL).df()
    members = con.execute("SELECT group_category, group_code, member_code FROM region_member").df()
    areas = con.execute("SELECT code, name_fi FROM region WHERE category = 'PALVELUALUE'").df()
    hva_code, min_group = deployment(con).hva[1], sr.min_group_size()
    asked = set(answers.loc[answers["year"] == year, "question_id"])
    names = _download_names()
    out = {}
    for q in questions[(questions["type"] == "scale_1_5") & questions["question_id"].isin(asked)].itertuples(index=False):
        table, notes = sr.scale_distribution(answers, q.question_id, year, by=by, members=members, areas=areas,
                                             hva_code=hva_code, min_group=min_group)
        download = None
        if not table.empty:
            long = sr.scale_long(table)
            download = pd.DataFrame({names["question"]: q.question_id, names["text"]: q.text_fi,
                                     names["group"]: long["group"], "n": long["n"], names["category"]: long["category"],
                                     names["share"]: long["percent"]})
        out[q.question_id] = {"table": table, "notes": notes, "download": download}
    return out


def with_scales(year_part: dict, scales: dict[str, dict]) -> dict:
    """year_results + scale_results as survey_page's one dict (the download in the questions' order)."""
    results = {**year_part["results"],
               **{qid: {"table": s["table"], "notes": s["notes"]} for qid, s in scales.items()}}
    frames = [frame if frame is not None else (scales.get(qid) or {}).get("download")
              for qid, frame in zip(year_part["questions"]["question_id"], year_part["downloads"])]
    frames = [f for f in frames if f is not None]
    page = {k: v for k, v in year_part.items() if k != "downloads"}
    return {**page, "results": results, "download": pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()}


def open_answers(con, year: int, question_id: str) -> dict:
    """One text question's answers of one year for the logged-in coordinators (metrics.survey_results.open_answers:
    small groups suppressed); never used by the public views."""
    answers = con.execute(
        "SELECT question_id, answer FROM survey_answers WHERE year = ? AND question_id = ?", [year, question_id]).df()
    texts, note = sr.open_answers(answers, question_id)
    return {"texts": texts, "note": note}
