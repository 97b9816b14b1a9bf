"""Kompassikysely — the yearly compass survey per goal and level: yes/no items as "12/19 kuntaa",
scale items as 100 % stacked bars with n. Computation lives in metrics.survey_results."""
import pandas as pd
import streamlit as st

from common.format import fi_int, fi_number
from readmodel import rules as sr
from readmodel import survey
from ui import data
from ui.layout import demo_banner, is_admin, select_from_url
from ui.safe import md
from ui.scale_bars import CSS as SCALE_CSS, scale_bars_html
from common.i18n import t, value_label
from ui.html_table import show_table
from ui.tables import download_buttons, opened_expander

GROUPINGS = ("role", "area", "none")  # survey.grouping.* in common/strings/plan_survey.toml


def scale_label(category: str) -> str:
    """1..5 as the number, 0 as "En osaa sanoa" (metrics.survey_results.scale_label)."""
    return value_label("answer", "eos") if category == "0" else category

# ---------------------------------------------------------------- read state + query

st.title(t("page_survey"))
st.caption(t("survey.caption"))
st.caption(t("survey.caption_status"))

years = data.get(survey.survey_years)
if not years:
    st.info(t("survey.not_loaded"))
    st.stop()

left, right = st.columns(2)
with left:
    year = select_from_url(t("survey.year"), years, "kyselyvuosi", key="survey_year")
with right:
    grouping = select_from_url(t("survey.grouping_label"), list(GROUPINGS), "erittely",
                               format_func=lambda g: t(f"survey.grouping.{g}"), key="survey_grouping")
# Two cached parts: a grouping change recomputes only the scale items (survey.survey_page says why).
page = survey.with_scales(data.get(survey.year_results, int(year)),
                          data.get(survey.scale_results, int(year), None if grouping == "none" else grouping))
if page["is_demo"]:
    demo_banner(True)

c1, c2, c3 = st.columns(3)
c1.metric(t("survey.respondents"), fi_number(page["respondents"], 0))
c2.metric(t("survey.municipalities_answered"), f"{page['answered']}/{page['municipality_total']}")
c3.metric(t("survey.hva_answered"), value_label("status", "kyllä" if page["hva_answered"] else "ei"))
st.caption(t("survey.rules_caption", min_group=page["min_group"]))
results = page["results"]


# ---------------------------------------------------------------- render


def scale_table(table: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({t("survey.col_group"): table["group"], "n": table["n"]})
    for c in sr.SCALE_CATEGORIES:
        out[scale_label(c) + " %"] = table[c].round(1)
    out[t("survey.col_mean")] = table["keskiarvo"].round(2)
    return out


def render_yes_no(q) -> None:
    result = results[q.question_id]
    row = result["summary"]
    if q.respondent == "hva":
        st.markdown(f"**{md(q.text_fi)}**")
        previous = (t("survey.previous", year=int(row["previous_year"]), label=row["previous_label"])
                    if pd.notna(row["previous_year"]) else "")
        st.write(t("survey.hva_answer", label=row["label"], previous=previous))
        return
    delta = None
    if pd.notna(row["change"]):
        delta = t("survey.delta", change=f"{int(row['change']):+d}", year=int(row["previous_year"]))
    st.metric(md(q.text_fi), row["label"], delta=delta)
    st.caption(t("survey.yes_no_counts", yes=fi_int(row["kyllä"]), no=fi_int(row["ei"]), eos=fi_int(row["eos"]),
                 none=fi_int(row["ei vastausta"])))
    per_muni = result["per_municipality"]
    # Lazy: the two tables are built and sent only when a reader opens the breakdown (27 questions' worth
    # of hidden tables were most of what the page sent).
    box = opened_expander(t("survey.breakdown"), key=f"survey_more_{q.question_id}")
    if box is None:
        return
    with box:
        show_table(pd.DataFrame({
            t("survey.col_municipality"): per_muni["name_fi"],
            t("survey.col_answer"): [value_label("answer", a) for a in per_muni["answer"]],
            t("survey.col_respondents"): per_muni["respondents"],
            t("survey.col_disagree"): per_muni["ristiriita"],
        }), t("survey.breakdown"))
        by_area = result["by_area"]
        answers = {c: value_label("answer", c) for c in sr.YES_NO_LABELS}
        show_table(by_area.rename(columns={"area": t("survey.col_area"), "label": t("survey.col_yes_of"), **answers})
                   [[t("survey.col_area"), t("survey.col_yes_of"), *answers.values()]], t("survey.col_area"))


def render_scale(q) -> None:
    st.markdown(f"**{md(q.text_fi)}**")
    table, notes = results[q.question_id]["table"], results[q.question_id]["notes"]
    for note in notes:
        st.caption(md(note))
    if table.empty:
        if not notes:
            st.caption(t("survey.no_answers_year"))
        return
    st.html(scale_bars_html(table, sr.SCALE_CATEGORIES, scale_label))
    if box := opened_expander(t("survey.as_table"), key=f"survey_table_{q.question_id}"):
        with box:
            show_table(scale_table(table), q.text_fi)


def render_question(q) -> None:
    if q.type == "yes_no":
        render_yes_no(q)
    elif q.type == "scale_1_5":
        render_scale(q)
    else:
        count = results[q.question_id]["count"]
        st.markdown(f"**{md(q.text_fi)}**")
        st.caption(t("survey.open_count", count=count))
        if is_admin():  # coordinators only; never the public view, never who wrote what
            if box := opened_expander(t("survey.open_answers"),
                                      key=f"survey_open_{q.question_id}"):
                with box:
                    found = data.get(survey.open_answers, int(year), q.question_id)
                    if found["note"]:
                        st.caption(found["note"])
                    for text in found["texts"]:
                        st.text(text)


visible = page["questions"]
st.html(SCALE_CSS)
if visible.empty:
    st.info(t("survey.no_questions"))
for goal_id, goal_questions in visible.groupby(visible["goal_id"].fillna(0), sort=True):
    title = goal_questions["goal_title"].iloc[0]
    st.header(f"{t('goal', n=int(goal_id))}: {md(title)}" if goal_id else t("survey.general"))
    for _, level_questions in goal_questions.groupby(goal_questions["level_sort"].fillna(99), sort=True):
        level_title = level_questions["level_title"].iloc[0]
        if isinstance(level_title, str):
            st.subheader(md(level_title))
        for q in level_questions.itertuples(index=False):
            render_question(q)

if not page["download"].empty:
    st.divider()
    st.markdown(t("survey.download_heading"))
    download_buttons(page["download"], t("export.file_survey", year=year), key="survey_all")
