"""Kompassikysely — the yearly compass survey per goal and level: yes/no items as "12/19 kuntaa",
scale items as 100 % stacked bars with n. Computation lives in metrics.survey_results."""
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from common.format import fi_int, fi_number
from readmodel import rules as sr
from readmodel import survey
from ui import data
from ui.layout import demo_banner, is_admin, select_from_url
from ui.safe import chart, md
from common.i18n import t
from ui.tables import download_buttons, opened_expander

# Viridis steps for 1..5 (sequential, colour-blind safe, readable in greyscale) and grey for "en osaa sanoa".
SCALE_COLOURS = {"1": "#440154", "2": "#3B528B", "3": "#21918C", "4": "#5EC962", "5": "#FDE725", "0": "#BBBBBB"}
TEXT_COLOURS = {"1": "white", "2": "white", "3": "white", "4": "black", "5": "black", "0": "black"}
GROUPINGS = {"role": "Vastaajan rooli", "area": "Palvelukeskustelualue", "none": "Ei ryhmittelyä"}

# ---------------------------------------------------------------- read state + query

st.title(t("page_survey"))
st.caption("Kuntafoorumin vuosittainen kompassikysely: miten yhteiset tavoitteet ja yhdyspintojen toimenpiteet "
           "ovat edenneet kunnissa ja hyvinvointialueella.")
st.caption("Tällä sivulla ovat kyselyn vastaukset sellaisinaan. Toimenpiteen tila Tilannekuva- ja Tavoitteet-sivuilla "
           "ja viennissä on vastuutahoittain uusin kyselyn vastaus tai koordinaattorin kirjaus (kumpi uudempi), ja "
           "sivut kertovat kunkin tilan lähteen ja päivän; kysymys kysytään vain toimenpiteen vastuutahoilta.")

years = data.get(survey.survey_years)
if not years:
    st.info("Kompassikyselyn vastauksia ei ole vielä ladattu. Ylläpito lataa vastaustiedoston Ylläpito-sivulla.")
    st.stop()

left, right = st.columns(2)
with left:
    year = select_from_url("Kyselyvuosi", years, "kyselyvuosi", key="survey_year")
with right:
    grouping = select_from_url("Asteikkokysymysten erittely", list(GROUPINGS), "erittely",
                               format_func=GROUPINGS.get, key="survey_grouping")
page = data.get(survey.survey_page, int(year), None if grouping == "none" else grouping)
if page["is_demo"]:
    demo_banner(True)

c1, c2, c3 = st.columns(3)
c1.metric("Vastaajia", fi_number(page["respondents"], 0))
c2.metric("Kuntia vastannut", f"{page['answered']}/{page['municipality_total']}")
c3.metric("Hyvinvointialue vastannut", "kyllä" if page["hva_answered"] else "ei")
st.caption("Kyllä/ei-kysymykset lasketaan kunnittain: kunta, joka ei vastannut, on \u201dei vastausta\u201d, ei koskaan "
           "\u201dei\u201d. Asteikkokysymykset ovat prosenttijakaumia vastanneista (1–5, 0 = en osaa sanoa); alle "
           f"{page['min_group']} vastaajan ryhmiä ei näytetä erikseen.")
results = page["results"]


# ---------------------------------------------------------------- render


def scale_chart(table: pd.DataFrame) -> go.Figure:
    labels = [f"{chart(g)} (n={n})" for g, n in zip(table["group"], table["n"])]
    fig = go.Figure()
    for category in sr.SCALE_CATEGORIES:
        values = table[category].astype(float)
        fig.add_trace(go.Bar(
            y=labels, x=values, orientation="h", name=sr.SCALE_LABELS[category],
            marker=dict(color=SCALE_COLOURS[category], line=dict(color="white", width=1)),
            text=[fi_number(v, 0, "%") if v >= 6 else "" for v in values], textposition="inside",
            insidetextanchor="middle", textfont=dict(color=TEXT_COLOURS[category]),
            hovertemplate="%{y}<br>" + sr.SCALE_LABELS[category] + ": %{x:.0f} %<extra></extra>",
        ))
    fig.update_layout(
        barmode="stack", separators=", ", height=110 + 38 * len(table), margin=dict(l=10, r=10, t=10, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, traceorder="normal"), plot_bgcolor="white",
        font=dict(size=13),
    )
    fig.update_xaxes(range=[0, 100], ticksuffix=" %", title=None, gridcolor="#EEEEEE")
    fig.update_yaxes(autorange="reversed")
    return fig


