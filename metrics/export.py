"""The computed tilannekuva for every region at once, and its export (JSON / CSV).

Pure functions over DataFrames; `python -m metrics export` (metrics/__main__.py) reads the database
through readmodel.page_data and writes what `export_frames` returns. Fields: docs/metrics.md.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from metrics import compare as cmp
from metrics import followup, goals, trends

REGION_KEYS = ["region_category", "region_code"]
# compare_many's fields and the suffix they get after a pair label (vs_hva, vs_hva_value, …).
COMPARISON_SUFFIXES = {"comparison": "", "reference_value": "_value", "reference_year": "_year",
                       "difference_pct": "_difference_pct", "comparison_reason": "_reason"}
FLAG_COLUMNS = ["is_estimate", "is_incomplete", "members_total", "members_with_value"]

INDICATOR_EXPORT_COLUMNS = [
    "region_category", "region_code", "region_name", "indicator_id", "indicator_title", "unit", "direction",
    "gender", "latest_year", "latest_value", "previous_year", "change_previous", "window_start_year",
    "change_window", "slope_per_year", "relative_slope_pct", "n_points", "uses_counts", "trend_class",
    "trend_label", "vs_area", "vs_area_value", "vs_hva", "vs_hva_value", "vs_country", "vs_country_value",
    "is_estimate", "is_incomplete", "is_demo",
]
GOAL_EXPORT_COLUMNS = [
    "region_category", "region_code", "region_name", "goal_id", "goal_title",
    *trends.TREND_CLASSES, "indicators", "actions", "municipalities", "total", "done", "partly", "no",
    "no_answer", "open", "done_pct", "count_unit",
]
# Regions whose yes/no counts are the whole plan's, counted in actions (metrics.followup); the others count
# their own municipalities' (action × municipality) pairs.
PLAN_LEVEL_CATEGORIES = ("HYVINVOINTIALUE", "MAAKUNTA")
COUNT_UNITS = {"plan": "toimenpide", "pairs": "kunta × toimenpide"}
ACTION_EXPORT_COLUMNS = ["action_id", "goal_id", "level_id", "owners", "status", "unit_text", "source", "date",
                         "note", "responsible", "timetable", "recorded_by"]


def indicator_table(series: pd.DataFrame, inds: pd.DataFrame, pairs: pd.DataFrame,
                    config: trends.TrendConfig = trends.DEFAULT_CONFIG,
                    regions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Latest, trend and comparisons for every region × indicator × gender in `series` (or only the
    `regions` given: region_category, region_code — the others in `series` serve as references).

    series: region_category, region_code, indicator_id, gender, year, value, abs_value, is_demo
            [, is_estimate, is_incomplete, members_total, members_with_value]
    pairs:  region_category, region_code, label, ref_category, ref_code (label e.g. vs_hva)."""
    own = series if regions is None else series.merge(regions[REGION_KEYS].drop_duplicates(), on=REGION_KEYS)
    table = trends.compute_trends(own, inds, config)
    table = table.rename(columns={"latest_year": "year", "latest_value": "value"})
    extra = [c for c in ["abs_value"] + FLAG_COLUMNS if c in own]
    keys = REGION_KEYS + ["indicator_id", "gender"]
    table = table.merge(own[keys + ["year"] + extra], on=keys + ["year"], how="left")
    demo = own.groupby(keys, sort=False)["is_demo"].any().rename("is_demo").reset_index()
    table = table.merge(demo, on=keys, how="left")
    for col in ("is_estimate", "is_incomplete"):
        table[col] = table[col].fillna(False).astype(bool) if col in table else False
    if not pairs.empty and not table.empty:
        comps = cmp.compare_many(table[keys + ["year", "value", "abs_value"]], series, pairs, inds, )
        for label in pairs["label"].unique():
            c = comps[comps["label"] == label][keys + list(COMPARISON_SUFFIXES)]
            c = c.rename(columns={field: label + suffix for field, suffix in COMPARISON_SUFFIXES.items()})
            table = table.merge(c, on=keys, how="left")
    return table


def label_columns(label: str) -> list[str]:
    """The columns indicator_table adds for one comparison label."""
    return [label + suffix for suffix in COMPARISON_SUFFIXES.values()]


