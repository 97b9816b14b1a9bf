"""Tilannekuva — the kuntafoorumi's one screen per goal: what moved, what is done, what is late."""
import pandas as pd
import streamlit as st

from metrics.goals import STATUS_SYMBOL
from ui import data
from ui.format import fi_datetime, fi_number
from ui.indicator_table import display_table
from ui.layout import page_demo_banner, source_caption
from ui.strings import t
from ui.tables import download_buttons

year = st.session_state.get("year")
st.title(t("page_overview"))
st.caption("Pohjois-Savon hyvinvointialueen, 19 kunnan ja Pohjois-Savon liiton yhteiset tavoitteet: "
           "mittarit hyvinvointialueen tasolla koko maahan verrattuna ja toimenpiteiden eteneminen kunnissa.")
page_demo_banner()

overview = data.get("overview", year)
plan = data.get("plan")
loads = data.query("SELECT source, max(finished_at) AS last FROM load_log WHERE status IN ('ok', 'partial') GROUP BY source")
indicators = overview["indicators"]
latest_year = int(indicators["year"].max()) if indicators["year"].notna().any() else None
freshness = ", ".join(f"{r.source}: {fi_datetime(r.last)}" for r in loads.itertuples())
st.info(f"Tiedot vuoteen **{latest_year or '–'}** asti · viimeisimmät lataukset: {freshness or 'ei latauksia'}", icon="🕒")

completion = overview["completion"].merge(plan["actions"], on="action_id")
tracked = set(overview["tracked"]["action_id"])
goal_level = overview["goal_level"]
levels = plan["levels"].set_index("level_id")

for goal in plan["goals"].itertuples():
    st.header(f"{t('goal', n=goal.goal_id)}: {goal.title_fi}")
    left, right = st.columns([2, 3])
    with left:
        st.subheader("Toimenpiteiden eteneminen")
        cells = goal_level[goal_level["goal_id"] == goal.goal_id]
        if cells.empty:
            st.write("Tälle tavoitteelle ei ole kunnittain seurattavia kyllä/ei-mittareita.")
        for cell in cells.itertuples():
            st.metric(
                levels.loc[cell.level_id, "short_fi"],
                f"{fi_number(cell.done_pct, 0)} %",
                help=f"Valmiit (kyllä) kunta × toimenpide -parit / kaikki parit: {cell.done}/{cell.pairs}. "
                     f"Osittain {cell.partly}, ei {cell.no}, ei vastausta {cell.no_answer}.",
            )
        rows = completion[(completion["goal_id"] == goal.goal_id) & completion["action_id"].isin(tracked)]
        table = pd.DataFrame({
            "Taso": [levels.loc[lv, "short_fi"] for lv in rows["level_id"]],
            "Toimenpide": rows["text_fi"].str.slice(0, 90),
            "Valmis": [t("actions_done", done=d, total=n) for d, n in zip(rows["done"], rows["total"])],
            f"{STATUS_SYMBOL['osittain']} osittain": rows["osittain"],
            f"{STATUS_SYMBOL['ei']} ei": rows["ei"],
            f"{STATUS_SYMBOL['ei vastausta']} ei vastausta": rows["ei vastausta"],
        })
        st.dataframe(table, hide_index=True, width="stretch")
        st.caption("Osuus = kyllä-vastausten kunta × toimenpide -parit / kaikki parit. Tila on uusimman "
                   "kompassikyselyn tai koordinaattorin kirjauksen mukainen (kumpi uudempi); vastaamatta jäänyt ei ole 'ei'.")
    with right:
        st.subheader("Mittarit: Pohjois-Savon hyvinvointialue")
        goal_inds = indicators[indicators["goals"].map(lambda g: goal.goal_id in list(g))]
        shown = display_table(goal_inds, ["vs_country"])
        st.dataframe(shown, hide_index=True, width="stretch")
        source_caption(goal_inds)
        moved = goal_inds.dropna(subset=["relative_slope_pct"])
        better = moved[moved["trend_class"] == "paranee"].nlargest(2, "relative_slope_pct", keep="first")
        worse = moved[moved["trend_class"] == "heikkenee"]
        worse = worse.reindex(worse["relative_slope_pct"].abs().sort_values(ascending=False).index).head(2)
        lines = [f"▲ paranee: {r.title_fi} ({fi_number(r.relative_slope_pct, 1, signed=True)} %/v)" for r in better.itertuples()]
        lines += [f"▼ heikkenee: {r.title_fi} ({fi_number(r.relative_slope_pct, 1, signed=True)} %/v)" for r in worse.itertuples()]
        if lines:
            st.markdown("**Selvimmät muutokset:**  \n" + "  \n".join(lines))
    st.divider()

with st.expander("Lataa tilannekuvan mittaritaulukko"):
    download_buttons(display_table(indicators, ["vs_country"]), "tilannekuva_mittarit")