def scale_table(table: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({"Ryhmä": table["group"], "n": table["n"]})
    for c in sr.SCALE_CATEGORIES:
        out[sr.SCALE_LABELS[c] + " %"] = table[c].round(1)
    out["Keskiarvo (1–5)"] = table["keskiarvo"].round(2)
    return out


def render_yes_no(q) -> None:
    result = results[q.question_id]
    row = result["summary"]
    if q.respondent == "hva":
        st.markdown(f"**{md(q.text_fi)}**")
        previous = f" (edellinen {int(row['previous_year'])}: {row['previous_label']})" if pd.notna(row["previous_year"]) else ""
        st.write(f"Hyvinvointialueen vastaus: {row['label']}{previous}")
        return
    delta = None
    if pd.notna(row["change"]):
        delta = f"{int(row['change']):+d} kuntaa vs. {int(row['previous_year'])}"
    st.metric(md(q.text_fi), row["label"], delta=delta)
    st.caption(f"Kyllä {fi_int(row['kyllä'])} · Ei {fi_int(row['ei'])} · En osaa sanoa {fi_int(row['eos'])} · "
               f"Ei vastausta {fi_int(row['ei vastausta'])}")
    per_muni = result["per_municipality"]
    # Lazy: the two tables are built and sent only when a reader opens the breakdown (27 questions' worth
    # of hidden tables were most of what the page sent).
    box = opened_expander("Erittely kunnittain ja palvelukeskustelualueittain", key=f"survey_more_{q.question_id}")
    if box is None:
        return
    with box:
        table = per_muni.assign(Vastaus=per_muni["answer"].map(sr.YES_NO_LABELS))
        table = table.rename(columns={"name_fi": "Kunta", "respondents": "Vastaajia", "ristiriita": "Vastaajat eri mieltä"})
        st.dataframe(table[["Kunta", "Vastaus", "Vastaajia", "Vastaajat eri mieltä"]], hide_index=True, width="stretch")
        by_area = result["by_area"]
        st.dataframe(by_area.rename(columns={"area": "Palvelukeskustelualue", "label": "Kyllä / kuntia",
                                             "kyllä": "Kyllä", "ei": "Ei", "eos": "En osaa sanoa",
                                             "ei vastausta": "Ei vastausta"})
                     [["Palvelukeskustelualue", "Kyllä / kuntia", "Kyllä", "Ei", "En osaa sanoa", "Ei vastausta"]],
                     hide_index=True, width="stretch")


def render_scale(q) -> None:
    st.markdown(f"**{md(q.text_fi)}**")
    table, notes = results[q.question_id]["table"], results[q.question_id]["notes"]
    for note in notes:
        st.caption(md(note))
    if table.empty:
        if not notes:
            st.caption("Ei vastauksia tältä vuodelta.")
        return
    st.plotly_chart(scale_chart(table), width="stretch", config={"displayModeBar": False},
                    key=f"chart_{q.question_id}")
    if box := opened_expander("Taulukkona", key=f"survey_table_{q.question_id}"):
        with box:
            st.dataframe(scale_table(table), hide_index=True, width="stretch")


def render_question(q) -> None:
    if q.type == "yes_no":
        render_yes_no(q)
    elif q.type == "scale_1_5":
        render_scale(q)
    else:
        count = results[q.question_id]["count"]
        st.markdown(f"**{md(q.text_fi)}**")
        st.caption(f"Avoimia vastauksia {count} kpl (ei näytetä koontinäkymässä vastaajien suojaamiseksi).")
        if is_admin():  # coordinators only; never the public view, never who wrote what
            if box := opened_expander("Avoimet vastaukset (vain kirjautuneille koordinaattoreille)",
                                      key=f"survey_open_{q.question_id}"):
                with box:
                    found = data.get(survey.open_answers, int(year), q.question_id)
                    if found["note"]:
                        st.caption(found["note"])
                    for text in found["texts"]:
                        st.text(text)


visible = page["questions"]
if visible.empty:
    st.info("Tämän vuoden tiedostossa ei ole luettelon kysymyksiä.")
for goal_id, goal_questions in visible.groupby(visible["goal_id"].fillna(0), sort=True):
    title = goal_questions["goal_title"].iloc[0]
    st.header(f"{t('goal', n=int(goal_id))}: {md(title)}" if goal_id else "Yleiset kysymykset")
    for _, level_questions in goal_questions.groupby(goal_questions["level_sort"].fillna(99), sort=True):
        level_title = level_questions["level_title"].iloc[0]
        if isinstance(level_title, str):
            st.subheader(md(level_title))
        for q in level_questions.itertuples(index=False):
            render_question(q)

if not page["download"].empty:
    st.divider()
    st.markdown("**Lataa tämän sivun tulokset**")
    download_buttons(page["download"], f"kompassikysely_{year}", key="survey_all")
