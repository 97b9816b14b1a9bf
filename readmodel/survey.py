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
    item -> summary; scale -> table, notes; open -> count. `download`: the page's results as one frame."""
    inputs = _inputs(con)
    answers, questions, munis = inputs["answers"], inputs["questions"], inputs["municipalities"]
    hva_code = inputs["hva_code"]
    shown = answers[answers["year"] <= year]
    this_year = answers[answers["year"] == year]
    respondents = this_year.drop_duplicates(["load_id", "row_number"])
    summary = sr.yes_no_summary(answers, questions, munis, year, hva_code)
    summary_by_id = summary.set_index("question_id") if not summary.empty else summary
    min_group = sr.min_group_size()
    visible = questions[questions["question_id"].isin(set(this_year["question_id"]))].reset_index(drop=True)
    results: dict[str, dict] = {}
    downloads: list[pd.DataFrame] = []
    question, text, group, result = (t("survey.download.question"), t("survey.download.text"),
                                     t("survey.download.group"), t("survey.download.result"))
    category, share = t("survey.download.category"), t("survey.download.share")
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
            table, notes = sr.scale_distribution(answers, q.question_id, year, by=by, members=inputs["members"],
                                                 areas=inputs["areas"], hva_code=hva_code, min_group=min_group)
            results[q.question_id] = {"table": table, "notes": notes}
            if not table.empty:
                long = sr.scale_long(table)
                downloads.append(pd.DataFrame({question: q.question_id, text: q.text_fi, group: long["group"],
                                               "n": long["n"], category: long["category"], share: long["percent"]}))
        else:
            count = int(this_year.loc[this_year["question_id"] == q.question_id, "answer"].notna().sum())
            results[q.question_id] = {"count": count}
    return {
        "is_demo": bool(shown["is_demo"].any()),
        "respondents": len(respondents),
        "answered": respondents.loc[respondents["municipality_code"].isin(munis["code"]), "municipality_code"].nunique(),
        "municipality_total": munis["code"].nunique(),
        "hva_answered": bool((respondents["municipality_code"] == hva_code).any()),
        "min_group": min_group,
        "questions": visible,
        "results": results,
        "download": pd.concat(downloads, ignore_index=True) if downloads else pd.DataFrame(),
    }


def open_answers(con, year: int, question_id: str) -> dict:
    """One text question's answers of one year for the logged-in coordinators (metrics.survey_results.open_answers:
    small groups suppressed); never used by the public views."""
    answers = con.execute(
        "SELECT question_id, answer FROM survey_answers WHERE year = ? AND question_id = ?", [year, question_id]).df()
    texts, note = sr.open_answers(answers, question_id)
    return {"texts": texts, "note": note}
