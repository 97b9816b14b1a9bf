"""The plan's follow-up on the pages: every action in its own unit, the one status rule stated where it is
used, an action's history, its metrics with their data sources and the own metrics as trends.

Stored text (action texts, notes, names) is shown through ui.safe.md: st.table renders Markdown in cells."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from common.i18n import t, value_label
from metrics.followup import count_text, plan_count_formula, status_rule
from readmodel import page_data, plan_followup
from readmodel.rules import STATUS_SYMBOL
from ui import data
from ui.safe import md

METRIC_KINDS = ("yes_no", "trend", "experience", "other")


def kind_label(kind) -> str:
    """A metric's kind (METRIC_KINDS) in the reader's language ("kyllä/ei", "kehitys" …); unknown -> –."""
    return t(f"followup.kind.{kind}") if kind in METRIC_KINDS else "–"


def _text(value, limit: int | None = None) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    text = str(value)
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    return md(text) or "–"


def status_label(status: str) -> str:
    """✔ kyllä, ◐ osittain … : the symbol and the status in the reader's language."""
    return f"{STATUS_SYMBOL.get(status, '')} {value_label('status', status)}".strip()


def plan_total(overview: dict) -> None:
    """The whole plan's count (the export's, metrics.followup.plan_counts) and the rule behind it."""
    total = overview["total"].iloc[0]
    st.markdown(t("followup.whole_plan", counts=count_text(int(total["done"]), int(total["actions"]),
                                                           int(total["partly"]), int(total["no"]),
                                                           int(total["no_answer"]))))
    st.caption(f"{plan_count_formula()} {status_rule()}")


def actions_table(rows: pd.DataFrame, plan: dict, goal_id: int | None = None, compact: bool = False) -> None:
    """Every action (of one goal) with its owners, its own status, its unit, the source and date of its newest
    status and the newest record's note; ordered as the seed: johdon taso first, then yhdyspinnat a–e.
    compact: id, text, status, unit and source only (the overview, one table per goal)."""
    levels = plan["levels"].set_index("level_id")
    part = rows if goal_id is None else rows[rows["goal_id"] == goal_id]
    part = part.assign(_sort=part["level_id"].map(levels["sort"])).sort_values(["_sort", "action_id"])
    text = plan["actions"].set_index("action_id")["text_fi"]
    id_, action, status, unit, source = (t("followup.col_id"), t("followup.col_action"), t("followup.col_status"),
                                        t("followup.col_unit"), t("followup.col_source_date"))
    table = pd.DataFrame({
        id_: [_text(a) for a in part["action_id"]],
        t("followup.col_level"): [_text(levels.loc[lv, "short_fi"]) for lv in part["level_id"]],
        action: [_text(text.get(a), 90) for a in part["action_id"]],
        t("followup.col_owners"): [_text(o) for o in part["owners"]],
        status: [status_label(s) for s in part["status"]],
        unit: [_text(u) for u in part["unit_text"]],
        source: [_text(s) for s in part["source"]],
        t("followup.col_note"): [_text(n, 80) for n in part["note"]],
    })
    if compact:
        table = table[[id_, action, status, unit, source]]
        table[action] = [_text(text.get(a), 60) for a in part["action_id"]]
    st.table(table.set_index(id_))