def default_pairs(regions: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Who is compared with whom: a municipality with its service-discussion area, the HVA and the
    country; an area (service-discussion or TYP) and the maakunta with the HVA and the country; the HVA
    with the country. regions: category, code. members: group_category, group_code, member_code."""
    regs = regions[["category", "code"]].rename(columns={"category": "region_category", "code": "region_code"})
    cols = REGION_KEYS + ["label", "ref_category", "ref_code"]
    parts = []
    area = members[members["group_category"] == "PALVELUALUE"].drop_duplicates("member_code")
    munis = regs[regs["region_category"] == "KUNTA"]
    parts.append(munis.merge(area, left_on="region_code", right_on="member_code").assign(
        label="vs_area", ref_category="PALVELUALUE", ref_code=lambda d: d["group_code"])[cols])
    for label, cat, who in (("vs_hva", "HYVINVOINTIALUE", ["KUNTA", "PALVELUALUE", "TYP_ALUE", "MAAKUNTA"]),
                            ("vs_country", "MAA", ["KUNTA", "PALVELUALUE", "TYP_ALUE", "MAAKUNTA", "HYVINVOINTIALUE"])):
        ref = regions.loc[regions["category"] == cat, "code"].head(1)
        if len(ref):
            parts.append(regs[regs["region_category"].isin(who)].assign(
                label=label, ref_category=cat, ref_code=ref.iloc[0])[cols])
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


def region_municipalities(regions: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """region_category, region_code, municipality_code: a municipality is itself; an area its members;
    the HVA and the maakunta all municipalities; the country none (no yes/no data)."""
    munis = regions.loc[regions["category"] == "KUNTA", "code"].astype(str)
    parts = [pd.DataFrame({"region_category": "KUNTA", "region_code": munis, "municipality_code": munis})]
    parts.append(members.rename(columns={"group_category": "region_category", "group_code": "region_code",
                                         "member_code": "municipality_code"})[["region_category", "region_code",
                                                                                "municipality_code"]])
    for cat in ("HYVINVOINTIALUE", "MAAKUNTA"):
        for code in regions.loc[regions["category"] == cat, "code"]:
            parts.append(pd.DataFrame({"region_category": cat, "region_code": code, "municipality_code": munis}))
    return pd.concat(parts, ignore_index=True)


def goal_table(table: pd.DataFrame, inds: pd.DataFrame, matrix: pd.DataFrame, actions: pd.DataFrame,
               tracked: set[str], region_members: pd.DataFrame, goals_df: pd.DataFrame,
               region_keys: pd.DataFrame, plan_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per region × goal: trend-class counts of its goal indicators (gender total) and yes/no completion.
    With plan_rows (metrics.followup.action_rows), the HVA and the maakunta count the whole plan in actions."""
    t = table[table["gender"] == "total"] if "gender" in table else table
    t = t.merge(inds.rename(columns={"id": "indicator_id"})[["indicator_id", "goals"]], on="indicator_id", how="left")
    counts = goals.trend_counts_by_region(t, trends.TREND_CLASSES)
    completion = goals.completion_by_region(matrix, actions, tracked, region_members)
    completion = completion.drop(columns=["done_pct", "completion_text", "formula"])
    out = goals.goal_status_table(counts, completion, goals_df, region_keys)
    out["count_unit"] = COUNT_UNITS["pairs"]
    if plan_rows is not None:
        counts = followup.plan_counts(plan_rows, ["goal_id"]).set_index("goal_id")
        plan_level = out["region_category"].isin(PLAN_LEVEL_CATEGORIES)
        for i in out.index[plan_level]:
            c = counts.loc[out.at[i, "goal_id"]] if out.at[i, "goal_id"] in counts.index else None
            values = {"actions": 0, "done": 0, "partly": 0, "no": 0, "no_answer": 0} if c is None else c
            for col in ("actions", "done", "partly", "no", "no_answer"):
                out.at[i, col] = int(values[col])
            out.at[i, "total"] = int(values["actions"])
            out.at[i, "open"] = int(values["actions"]) - int(values["done"])
            out.at[i, "municipalities"] = 0
            out.at[i, "completion_text"] = followup.count_text(int(values["done"]), int(values["actions"]),
                                                               int(values["partly"]), int(values["no"]),
                                                               int(values["no_answer"]))
            out.at[i, "formula"] = followup.PLAN_COUNT_FORMULA
            out.at[i, "count_unit"] = COUNT_UNITS["plan"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["done_pct"] = np.where(out["total"] > 0, 100.0 * out["done"] / out["total"].where(out["total"] > 0), np.nan)
    return out


def action_export(rows: pd.DataFrame, parties: pd.DataFrame | None = None) -> pd.DataFrame:
    """The export's one row per action (ACTION_EXPORT_COLUMNS): status, its source and date, owners."""
    out = rows.copy()
    out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d").where(out["date"].notna(), None)
    return out[ACTION_EXPORT_COLUMNS].reset_index(drop=True)


def export_frames(indicator_rows: pd.DataFrame, goal_rows: pd.DataFrame, names: pd.DataFrame, inds: pd.DataFrame,
                  goals_df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shape the computed tables into the documented export columns."""
    nm = names.rename(columns={"category": "region_category", "code": "region_code", "name_fi": "region_name"})
    nm = nm[REGION_KEYS + ["region_name"]]
    meta = inds.rename(columns={"id": "indicator_id", "title_fi": "indicator_title"})[
        ["indicator_id", "indicator_title", "unit", "direction"]]
    ind = indicator_rows.rename(columns={"year": "latest_year", "value": "latest_value"})
    ind = ind.drop(columns=[c for c in ("direction",) if c in ind]).merge(meta, on="indicator_id", how="left")
    ind = ind.merge(nm, on=REGION_KEYS, how="left")
    for col in INDICATOR_EXPORT_COLUMNS:
        if col not in ind:
            ind[col] = np.nan
    ind = ind[INDICATOR_EXPORT_COLUMNS].sort_values(REGION_KEYS + ["indicator_id", "gender"]).reset_index(drop=True)
    g = goal_rows.rename(columns={"title_fi": "goal_title"}).merge(nm, on=REGION_KEYS, how="left")
    g = g[GOAL_EXPORT_COLUMNS].sort_values(REGION_KEYS + ["goal_id"]).reset_index(drop=True)
    return ind, g


def _json_value(v):
    if v is None:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def to_json(indicators: pd.DataFrame, goal_rows: pd.DataFrame, meta: dict,
            actions: pd.DataFrame | None = None) -> str:
    def records(df):
        cols = list(df.columns)
        return [{c: _json_value(v) for c, v in zip(cols, row)} for row in df.itertuples(index=False, name=None)]
    payload = {"meta": meta, "indicators": records(indicators), "goals": records(goal_rows)}
    if actions is not None:
        payload["actions"] = records(actions)
    return json.dumps(payload, ensure_ascii=False, indent=1)


def write(indicators: pd.DataFrame, goal_rows: pd.DataFrame, meta: dict, fmt: str, out: str | None,
          actions: pd.DataFrame | None = None) -> list[str]:
    """Write the export; returns the paths written ('-' = stdout). CSV writes FILE (indicators), FILE with
    suffix _goals (goals) and, with actions, FILE with suffix _actions; to stdout all, blank-line separated."""
    import sys

    if fmt == "json":
        text = to_json(indicators, goal_rows, meta, actions)
        if out in (None, "-"):
            sys.stdout.write(text + "\n")
            return ["-"]
        Path(out).write_text(text + "\n", encoding="utf-8")
        return [out]
    if out in (None, "-"):
        indicators.to_csv(sys.stdout, index=False)
        sys.stdout.write("\n")
        goal_rows.to_csv(sys.stdout, index=False)
        if actions is not None:
            sys.stdout.write("\n")
            actions.to_csv(sys.stdout, index=False)
        return ["-"]
    path = Path(out)
    goals_path = path.with_name(f"{path.stem}_goals{path.suffix or '.csv'}")
    indicators.to_csv(path, index=False)
    goal_rows.to_csv(goals_path, index=False)
    written = [str(path), str(goals_path)]
    if actions is not None:
        actions_path = path.with_name(f"{path.stem}_actions{path.suffix or '.csv'}")
        actions.to_csv(actions_path, index=False)
        written.append(str(actions_path))
    return written
