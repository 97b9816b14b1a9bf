"""The plan's follow-up on the pages: every action in its own unit, the one status rule stated where it is
used, an action's history, its metrics with their data sources and the own metrics as trends.

Stored text (action texts, notes, names) is shown through ui.safe.md: st.table renders Markdown in cells."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.followup import PLAN_COUNT_FORMULA, STATUS_RULE, count_text
from readmodel import page_data, plan_followup
from readmodel.rules import STATUS_SYMBOL
from ui import data
from ui.safe import md

KIND_LABEL = {"yes_no": "kyllä/ei", "trend": "kehitys", "experience": "kokemus", "other": "muu seuranta"}


def _text(value, limit: int | None = None) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    text = str(value)
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    return md(text) or "–"


def status_label(status: str) -> str:
    return f"{STATUS_SYMBOL.get(status, '')} {status}".strip()


def plan_total(overview: dict) -> None:
    """The whole plan's count (the export's, metrics.followup.plan_counts) and the rule behind it."""
    total = overview["total"].iloc[0]
    st.markdown("**Koko suunnitelma:** " + count_text(int(total["done"]), int(total["actions"]), int(total["partly"]),
                                                     int(total["no"]), int(total["no_answer"])))
    st.caption(f"{PLAN_COUNT_FORMULA} {STATUS_RULE}")


def actions_table(rows: pd.DataFrame, plan: dict, goal_id: int | None = None, compact: bool = False) -> None:
    """Every action (of one goal) with its owners, its own status, its unit, the source and date of its newest
    status and the newest record's note; ordered as the seed: johdon taso first, then yhdyspinnat a–e.
    compact: id, text, status, unit and source only (the overview, one table per goal)."""
    levels = plan["levels"].set_index("level_id")
    part = rows if goal_id is None else rows[rows["goal_id"] == goal_id]
    part = part.assign(_sort=part["level_id"].map(levels["sort"])).sort_values(["_sort", "action_id"])
    text = plan["actions"].set_index("action_id")["text_fi"]
    table = pd.DataFrame({
        "Tunnus": [_text(a) for a in part["action_id"]],
        "Johdon taso / yhdyspinta": [_text(levels.loc[lv, "short_fi"]) for lv in part["level_id"]],
        "Toimenpide": [_text(text.get(a), 90) for a in part["action_id"]],
        "Vastuutahot": [_text(o) for o in part["owners"]],
        "Tila": [status_label(s) for s in part["status"]],
        "Omassa yksikössään": [_text(u) for u in part["unit_text"]],
        "Lähde ja päivä": [_text(s) for s in part["source"]],
        "Huomio": [_text(n, 80) for n in part["note"]],
    })
    if compact:
        table = table[["Tunnus", "Toimenpide", "Tila", "Omassa yksikössään", "Lähde ja päivä"]]
        table["Toimenpide"] = [_text(text.get(a), 60) for a in part["action_id"]]
    st.table(table.set_index("Tunnus"))


def action_followup(action_id: str, rows: pd.DataFrame, plan: dict) -> None:
    """One action on the Tavoitteet page: status with source, owners, metrics with data sources, own-metric
    trends and the full history of its recorded statuses."""
    row = rows.set_index("action_id").loc[action_id] if action_id in set(rows["action_id"]) else None
    if row is not None:
        st.markdown(f"**Tila:** {status_label(row['status'])} ({_text(row['unit_text'])}) · "
                    f"**lähde:** {_text(row['source'])} · **vastuutahot:** {_text(row['owners'])}")
        details = [f"vastuuhenkilö {_text(row['responsible'])}" if isinstance(row["responsible"], str) else "",
                   f"aikataulu {_text(row['timetable'])}" if isinstance(row["timetable"], str) else "",
                   f"huomio: {_text(row['note'])}" if isinstance(row["note"], str) else ""]
        if any(details):
            st.caption(" · ".join(d for d in details if d))
    sources = data.get(plan_followup.metric_sources)
    mine = sources[sources["action_ids"].map(lambda ids: action_id in list(ids))]
    if len(mine):
        st.table(pd.DataFrame({
            "Mittari": [_text(t) for t in mine["text_fi"]], "Laji": mine["kind"].map(KIND_LABEL).fillna("–"),
            "Muut toimenpiteet": [_text(", ".join(a for a in ids if a != action_id)) for ids in mine["action_ids"]],
            "Tietolähde": [_text(t) for t in mine["source_text"]],
        }))
    else:
        st.caption("Ei mittaria suunnitelmassa.")
    for m in mine.itertuples():
        if isinstance(m.own_unit, str) and m.own_unit:
            own_metric_trend(m.metric_id, m.text_fi, m.own_unit)
    history = data.get(plan_followup.action_history, action_id)
    with st.expander(f"Tilan historia ({len(history)} kirjausta)", expanded=False):
        if history.empty:
            st.caption("Ei kirjattuja tiloja; tila tulee kompassikyselystä tai puuttuu.")
        else:
            st.table(pd.DataFrame({
                "Vastuutaho": [_text(p) for p in history["party"]],
                "Tila": [status_label(s) for s in history["status"]],
                "Päivä": [d.strftime("%-d.%-m.%Y") for d in pd.to_datetime(history["status_date"])],
                "Huomio": [_text(n) for n in history["note"]],
                "Vastuuhenkilö": [_text(n) for n in history["responsible"]],
                "Aikataulu": [_text(n) for n in history["timetable"]],
                "Kirjaaja": [_text(n) for n in history["recorded_by"]],
            }))


def own_metric_trend(metric_id: str, title: str, unit: str) -> None:
    trend = data.get(plan_followup.own_metric_trend, metric_id)
    st.markdown(f"**Oma mittari:** {_text(title)} ({_text(unit)})")
    if trend.empty:
        st.caption("Arvoja ei ole ladattu. Vastuutaho lataa ne tiedostona (Ylläpito → Omat mittarit).")
        return
    wide = trend.pivot_table(index="year", columns="party_name", values="value", aggfunc="last").sort_index()
    wide.index = wide.index.astype(str)
    wide.columns = [md(c) for c in wide.columns]
    st.line_chart(wide, x_label="vuosi", y_label=unit)
    classes = trend.drop_duplicates("party_code")
    st.caption("Kehitys: " + " · ".join(f"{_text(n)}: {_text(c)}" for n, c in zip(classes["party_name"], classes["trend"]))
               + f" · ladannut {_text(trend['uploaded_by'].iloc[-1])} ({_text(trend['file_name'].iloc[-1])})")


def area_actions_table(rows: pd.DataFrame, matrix: pd.DataFrame, codes, plan: dict) -> None:
    """Every action for an area: how many of the area's municipalities that answer for it have done it, next to
    the action's own status and unit over all its owners."""
    mine = matrix[matrix["municipality_code"].isin(list(codes))]
    done = mine.assign(done=mine["status"].eq("kyllä")).groupby("action_id")["done"].agg(["sum", "size"])
    levels = plan["levels"].set_index("level_id")
    part = rows.assign(_sort=rows["level_id"].map(levels["sort"])).sort_values(["_sort", "goal_id", "action_id"])
    text = plan["actions"].set_index("action_id")["text_fi"]
    st.table(pd.DataFrame({
        "Tunnus": [_text(a) for a in part["action_id"]],
        "Toimenpide": [_text(text.get(a), 70) for a in part["action_id"]],
        "Alueen kunnat": [f"{int(done.loc[a, 'sum'])}/{int(done.loc[a, 'size'])} kuntaa" if a in done.index
                          else "– (kunnat eivät vastaa)" for a in part["action_id"]],
        "Toimenpiteen tila": [status_label(s) for s in part["status"]],
        "Omassa yksikössään": [_text(u) for u in part["unit_text"]],
        "Lähde ja päivä": [_text(s) for s in part["source"]],
    }).set_index("Tunnus"))


def rule_caption() -> None:
    st.caption(f"{STATUS_RULE} {PLAN_COUNT_FORMULA}")


def plan_actions(year_max: int | None = None) -> pd.DataFrame:
    return data.get(page_data.plan_actions, year_max)
