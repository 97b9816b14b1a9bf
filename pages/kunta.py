"""Kunta — one municipality against its service-discussion area, the HVA and koko maa."""
import pandas as pd
import streamlit as st

from common.format import fi_number
from readmodel import municipality, page_data, view_data
from readmodel.rules import STATUS_SYMBOL, clearest_changes
from ui import data
from documents.brief import BriefSection, build_brief, sparks_for
from ui.charts import line_chart, small_multiples
from ui.forum import changes_since_forum, take_home_downloads
from ui.indicator_table import display_table
from ui.layout import (
    brief_downloads,
    footer_text,
    page_demo_banner,
    region_facts,
    snapshot_changes,
    source_caption,
    status_year,
)
from ui.safe import md, md_lines
from common.i18n import t
from ui.tables import download_buttons, opened_expander

code = st.session_state.get("municipality") or region_facts().default_municipality
year = st.session_state.get("year")
context = data.get(municipality.municipality_context, code)
name, area, area_name = context["name"], context["area"], context["area_name"]

st.title(f"{t('page_municipality')}: {md(name)}")
st.caption(f"Palvelukeskustelualue: {md(area_name)} · vertailu alueeseen, hyvinvointialueeseen ({md(context['hva_name'])}) ja koko maahan"
           + (f" · tiedot vuoteen {year} asti" if year else ""))
is_demo = page_demo_banner()
changes_since_forum(code, name)

table = data.get(page_data.region_indicator_table, "KUNTA", code, year_max=year, references=context["references"])
plan = data.get(page_data.plan)
labels = context["labels"]
all_series = data.get(page_data.observations, list(labels), None, year)
all_series = all_series.assign(alue=[labels.get((c, k), k) for c, k in zip(all_series["region_category"], all_series["region_code"])])

# ---- summary
st.header("Yhteenveto")
summary = data.get(municipality.municipality_summary, code, year_max=year, status_year_max=status_year())
st.markdown(md_lines(summary))
worse_than_hva = table[table["vs_hva"] == "heikompi"]["title_fi"].tolist()
if worse_than_hva:
    st.markdown(f"**Heikompi kuin hyvinvointialue ({len(worse_than_hva)}):** " + "; ".join(md(w) for w in worse_than_hva[:6])
                + (" …" if len(worse_than_hva) > 6 else ""))

# ---- indicators per goal
st.header("Mittarit tavoitteittain")
brief_sections = []
# Lazy tabs: only the open goal's tables and figures are built and sent (all four made the page the slowest).
tabs = st.tabs([f"{t('goal', n=g.goal_id)}: {md(g.short_fi)}" for g in plan["goals"].itertuples()], key="kunta_goal",
               on_change="rerun")
for tab, goal in zip(tabs, plan["goals"].itertuples()):
    goal_rows = table[table["goals"].map(lambda g: goal.goal_id in list(g))]
    shown = display_table(goal_rows, ["vs_area", "vs_hva", "vs_country"])
    brief_sections.append(BriefSection(f"Tavoite {goal.goal_id}: {goal.title_fi}",
                                       shown.drop(columns=["Suunta", "Muutos (ikkuna)"]), lambda rows=goal_rows: sparks_for(rows, all_series, "KUNTA", code),
                                       source="Lähde: THL, Sotkanet.fi" + (" (esimerkkiaineisto)" if is_demo else "")))
    if not tab.open:
        continue
    with tab:
        st.dataframe(shown, hide_index=True, width="stretch")
        source_caption(goal_rows)
        moving = clearest_changes(goal_rows, None, 9)
        panels = [(int(r.indicator_id), r.title_fi, r.unit or "", int(r.decimals) if pd.notna(r.decimals) else 1)
                  for r in moving.itertuples()]
        if panels:
            st.subheader("Kehitys pienkuvina: selvimmin muuttuneet")
            st.plotly_chart(small_multiples(all_series[all_series["indicator_id"].isin([p[0] for p in panels])], panels,
                                            name, context["hva_name"]),
                            width="stretch", key=f"kunta_small_{goal.goal_id}")
            st.caption(f"{md(name)} (yhtenäinen viiva) ja {md(context['hva_name'])} (katkoviiva), vuodet x-akselilla, "
                       "yksikkö kunkin kuvan otsikossa. Taulukkona: yllä oleva mittaritaulukko ja alla valitun mittarin vuosiarvot.")
            source_caption(goal_rows)
            options = [p[0] for p in panels]
            titles = {p[0]: p[1] for p in panels}
            chosen = st.selectbox("Tarkempi kehityskuva", options, format_func=lambda i: titles[i], key=f"chart_{goal.goal_id}")
            row = goal_rows[goal_rows["indicator_id"] == chosen].iloc[0]
            series = all_series[all_series["indicator_id"] == chosen]
            decimals = int(row["decimals"]) if pd.notna(row["decimals"]) else 1
            first_year, last_year = int(series["year"].min()), int(series["year"].max())
            st.plotly_chart(line_chart(series, "year", "value", "alue", f"{row['title_fi']}, {first_year}–{last_year}",
                                       row["unit"] or "", decimals),
                            width="stretch", key=f"kunta_chart_{goal.goal_id}")
            source_caption(series.assign(data_updated=row["data_updated"], licence=row["licence"]))
            if box := opened_expander("Taulukkona", key=f"kunta_table_{goal.goal_id}"):
                with box:
                    wide = series.pivot_table(index="year", columns="alue", values="value").reset_index()
                    wide = wide.rename(columns={"year": "Vuosi"})
                    st.dataframe(wide.style.format(lambda v: fi_number(v, decimals), subset=[c for c in wide.columns if c != "Vuosi"]),
                                 hide_index=True, width="stretch")
                    download_buttons(wide, f"kunta_{name}_{chosen}", key=f"kunta_series_{goal.goal_id}")
