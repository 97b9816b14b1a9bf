"""Plain-language summary of one region, generated from metric results by templates.

Every item is a dict: text (one sentence in the reader's language, common/strings/municipality.toml
summary.*; the stored page data holds the Finnish ones), kind, indicator_id (the one indicator the sentence
is about, else None), indicator_ids (all indicators it draws on) and values (the numbers in the
sentence), so a page can show the numbers next to the sentence. No sentence states anything that
is not in the region's indicator table or goal status.

Kinds: "paranee" (clearest improvements), "heikkenee" (clearest worsening), "vertailu" (where the
region stands against its area, the HVA and koko maa), "toimenpiteet" (yes/no actions done and
open), "huomio" (demo data, estimates).
"""
from __future__ import annotations

import math

import pandas as pd

from metrics.compare import BETTER, SAME, WORSE
from metrics.trends import IMPROVING, NOT_DISTINGUISHABLE, WORSENING
from common.format import fi_number
from common.i18n import has, t

# The reference columns the sentences compare against; each one's name is t("summary.reference.<column>").
REFERENCE_NAMES = ("vs_area", "vs_hva", "vs_country")
# What the sentences read from a region_indicator_table (besides the vs_* columns).
SUMMARY_COLUMNS = {"indicator_id", "title_fi", "unit", "decimals", "year", "value", "window_start_year",
                   "window_start_value", "change_window", "slope_per_year", "relative_slope_pct", "residual_spread",
                   "flat_threshold", "trend_class", "is_demo", "value_is_estimate", "is_estimate"}
COMPARED = (BETTER, SAME, WORSE)  # the comparison codes a sentence counts, in its order


def _num(value, decimals) -> str:
    d = 1 if decimals is None or (isinstance(decimals, float) and math.isnan(decimals)) else int(decimals)
    return fi_number(value, d)


def _clean(value):
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        return value.item()
    return value


def _trend_item(row, kind: str) -> dict:
    dec = row.get("decimals")
    unit = row.get("unit") or ""
    title = f"{row['title_fi']} ({unit})" if unit and unit not in row["title_fi"] else row["title_fi"]
    text = t("summary.improving" if kind == IMPROVING else "summary.worsening", title=title,
             start=_num(row["window_start_value"], dec), start_year=int(row["window_start_year"]),
             end=_num(row["value"], dec), end_year=int(row["year"]),
             pct=fi_number(row["relative_slope_pct"], 1, signed=True))
    values = {k: _clean(row.get(k)) for k in ("window_start_year", "window_start_value", "year", "value",
                                               "change_window", "slope_per_year", "relative_slope_pct",
                                               "trend_class")}
    return {"text": text, "kind": kind, "indicator_id": int(row["indicator_id"]),
            "indicator_ids": [int(row["indicator_id"])], "values": values}


def _clarity(rows: pd.DataFrame) -> pd.Series:
    """How clear a trend is: the change over the window in units of its noise (or flat threshold)."""
    noise = pd.concat([rows["residual_spread"].fillna(0), rows["flat_threshold"].fillna(0)], axis=1).max(axis=1)
    return rows["change_window"].abs() / noise.where(noise > 0, 1.0)


def clearest_changes(table: pd.DataFrame, kind: str | None = None, top: int = 3) -> pd.DataFrame:
    """The `top` clearest trends of one class (None: any class), clearest first — the one ranking the
    summary, the overview's "selvimmät muutokset" and the municipality's small charts all use."""
    keep = table["change_window"].notna()
    if kind is not None:
        keep &= table["trend_class"] == kind
    rows = table[keep]
    # Rank on a narrow frame: sorting the wide table itself costs more than the whole summary.
    rank = pd.DataFrame({"clarity": _clarity(rows).to_numpy(), "indicator_id": rows["indicator_id"].to_numpy()})
    order = rank.sort_values(["clarity", "indicator_id"], ascending=[False, True]).index[:top]
    return rows.iloc[order]


