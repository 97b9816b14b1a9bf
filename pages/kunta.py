"""Kunta — one municipality against its service-discussion area, Pohjois-Savo and koko maa."""
import pandas as pd
import streamlit as st

from metrics.goals import STATUS_SYMBOL
from metrics.summary import clearest_changes
from ui import data
from ui.brief import BriefSection, build_brief, sparks_for
from ui.charts import line_chart, small_multiples
from ui.format import fi_number
from ui.indicator_table import display_table
from ui.layout import brief_downloads, page_demo_banner, snapshot_changes, source_caption, status_year, summary_sentences
from ui.strings import t
from ui.tables import download_buttons

code = st.session_state.get("municipality", "297")
year = st.session_state.get("year")
munis = data.get("municipalities")
name = dict(zip(munis["code"], munis["name_fi"])).get(code, code)
area = data.get("area_of", code)
regions = data.get("regions")
area_name = dict(zip(regions["code"], regions["name_fi"])).get(area, area)

st.title(f"{t('page_municipality')}: {name}")
st.caption(f"Palvelukeskustelualue: {area_name} · vertailu alueeseen, Pohjois-Savon hyvinvointialueeseen ja koko maahan"
           + (f" · tiedot vuoteen {year} asti" if year else ""))
is_demo = page_demo_banner()

refs = [("vs_area", "PALVELUALUE", area), ("vs_hva", "HYVINVOINTIALUE", "13"), ("vs_country", "MAA", "358")]
table = data.get("region_indicator_table", "KUNTA", code, year_max=year, references=refs)
plan = data.get("plan")
labels = {("KUNTA", code): name, ("PALVELUALUE", area): area_name,
          ("HYVINVOINTIALUE", "13"): "Pohjois-Savon HVA", ("MAA", "358"): "Koko maa"}
all_series = data.get("observations", list(labels), None, year)
all_series = all_series.assign(alue=[labels.get((c, k), k) for c, k in zip(all_series["region_category"], all_series["region_code"])])

# ---- summary
st.header("Yhteenveto")
counts = table["trend_class"].value_counts()
fallback = (f"{name}: {counts.get('paranee', 0)} mittaria paranee, {counts.get('heikkenee', 0)} heikkenee, "
            f"{counts.get('ennallaan', 0)} ennallaan, {counts.get('ei erotu', 0)} muutosta ei erotu satunnaisvaihtelusta "
            f"(viimeiset 5 vuotta, joilta on tieto).")
summary = summary_sentences("KUNTA", code, year) or [fallback]
st.markdown("  \n".join(summary))
worse_than_hva = table[table["vs_hva"] == "heikompi"]["title_fi"].tolist()
if worse_than_hva:
    st.markdown(f"**Heikompi kuin Pohjois-Savo ({len(worse_than_hva)}):** " + "; ".join(worse_than_hva[:6])
                + (" …" if len(worse_than_hva) > 6 else ""))