st.caption(f"Kaikki mittarit ({md(name)}) yhtenä taulukkona:")
download_buttons(display_table(table, ["vs_area", "vs_hva", "vs_country"]), f"kunta_{name}_mittarit")

# ---- actions
st.header("Toimenpiteet kunnassa")
own_actions = data.get(municipality.municipality_actions, code, status_year())
mine = own_actions["actions"]
levels = plan["levels"].set_index("level_id")["short_fi"]
actions_shown = pd.DataFrame({
    "Tavoite": mine["goal_id"],
    "Johdon taso / yhdyspinta": mine["level_id"].map(levels),
    "Toimenpide": mine["text_fi"],  # whole: the table and the brief wrap it
    "Kunta vastaa": ["kyllä" if t else "ei: " + str(o) for t, o in zip(mine["tracked"], mine["owners"])],
    "Tila": [f"{STATUS_SYMBOL[s]} {s}" for s in mine["status"]],
    "Omassa yksikössään": mine["unit_text"],
    "Lähde": mine["source"].fillna("–"),
    "Päivä": [d.strftime("%-d.%-m.%Y") if pd.notna(d) else "–" for d in pd.to_datetime(mine["date"])],
})
st.markdown(f"Valmiina **{own_actions['done']}/{own_actions['followed']}** toimenpidettä, joista kunta vastaa "
            f"(kyselyn tai kirjauksen mukaan, kumpi uudempi); suunnitelmassa toimenpiteitä kaikkiaan {own_actions['total']}, "
            "muiden tila vastuutahojensa mukaan. "
            + " · ".join(f"{STATUS_SYMBOL[s]} {s}: {n}" for s, n in own_actions["counts"].items()))
st.dataframe(actions_shown, hide_index=True, width="stretch")
download_buttons(actions_shown, f"kunta_{name}_toimenpiteet")

# ---- survey answers
st.header("Kompassikyselyn vastaukset")
answers = data.get(view_data.survey_answers, code, year_max=status_year())
survey_shown = pd.DataFrame()
if answers.empty:
    st.caption("Kunnalta ei ole kompassikyselyn vastauksia valitulle ajalle.")
else:
    survey_year = int(answers["year"].max())
    answer_word = {"kyllä": "✔ kyllä", "ei": "✘ ei"}
    survey_shown = pd.DataFrame({
        "Kysymys": answers["text_fi"],
        "Vastaaja": answers["respondent_role"].fillna("–"),
        "Vastaus": [answer_word.get(a, "? ei vastausta") if isinstance(a, str) else "? ei vastausta" for a in answers["answer"]],
    })
    yes = (answers["answer"] == "kyllä").sum()
    st.markdown(f"Kompassikysely **{survey_year}**: {yes}/{len(answers)} kyllä/ei-kysymykseen vastattu *kyllä*."
                + (" (esimerkkiaineisto)" if bool(answers["is_demo"].any()) else ""))
    st.dataframe(survey_shown, hide_index=True, width="stretch")
    download_buttons(survey_shown, f"kunta_{name}_kompassikysely_{survey_year}")

# ---- changes since a snapshot
snapshot_changes(code, year, name)

# ---- printable brief
st.header("Tulostettava kooste")
st.caption(f"{md(name)}: yhteenveto, mittarit tavoitteittain pienkuvaajin, toimenpiteiden tila ja kompassikyselyn vastaukset "
           "yhtenä tiedostona (A4, tulostettava).")
brief_sections.append(BriefSection("Toimenpiteet", actions_shown[["Toimenpide", "Tavoite", "Johdon taso / yhdyspinta", "Kunta vastaa",
                                                                   "Tila", "Päivä"]]))
if not survey_shown.empty:
    brief_sections.append(BriefSection(f"Kompassikysely {int(answers['year'].max())}", survey_shown))
make_document = lambda: build_brief(  # noqa: E731  (built only when downloaded)
    f"{name} — kuntakooste", f"Palvelukeskustelualue {area_name} · {region_facts().region_name}: yhteinen tilannekuva"
    + (f" · tiedot vuoteen {year} asti" if year else ""), brief_sections,
    summary=summary, is_demo=is_demo, footer=footer_text())
brief_downloads(make_document, f"kuntakooste_{name}", key="kunta")
take_home_downloads(footer_text(), party_key=code)