def summarise_region(table: pd.DataFrame, goal_status: pd.DataFrame | None, region_name: str,
                     references: list[str] | None = None, top: int = 3) -> list[dict]:
    """table: region_indicator_table rows (indicator_id, title_fi, unit, decimals, year, value,
    window_start_year, window_start_value, change_window, relative_slope_pct, residual_spread,
    flat_threshold, trend_class, vs_* columns, is_demo). goal_status: goal_status rows (done, total, …)."""
    table = table[[c for c in table.columns if c in SUMMARY_COLUMNS or c in REFERENCE_NAMES]]  # narrow = fast
    items: list[dict] = []
    trended = table.dropna(subset=["trend_class"]) if "trend_class" in table else table.iloc[0:0]
    for kind in (IMPROVING, WORSENING):
        rows = clearest_changes(trended, kind, top)
        for _, row in rows.iterrows():
            items.append(_trend_item(row, kind))
        if rows.empty:
            noise = trended[trended["trend_class"] == NOT_DISTINGUISHABLE]
            none = "summary.none_improving" if kind == IMPROVING else "summary.none_worsening"
            items.append({
                "text": t(none, region=region_name, n=len(trended))
                        + (t("summary.not_distinguishable", n=len(noise)) if len(noise) else "."),
                "kind": kind, "indicator_id": None, "indicator_ids": [int(i) for i in noise["indicator_id"]],
                "values": {"indicators": int(len(trended)), "not_distinguishable": int(len(noise))}})

    refs = references if references is not None else [c for c in REFERENCE_NAMES if c in table]
    for ref in refs:
        if ref not in table:
            continue
        col = table[ref]
        counts = {label: int((col == label).sum()) for label in COMPARED}
        judged = sum(counts.values())
        if judged == 0:
            continue
        worst = table[col == WORSE]
        name = t(f"summary.reference.{ref}") if has(f"summary.reference.{ref}") else ref
        text = t("summary.comparison", reference=name, region=region_name, compared=judged,
                 better=counts[BETTER], same=counts[SAME], worse=counts[WORSE])
        ids = [int(i) for i in table.loc[col.isin(list(COMPARED)), "indicator_id"]]
        items.append({"text": text, "kind": "vertailu", "indicator_id": None, "indicator_ids": ids,
                      "values": {"reference": ref, **counts, "compared": judged},
                      "worse_indicator_ids": [int(i) for i in worst["indicator_id"]]})

    if goal_status is not None and len(goal_status) and goal_status["total"].fillna(0).sum() > 0:
        g = goal_status
        done, total = int(g["done"].sum()), int(g["total"].sum())
        partly, no, no_answer = int(g["partly"].sum()), int(g["no"].sum()), int(g["no_answer"].sum())
        in_actions = "count_unit" in g and (g["count_unit"] == "toimenpide").all()
        text = t("summary.actions" if in_actions else "summary.action_pairs", done=done, total=total,
                 open=total - done, partly=partly, no=no, no_answer=no_answer)
        items.append({"text": text, "kind": "toimenpiteet", "indicator_id": None, "indicator_ids": [],
                      "values": {"done": done, "total": total, "open": total - done, "partly": partly,
                                 "no": no, "no_answer": no_answer}})

    if "is_demo" in table and table["is_demo"].fillna(False).astype(bool).any():
        items.append({"text": t("summary.demo"), "kind": "huomio",
                      "indicator_id": None, "indicator_ids": [], "values": {}})
    est_col = "value_is_estimate" if "value_is_estimate" in table else "is_estimate"
    if est_col in table and table[est_col].fillna(False).astype(bool).any():
        est = table[table[est_col].fillna(False).astype(bool)]
        items.append({"text": t("summary.estimates", n=len(est)),
                      "kind": "huomio", "indicator_id": None,
                      "indicator_ids": [int(i) for i in est["indicator_id"]], "values": {"estimates": int(len(est))}})
    return items
