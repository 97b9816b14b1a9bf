"""Data for the pages beyond readmodel/page_data.py: geometry, survey answers, heatmap, snapshots, briefs.

No streamlit here: every function takes a DuckDB connection first (ui.data.get_from caches them).
"""
from __future__ import annotations

import json

import pandas as pd

from common.i18n import t, value_label
from metrics import compare as cmp
from metrics import survey_results as sr
from readmodel import page_data, precomputed
from readmodel import snapshots as snap
from readmodel.survey import ANSWER_ROWS_SQL


def hva_item_answers(con, year_max: int | None = None) -> pd.DataFrame:
    """The HVA's own answers to the yes/no items only it answers (respondent 'hva'), from its latest survey
    year up to year_max: action_id, question_id, text_fi, year (None: never answered), answer (kyllä, ei,
    eos or ei vastausta; the same rule as the Kompassikysely page)."""
    _, hva_code = page_data.hva_and_country(con)[0]
    items = con.execute(
        """SELECT m.action_id, q.question_id, q.text_fi FROM survey_question q JOIN metric m USING (metric_id)
           WHERE q.type = 'yes_no' AND q.respondent = 'hva' ORDER BY q.sort""").df()
    answers = con.execute(ANSWER_ROWS_SQL + " AND r.municipality_code = ? AND r.year <= ?",
                          [hva_code, year_max or 9999]).df()
    year = int(answers["year"].max()) if not answers.empty else None
    return items.assign(year=year, answer=[sr.hva_answer(answers, q, year, hva_code) if year else "ei vastausta"
                                           for q in items["question_id"]])


def geometry(con) -> dict | None:
    """The loaded municipal borders as a FeatureCollection, or None when none are loaded."""
    rows = con.execute("SELECT geojson FROM geometry ORDER BY municipality_code").fetchall()
    if not rows:
        return None
    return {"type": "FeatureCollection", "features": [json.loads(r[0]) for r in rows]}


def geometry_source(con) -> dict | None:
    row = con.execute("""SELECT target, finished_at, licence FROM load_log WHERE source = 'geometry'
                         AND status IN ('ok', 'partial') ORDER BY load_id DESC LIMIT 1""").fetchone()
    return {"target": row[0], "finished_at": row[1], "licence": row[2]} if row else None


def survey_answers(con, municipality_code: str, year_max: int | None = None) -> pd.DataFrame:
    """The municipality's latest survey year: yes/no answers with the question texts (survey_answers view)."""
    return con.execute(
        """WITH mine AS (SELECT * FROM survey_answers WHERE municipality_code = ? AND year <= ?),
                latest AS (SELECT max(year) AS year FROM mine)
           SELECT a.year, q.question_id, q.text_fi, q.type, q.respondent, a.respondent_role, a.answer, a.is_demo, q.sort
           FROM mine a JOIN latest USING (year) JOIN survey_question q USING (question_id)
           WHERE q.type = 'yes_no' ORDER BY q.sort, a.respondent_role""",
        [municipality_code, year_max or 9999],
    ).df()


HEATMAP_CELL_COLUMNS = ["region_code", "indicator_id", "gender", "year", "value", "abs_value", "is_demo", "comparison",
                        "reference_value"]


def heatmap(con, indicator_ids: list[int], year_max: int | None = None) -> pd.DataFrame:
    """Municipalities × indicators: latest value and its comparison with the HVA (parempi/samaa/heikompi)."""
    inds = page_data.indicators(con)
    inds = inds[inds["id"].isin([int(i) for i in indicator_ids])]
    munis = page_data.municipalities(con)
    current = precomputed.state(con)
    if current is not None and current.covers(year_max):
        own = _stored_heatmap_rows(con, munis, inds)
        return _heatmap_frame(own, munis, inds)
    hva, _ = page_data.hva_and_country(con)
    obs = page_data.observations(con, [("KUNTA", c) for c in munis["code"]] + [hva], list(inds["id"]), year_max)
    obs = obs.dropna(subset=["value"])
    ref = obs[obs["region_category"] == hva[0]]
    own = obs[obs["region_category"] == "KUNTA"].sort_values("year").groupby(["region_code", "indicator_id", "gender"]).tail(1)
    if own.empty:
        return pd.DataFrame(columns=["region_code", "name_fi", "indicator_id", "title_fi", "year", "value", "comparison"])
    own = own.sort_values("region_code", kind="stable").reset_index(drop=True)
    compared = cmp.compare(own[["indicator_id", "gender", "year", "value", "abs_value"]],
                           ref[["indicator_id", "gender", "year", "value", "abs_value"]], inds)
    out = own.assign(comparison=compared["comparison"].to_numpy(), reference_value=compared["reference_value"].to_numpy())
    return _heatmap_frame(out, munis, inds)


def _stored_heatmap_rows(con, munis: pd.DataFrame, inds: pd.DataFrame) -> pd.DataFrame:
    """The same cells from the stored indicator tables: each municipality's latest value and its
    comparison with the HVA (vs_hva) are what region_indicator_table holds."""
    columns = [c for c in HEATMAP_CELL_COLUMNS if c not in ("comparison", "reference_value")] + ["vs_hva", "vs_hva_value"]
    rows = precomputed.indicator_rows(con, [("KUNTA", c) for c in munis["code"]], "total", columns)
    rows = rows[rows["indicator_id"].isin(inds["id"]) & rows["value"].notna()]
    rows = rows.rename(columns={"vs_hva": "comparison", "vs_hva_value": "reference_value"})
    return rows.sort_values(["region_code", "year"], kind="stable").reset_index(drop=True)


def _heatmap_frame(cells: pd.DataFrame, munis: pd.DataFrame, inds: pd.DataFrame) -> pd.DataFrame:
    out = cells[HEATMAP_CELL_COLUMNS].merge(munis[["code", "name_fi"]], left_on="region_code", right_on="code").drop(columns="code")
    return out.merge(inds[["id", "title_fi", "unit", "decimals", "direction"]], left_on="indicator_id", right_on="id").drop(columns="id")


def snapshot_list(con) -> pd.DataFrame:
    return snap.list_snapshots(con)


def snapshot_diff(con, snapshot_id: int, region: str = snap.HVA_KEY, year_max: int | None = None) -> dict | None:
    """What changed since a saved snapshot, with indicator titles and action texts resolved."""
    old = snap.load_payload(con, snapshot_id, region)
    if old is None:
        return None
    new = snap.compute_payload(con, year_max, only=[region])
    changes = snap.diff(old, new, region)
    titles = dict(con.execute("SELECT id, title_fi FROM indicator").fetchall())
    actions = dict(con.execute("SELECT action_id, text_fi FROM action").fetchall())
    names = dict(con.execute("SELECT code, name_fi FROM region WHERE category = 'KUNTA'").fetchall())
    indicator, before, now = t("followup.snapshot_indicator"), t("followup.snapshot_before"), t("followup.snapshot_now")
    action, municipality = t("followup.snapshot_action"), t("followup.snapshot_municipality")
    return {
        "new_years": pd.DataFrame([{indicator: titles.get(i, str(i)), before: y0 or "–", now: y1}
                                   for i, y0, y1 in changes["new_years"]]),
        "trend_changes": pd.DataFrame([{indicator: titles.get(i, str(i)), before: value_label("trend", a),
                                        now: value_label("trend", b)} for i, a, b in changes["trend_changes"]]),
        "actions_completed": pd.DataFrame([{action: f"{a}: {actions.get(a, '')[:90]}", municipality: names.get(m, m)}
                                           for a, m in changes["actions_completed"]]),
    }