def action_followup(action_id: str, rows: pd.DataFrame, plan: dict) -> None:
    """One action on the Tavoitteet page: status with source, owners, metrics with data sources, own-metric
    trends and the full history of its recorded statuses."""
    row = rows.set_index("action_id").loc[action_id] if action_id in set(rows["action_id"]) else None
    if row is not None:
        st.markdown(t("followup.action_status", status=status_label(row["status"]), unit=_text(row["unit_text"]),
                      source=_text(row["source"]), owners=_text(row["owners"])))
        details = [t("followup.detail_responsible", name=_text(row["responsible"]))
                   if isinstance(row["responsible"], str) else "",
                   t("followup.detail_timetable", timetable=_text(row["timetable"]))
                   if isinstance(row["timetable"], str) else "",
                   t("followup.detail_note", note=_text(row["note"])) if isinstance(row["note"], str) else ""]
        if any(details):
            st.caption(" · ".join(d for d in details if d))
    sources = data.get(plan_followup.metric_sources)
    mine = sources[sources["action_ids"].map(lambda ids: action_id in list(ids))]
    if len(mine):
        st.table(pd.DataFrame({
            t("followup.col_metric"): [_text(m) for m in mine["text_fi"]],
            t("followup.col_kind"): [kind_label(k) for k in mine["kind"]],
            t("followup.col_other_actions"): [_text(", ".join(a for a in ids if a != action_id))
                                              for ids in mine["action_ids"]],
            t("followup.col_data_source"): [_text(s) for s in mine["source_text"]],
        }))
    else:
        st.caption(t("followup.no_metric"))
    for m in mine.itertuples():
        if isinstance(m.own_unit, str) and m.own_unit:
            own_metric_trend(m.metric_id, m.text_fi, m.own_unit)
    history = data.get(plan_followup.action_history, action_id)
    with st.expander(t("followup.history", n=len(history)), expanded=False):
        if history.empty:
            st.caption(t("followup.no_history"))
        else:
            st.table(pd.DataFrame({
                t("followup.col_party"): [_text(p) for p in history["party"]],
                t("followup.col_status"): [status_label(s) for s in history["status"]],
                t("followup.col_date"): [d.strftime("%-d.%-m.%Y") for d in pd.to_datetime(history["status_date"])],
                t("followup.col_note"): [_text(n) for n in history["note"]],
                t("followup.col_responsible"): [_text(n) for n in history["responsible"]],
                t("followup.col_timetable"): [_text(n) for n in history["timetable"]],
                t("followup.col_recorded_by"): [_text(n) for n in history["recorded_by"]],
            }))


def own_metric_trend(metric_id: str, title: str, unit: str) -> None:
    trend = data.get(plan_followup.own_metric_trend, metric_id)
    st.markdown(t("followup.own_metric", title=_text(title), unit=_text(unit)))
    if trend.empty:
        st.caption(t("followup.own_metric_missing"))
        return
    wide = trend.pivot_table(index="year", columns="party_name", values="value", aggfunc="last").sort_index()
    wide.index = wide.index.astype(str)
    wide.columns = [md(c) for c in wide.columns]
    st.line_chart(wide, x_label=t("followup.year_axis"), y_label=unit)
    classes = trend.drop_duplicates("party_code")
    trends = " · ".join(f"{_text(n)}: {_text(value_label('trend', c))}"
                        for n, c in zip(classes["party_name"], classes["trend"]))
    st.caption(t("followup.own_metric_trends", trends=trends, who=_text(trend["uploaded_by"].iloc[-1]),
                 file=_text(trend["file_name"].iloc[-1])))


def area_actions_table(rows: pd.DataFrame, matrix: pd.DataFrame, codes, plan: dict) -> None:
    """Every action for an area: how many of the area's municipalities that answer for it have done it, next to
    the action's own status and unit over all its owners."""
    mine = matrix[matrix["municipality_code"].isin(list(codes))]
    done = mine.assign(done=mine["status"].eq("kyllä")).groupby("action_id")["done"].agg(["sum", "size"])
    levels = plan["levels"].set_index("level_id")
    part = rows.assign(_sort=rows["level_id"].map(levels["sort"])).sort_values(["_sort", "goal_id", "action_id"])
    text = plan["actions"].set_index("action_id")["text_fi"]
    st.table(pd.DataFrame({
        t("followup.col_id"): [_text(a) for a in part["action_id"]],
        t("followup.col_action"): [_text(text.get(a), 70) for a in part["action_id"]],
        t("followup.col_area_municipalities"): [
            t("followup.municipalities_done", done=int(done.loc[a, "sum"]), total=int(done.loc[a, "size"]))
            if a in done.index else t("followup.municipalities_do_not_answer") for a in part["action_id"]],
        t("followup.col_action_status"): [status_label(s) for s in part["status"]],
        t("followup.col_unit"): [_text(u) for u in part["unit_text"]],
        t("followup.col_source_date"): [_text(s) for s in part["source"]],
    }).set_index(t("followup.col_id")))


def rule_caption() -> None:
    st.caption(f"{status_rule()} {plan_count_formula()}")


def plan_actions(year_max: int | None = None) -> pd.DataFrame:
    return data.get(page_data.plan_actions, year_max)