# ---- indicators per goal
st.header("Mittarit tavoitteittain")
brief_sections = []
tabs = st.tabs([f"{t('goal', n=g.goal_id)}: {g.short_fi}" for g in plan["goals"].itertuples()])
for tab, goal in zip(tabs, plan["goals"].itertuples()):
    with tab:
        goal_rows = table[table["goals"].map(lambda g: goal.goal_id in list(g))]
        shown = display_table(goal_rows, ["vs_area", "vs_hva", "vs_country"])
        st.dataframe(shown, hide_index=True, width="stretch")
        source_caption(goal_rows)
        brief_sections.append(BriefSection(f"Tavoite {goal.goal_id}: {goal.title_fi}",
                                           shown.drop(columns=["Suunta", "Muutos (ikkuna)"]), sparks_for(goal_rows, all_series, "KUNTA", code),
                                           source="Lähde: THL, Sotkanet.fi" + (" (esimerkkiaineisto)" if is_demo else "")))
        moving = clearest_changes(goal_rows, None, 9)
        panels = [(int(r.indicator_id), r.title_fi, r.unit or "", int(r.decimals) if pd.notna(r.decimals) else 1)
                  for r in moving.itertuples()]
        if panels:
            st.subheader("Kehitys pienkuvina: selvimmin muuttuneet")
            st.plotly_chart(small_multiples(all_series[all_series["indicator_id"].isin([p[0] for p in panels])], panels,
                                            name, "Pohjois-Savon HVA"),
                            width="stretch", key=f"kunta_small_{goal.goal_id}")
            st.caption(f"{name} (yhtenäinen viiva) ja Pohjois-Savon hyvinvointialue (katkoviiva), vuodet x-akselilla, "
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
            with st.expander("Taulukkona"):
                wide = series.pivot_table(index="year", columns="alue", values="value").reset_index()
                wide = wide.rename(columns={"year": "Vuosi"})
                st.dataframe(wide.style.format(lambda v: fi_number(v, decimals), subset=[c for c in wide.columns if c != "Vuosi"]),
                             hide_index=True, width="stretch")
                download_buttons(wide, f"kunta_{name}_{chosen}", key=f"kunta_series_{goal.goal_id}")
st.caption(f"Kaikki mittarit ({name}) yhtenä taulukkona:")
download_buttons(display_table(table, ["vs_area", "vs_hva", "vs_country"]), f"kunta_{name}_mittarit")

# ---- actions
st.header("Toimenpiteet kunnassa")
matrix = data.get("action_status", status_year())
tracked = data.get("tracked_actions")
mine = matrix[matrix["municipality_code"] == code].merge(plan["actions"], on="action_id")
mine = mine.assign(tracked=mine["action_id"].isin(tracked)).sort_values(["tracked", "goal_id", "level_id"], ascending=[False, True, True])
levels = plan["levels"].set_index("level_id")["short_fi"]
actions_shown = pd.DataFrame({
    "Tavoite": mine["goal_id"],
    "Taso": mine["level_id"].map(levels),
    "Toimenpide": mine["text_fi"].str.slice(0, 100),
    "Seurataan kunnittain": ["kyllä" if t else "ei (koko alueen toimenpide)" for t in mine["tracked"]],
    "Tila": [f"{STATUS_SYMBOL[s]} {s}" for s in mine["status"]],
    "Lähde": mine["source"].fillna("–"),
    "Päivä": [d.strftime("%-d.%-m.%Y") if pd.notna(d) else "–" for d in pd.to_datetime(mine["date"])],
})
followed = mine[mine["tracked"]]
done = (followed["status"] == "kyllä").sum()
st.markdown(f"Valmiina **{done}/{len(followed)}** kunnittain seurattavaa toimenpidettä (kyselyn tai kirjauksen mukaan, "
            f"kumpi uudempi); suunnitelmassa toimenpiteitä kaikkiaan {len(mine)}. "
            + " · ".join(f"{STATUS_SYMBOL[s]} {s}: {(followed['status'] == s).sum()}" for s in STATUS_SYMBOL))
st.dataframe(actions_shown, hide_index=True, width="stretch")
download_buttons(actions_shown, f"kunta_{name}_toimenpiteet")

# ---- survey answers
st.header("Kompassikyselyn vastaukset")
answers = data.get_from("ui.view_data", "survey_answers", code, year_max=status_year())
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
st.caption(f"{name}: yhteenveto, mittarit tavoitteittain pienkuvaajin, toimenpiteiden tila ja kompassikyselyn vastaukset "
           "yhtenä tiedostona (A4, tulostettava).")
brief_sections.append(BriefSection("Toimenpiteet", actions_shown[["Toimenpide", "Tavoite", "Taso", "Tila", "Päivä"]]))
if not survey_shown.empty:
    brief_sections.append(BriefSection(f"Kompassikysely {int(answers['year'].max())}", survey_shown))
document = build_brief(f"{name} — kuntakooste", f"Palvelukeskustelualue {area_name} · Pohjois-Savon yhteinen tilannekuva"
                       + (f" · tiedot vuoteen {year} asti" if year else ""), brief_sections,
                       summary=summary, is_demo=is_demo, footer=t("footer"))
brief_downloads(document, f"kuntakooste_{name}", key="kunta")
