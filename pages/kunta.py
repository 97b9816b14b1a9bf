"""Kunta — one municipality against its service-discussion area, Pohjois-Savo and koko maa."""
import pandas as pd
import streamlit as st

from metrics.goals import STATUS_SYMBOL
from ui import data
from ui.charts import line_chart
from ui.format import fi_number
from ui.indicator_table import display_table
from ui.layout import page_demo_banner, source_caption
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
st.caption(f"Palvelukeskustelualue: {area_name} · vertailu Pohjois-Savon hyvinvointialueeseen ja koko maahan")
page_demo_banner()

refs = [("vs_area", "PALVELUALUE", area), ("vs_hva", "HYVINVOINTIALUE", "13"), ("vs_country", "MAA", "358")]
table = data.get("region_indicator_table", "KUNTA", code, year_max=year, references=refs)
plan = data.get("plan")

counts = table["trend_class"].value_counts()
st.markdown(
    f"**{name}:** {counts.get('paranee', 0)} mittaria paranee, {counts.get('heikkenee', 0)} heikkenee, "
    f"{counts.get('ennallaan', 0)} ennallaan, {counts.get('ei erotu', 0)} muutosta ei erotu satunnaisvaihtelusta "
    f"(viimeiset 5 vuotta, joilta on tieto)."
)

tabs = st.tabs([f"{t('goal', n=g.goal_id)}: {g.short_fi}" for g in plan["goals"].itertuples()])
for tab, goal in zip(tabs, plan["goals"].itertuples()):
    with tab:
        goal_rows = table[table["goals"].map(lambda g: goal.goal_id in list(g))]
        st.dataframe(display_table(goal_rows, ["vs_area", "vs_hva", "vs_country"]), hide_index=True, width="stretch")
        source_caption(goal_rows)
        options = list(goal_rows["indicator_id"])
        titles = dict(zip(goal_rows["indicator_id"], goal_rows["title_fi"]))
        if options:
            chosen = st.selectbox("Kehityskuva", options, format_func=lambda i: titles[i], key=f"chart_{goal.goal_id}")
            row = goal_rows[goal_rows["indicator_id"] == chosen].iloc[0]
            series = data.get("observations", [("KUNTA", code), ("PALVELUALUE", area), ("HYVINVOINTIALUE", "13"), ("MAA", "358")],
                              [int(chosen)], year)
            labels = {("KUNTA", code): name, ("PALVELUALUE", area): area_name,
                      ("HYVINVOINTIALUE", "13"): "Pohjois-Savon HVA", ("MAA", "358"): "Koko maa"}
            series = series.assign(alue=[labels.get((c, k), k) for c, k in zip(series["region_category"], series["region_code"])])
            decimals = int(row["decimals"]) if pd.notna(row["decimals"]) else 1
            st.plotly_chart(line_chart(series, "year", "value", "alue", f"{row['title_fi']}", row["unit"] or "", decimals),
                            width="stretch", key=f"kunta_chart_{goal.goal_id}")
            source_caption(series.assign(data_updated=row["data_updated"], licence=row["licence"]))
            with st.expander("Taulukkona"):
                wide = series.pivot_table(index="year", columns="alue", values="value").reset_index()
                st.dataframe(wide.rename(columns={"year": "Vuosi"}).style.format(lambda v: fi_number(v, decimals), subset=[c for c in wide.columns if c != "year"]),
                             hide_index=True, width="stretch")

st.header("Toimenpiteet kunnassa")
matrix = data.get("action_status", year)
mine = matrix[matrix["municipality_code"] == code].merge(plan["actions"], on="action_id")
levels = plan["levels"].set_index("level_id")["short_fi"]
shown = pd.DataFrame({
    "Tavoite": mine["goal_id"],
    "Taso": mine["level_id"].map(levels),
    "Toimenpide": mine["text_fi"].str.slice(0, 100),
    "Tila": [f"{STATUS_SYMBOL[s]} {s}" for s in mine["status"]],
    "Lähde": mine["source"].fillna("–"),
})
done = (mine["status"] == "kyllä").sum()
st.markdown(f"Valmiina **{done}/{len(mine)}** toimenpidettä (kyselyn tai kirjauksen mukaan, kumpi uudempi).")
st.dataframe(shown, hide_index=True, width="stretch")
download_buttons(display_table(table, ["vs_area", "vs_hva", "vs_country"]), f"kunta_{name}_mittarit")
