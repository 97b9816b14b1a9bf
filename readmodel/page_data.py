"""The data behind each page: parameterised queries + metrics, no streamlit (so bench/ can time them).

Every function takes a DuckDB connection first and returns DataFrames. ui/data.py caches them by
database version for the pages.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from metrics import export as mexport
from metrics import followup, goals, summary
from readmodel import precomputed
from readmodel.precomputed import arrow_frame
from store.config import region_config

SERIES_COLUMNS = "indicator_id, region_category, region_code, gender, year, value, abs_value, is_demo"


def indicators(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        """SELECT i.id, i.title_fi, i.unit, coalesce(i.decimals, 1) AS decimals, i.scale, i.direction,
                  i.direction_reason, i.theme, i.organisation, i.data_updated, i.metadata_url, i.licence,
                  i.range_start, i.range_end, i.description_fi,
                  coalesce(list_sort(list(g.goal_id) FILTER (WHERE g.goal_id IS NOT NULL)), []) AS goals
           FROM indicator i LEFT JOIN indicator_goal g ON g.indicator_id = i.id
           WHERE i.in_catalogue GROUP BY ALL ORDER BY i.id"""
    ).df()


def regions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT category, code, name_fi, name_sv, sotkanet_id FROM region ORDER BY category, name_fi").df()


def deployment_regions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The regions the tilannekuva is about: the own municipalities, their areas, the HVA, maakunta and
    koko maa — not the rest of Finland that `sotkanet --regions all` adds for comparison."""
    return con.execute(
        """SELECT category, code, name_fi, name_sv, sotkanet_id FROM region
           WHERE category <> 'KUNTA' OR is_own ORDER BY category, name_fi"""
    ).df()


def municipalities(con) -> pd.DataFrame:
    return con.execute("SELECT code, name_fi, name_sv FROM own_municipality ORDER BY name_fi").df()


def members(con) -> pd.DataFrame:
    return con.execute(
        """SELECT m.group_category, m.group_code, g.name_fi AS group_name, m.member_code, k.name_fi AS member_name,
                  m.status, m.source
           FROM region_member m JOIN region g ON g.category = m.group_category AND g.code = m.group_code
           JOIN region k ON k.category = 'KUNTA' AND k.code = m.member_code
           ORDER BY m.group_category, g.name_fi, k.name_fi"""
    ).df()


def plan(con) -> dict[str, pd.DataFrame]:
    return {
        "goals": con.execute("SELECT * FROM goal ORDER BY goal_id").df(),
        "levels": con.execute("SELECT * FROM level ORDER BY sort").df(),
        "actions": con.execute("SELECT * FROM action ORDER BY level_id, goal_id, seq").df(),
        "metrics": con.execute(
            """SELECT m.*, coalesce(list_sort(list(DISTINCT mi.indicator_id) FILTER (WHERE mi.indicator_id IS NOT NULL)),
                                    []) AS indicator_ids,
                      coalesce(list_sort(list(DISTINCT ma.action_id) FILTER (WHERE ma.action_id IS NOT NULL)),
                               [m.action_id]) AS action_ids,
                      any_value(s.own_unit) AS own_unit, any_value(s.reported_by) AS reported_by,
                      any_value(s.indicator_reason) AS indicator_reason
               FROM metric m LEFT JOIN metric_indicator mi USING (metric_id) LEFT JOIN metric_action ma USING (metric_id)
               LEFT JOIN metric_source s USING (metric_id)
               GROUP BY m.metric_id, m.action_id, m.seq, m.text_fi, m.kind ORDER BY m.metric_id"""
        ).df(),
        "questions": con.execute("SELECT * FROM survey_question ORDER BY sort").df(),
        "owners": con.execute("SELECT action_id, party_id, seq FROM action_owner ORDER BY action_id, seq").df(),
        "parties": con.execute("SELECT * FROM party ORDER BY sort").df(),
    }


def owner_keys(con) -> pd.DataFrame:
    """Every (action, party key) that answers for an action (metrics.followup.owner_keys): a municipality
    code, the HVA's region code or the maakunta's code (the liitto)."""
    p = plan(con)
    hva = con.execute("SELECT code FROM region WHERE category = 'HYVINVOINTIALUE' ORDER BY code LIMIT 1").fetchall()
    liitto = con.execute("SELECT code FROM region WHERE category = 'MAAKUNTA' ORDER BY code LIMIT 1").fetchall()
    return followup.owner_keys(p["actions"], p["owners"], p["parties"], municipalities(con)["code"],
                               hva[0][0] if hva else None, liitto[0][0] if liitto else None)


def plan_actions(con, year_max: int | None = None, matrix: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every action of the plan with its own status, unit text, source and date (metrics.followup.action_rows):
    the one table the overview, the Tavoitteet page and the export count from. `matrix`: action_status(con,
    year_max) when the caller has it already. The stored copy (pre_actions) when it answers exactly (every
    year, Finnish): computing it took 0,15-0,3 s, on every municipality the Kunta page showed."""
    if year_max is None and precomputed.text_state(con) is not None:
        return precomputed.frame(con, "pre_actions")
    matrix = action_status(con, year_max) if matrix is None else matrix
    return followup.action_rows(matrix, plan(con)["actions"])


def observations(con, regions_list: list[tuple[str, str]], indicator_ids: list[int] | None = None,
                 year_max: int | None = None, gender: str = "total", year_min: int | None = None) -> pd.DataFrame:
    """Series for (category, code) regions, from the indicator_values view (or its precomputed,
    region-sorted copy when every region is one of the deployment's)."""
    if not regions_list:
        return pd.DataFrame(columns=SERIES_COLUMNS.split(", "))
    source = "pre_series" if _precomputed_series(con, regions_list) else "indicator_values"
    sql = f"""SELECT {SERIES_COLUMNS} FROM {source} v
              JOIN (SELECT unnest(?::TEXT[]) AS category, unnest(?::TEXT[]) AS code) w
                ON w.category = v.region_category AND w.code = v.region_code
              WHERE v.gender = ? AND v.year <= ? AND v.year >= ?"""
    params: list = [[r[0] for r in regions_list], [r[1] for r in regions_list], gender, year_max or 9999, year_min or 0]
    if indicator_ids is not None:
        sql += " AND list_contains(?, v.indicator_id)"
        params.append([int(i) for i in indicator_ids])
    return arrow_frame(con, sql + " ORDER BY indicator_id, region_category, region_code, year", params)


def _precomputed_series(con, regions_list: list[tuple[str, str]] | None) -> bool:
    current = precomputed.state(con)
    return current is not None and regions_list is not None and current.has_regions(regions_list)


def area_of(con, municipality_code: str, category: str = "PALVELUALUE") -> str | None:
    row = con.execute(
        "SELECT group_code FROM region_member WHERE group_category = ? AND member_code = ?", [category, municipality_code]
    ).fetchone()
    return row[0] if row else None


def hva_and_country(con) -> tuple[tuple[str, str], tuple[str, str]]:
    hva = con.execute("SELECT code FROM region WHERE category = 'HYVINVOINTIALUE' LIMIT 1").fetchone()
    country = con.execute("SELECT code FROM region WHERE category = 'MAA' LIMIT 1").fetchone()
    return ("HYVINVOINTIALUE", hva[0] if hva else ""), ("MAA", country[0] if country else "")


def series(con, regions_list: list[tuple[str, str]] | None = None, year_max: int | None = None,
           gender: str | None = "total") -> pd.DataFrame:
    """All years of the given regions (None = all) with the rollup flags (is_estimate, is_incomplete,
    members_total, members_with_value; False/NULL for Sotkanet rows)."""
    where, params = ["o.year <= ?"], [year_max or 9999]
    if gender is not None:
        where.append("o.gender = ?")
        params.append(gender)
    source = "pre_series" if _precomputed_series(con, regions_list) else f"({precomputed.SERIES_SQL})"
    sql = f"""SELECT o.* FROM {source} o JOIN indicator i ON i.id = o.indicator_id AND i.in_catalogue"""
    if regions_list is not None:
        if not regions_list:
            return con.execute(sql + " WHERE FALSE").df()
        sql += """ JOIN (SELECT unnest(?::TEXT[]) AS category, unnest(?::TEXT[]) AS code) w
                   ON w.category = o.region_category AND w.code = o.region_code"""
        params = [[r[0] for r in regions_list], [r[1] for r in regions_list]] + params
    return con.execute(f"{sql} WHERE {' AND '.join(where)}", params).df()


def default_references(con, category: str, code: str) -> list[tuple[str, str, str]]:
    """(label, category, code): a municipality vs its service-discussion area, the HVA and the country;
    an area vs the HVA and the country; the HVA vs the country."""
    regs = regions(con)[["category", "code"]]
    regs = regs[((regs["category"] == category) & (regs["code"] == code)) | regs["category"].isin(["HYVINVOINTIALUE", "MAA"])]
    pairs = mexport.default_pairs(regs, members(con))
    pairs = pairs[(pairs["region_category"] == category) & (pairs["region_code"] == code)]
    return [(r.label, r.ref_category, r.ref_code) for r in pairs.itertuples()]


def region_indicator_table(con, category: str, code: str, year_max: int | None = None,
                           references: list[tuple[str, str, str]] | None = None) -> pd.DataFrame:
    """One region's catalogue indicators (gender total): latest, trend, rollup flags and comparisons to
    each reference — computed by metrics (trends, compare) through metrics.export.indicator_table.

    references: (label, category, code) — e.g. ("vs_area", "PALVELUALUE", "PK-KESKI"); default:
    default_references. Rollup flags of the latest value: value_is_estimate, value_is_incomplete,
    members_total, members_with_value. Per reference: label (parempi / samaa tasoa / heikompi / … / ei vertailua),
    label_value, label_year, label_difference_pct, label_reason."""
    inds = indicators(con)
    table = _precomputed_table(con, category, code, year_max, references)
    if table is None:
        references = references if references is not None else default_references(con, category, code)
        wanted = [(category, code)] + [(c, k) for _, c, k in references]
        obs = series(con, wanted, year_max)
        pairs = pd.DataFrame([(category, code, label, c, k) for label, c, k in references],
                             columns=["region_category", "region_code", "label", "ref_category", "ref_code"])
        table = mexport.indicator_table(obs, inds, pairs, regions=pd.DataFrame(
            {"region_category": [category], "region_code": [code]}))
    else:
        table, references = table
    return shape_region_table(table, inds, references)


def shape_region_table(table: pd.DataFrame, inds: pd.DataFrame,
                       references: list[tuple[str, str, str]]) -> pd.DataFrame:
    """region_indicator_table's frame from one region's indicator_table rows (gender total)."""
    table = table.drop(columns=["region_category", "region_code", "gender", "direction", "scale"], errors="ignore")
    out = inds.rename(columns={"id": "indicator_id"}).merge(table, on="indicator_id", how="left")
    for label, *_ in references:
        if label not in out:
            out[label] = None
            out[f"{label}_value"] = float("nan")
    out["is_demo"] = out["is_demo"].fillna(False).astype(bool)
    # Rollup flags of the latest value (named so they do not clash with pages that merge their own).
    out = out.rename(columns={"is_estimate": "value_is_estimate", "is_incomplete": "value_is_incomplete"})
    return out


def _precomputed_table(con, category: str, code: str, year_max: int | None,
                       references: list[tuple[str, str, str]] | None):
    """(the region's stored indicator_table rows of gender total, its references) when they answer
    this call exactly, else None."""
    current = precomputed.text_state(con)
    if current is None or not current.covers(year_max) or (category, code) not in current.regions:
        return None
    stored = precomputed.pairs_of(con, category, code)
    if references is not None and sorted(map(tuple, references)) != sorted(stored):
        return None
    table = precomputed.indicator_rows(con, [(category, code)], "total")
    table = precomputed.without_other_labels(table, precomputed.labels(con), stored)
    return table, (references if references is not None else stored)


def goal_status(con, category: str, code: str, year_max: int | None = None,
                status_year_max: int | None = None) -> pd.DataFrame:
    """Per goal, side by side: the region's goal indicators counted by trend class (columns paranee,
    ennallaan, heikkenee, ei erotu, kasvaa, laskee, ei riittävästi tietoa, indicators) and the yes/no
    completion (actions, municipalities, total, done, partly, no, no_answer, open, done_pct,
    completion_text, formula). Municipality: its own tracked actions; area/HVA: summed over members.
    Statistics are limited to year_max; survey answers and recorded statuses to status_year_max (the
    survey of year N+1 describes the present even when statistics reach year N)."""
    current = precomputed.text_state(con)
    if (current is not None and current.covers(year_max) and status_year_max is None
            and (category, code) in current.regions):
        return precomputed.goal_rows(con, category, code)
    table = region_indicator_table(con, category, code, year_max)
    keys = pd.DataFrame({"region_category": [category], "region_code": [code]})
    out = goal_rows(con, table.assign(region_category=category, region_code=code, gender="total"),
                    action_status(con, status_year_max), keys)
    return out.drop(columns=["region_category", "region_code"])


def goal_rows(con, table: pd.DataFrame, matrix: pd.DataFrame, keys: pd.DataFrame,
              plan_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """goal_status of the regions in `keys` (region_category, region_code) at once. table: their
    region_indicator_table rows (every catalogue indicator) with region keys and gender 'total'.
    plan_rows: followup.action_rows(matrix, …) when the caller has it (it is the costly part)."""
    p = plan(con)
    rm = mexport.region_municipalities(regions(con), members(con)).merge(keys, on=mexport.REGION_KEYS)
    return mexport.goal_table(table.drop(columns="goals"), indicators(con), matrix, p["actions"],
                              tracked_actions(con), rm, p["goals"], keys,
                              plan_rows=followup.action_rows(matrix, p["actions"]) if plan_rows is None else plan_rows)


def region_summary(con, category: str, code: str, year_max: int | None = None,
                   status_year_max: int | None = None) -> list[dict]:
    """Plain-language Finnish summary: list of dict(text, kind, indicator_id, indicator_ids, values).
    Every sentence is built from region_indicator_table and goal_status of the same arguments."""
    current = precomputed.text_state(con)
    if (current is not None and current.covers(year_max) and status_year_max is None
            and (category, code) in current.regions):
        return precomputed.summary(con, category, code)
    name = con.execute("SELECT name_fi FROM region WHERE category = ? AND code = ?", [category, code]).fetchone()
    table = region_indicator_table(con, category, code, year_max)
    status = goal_status(con, category, code, year_max, status_year_max)
    return summary.summarise_region(table, status, name[0] if name else code)


def tilannekuva(con, year_max: int | None = None) -> dict[str, pd.DataFrame]:
    """The whole computed picture for every region (all genders): indicators and goals, export-shaped."""
    current = precomputed.text_state(con)
    if current is not None and current.covers(year_max):
        return {**precomputed.export(con), "actions": mexport.action_export(plan_actions(con), plan(con)["parties"])}
    regs = deployment_regions(con)
    obs = series(con, list(zip(regs["category"], regs["code"])), year_max, gender=None)
    table = mexport.indicator_table(obs, indicators(con), mexport.default_pairs(regs, members(con)))
    return tilannekuva_of(con, table, year_max)


def tilannekuva_of(con, table: pd.DataFrame, year_max: int | None = None,
                   matrix: pd.DataFrame | None = None, plan_rows: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The export-shaped picture from an indicator_table of every deployment region (and the action
    status matrix of the same year limit and its followup.action_rows, when the caller has them)."""
    inds = indicators(con)
    regs = deployment_regions(con)
    mem = members(con)
    p = plan(con)
    keys = regs.rename(columns={"category": "region_category", "code": "region_code"})
    matrix = action_status(con, year_max) if matrix is None else matrix
    actions = followup.action_rows(matrix, p["actions"]) if plan_rows is None else plan_rows
    goal_rows = mexport.goal_table(table, inds, matrix, p["actions"], tracked_actions(con),
                                   mexport.region_municipalities(regs, mem), p["goals"], keys, plan_rows=actions)
    ind, g = mexport.export_frames(table, goal_rows, regs, inds, p["goals"])
    return {"indicators": ind, "goals": g, "actions": mexport.action_export(actions, p["parties"])}


def action_status(con, year_max: int | None = None) -> pd.DataFrame:
    """Action × municipality status matrix (survey or recorded, whichever newer)."""
    if year_max is None and precomputed.state(con) is not None:
        return precomputed.frame(con, "pre_action_status")
    p = plan(con)
    answers = con.execute(
        """SELECT s.year, s.municipality_code, a.question_id, a.answer,
                  coalesce(try_cast(s.submitted_at AS DATE), make_date(s.year, 12, 31)) AS answered_on
           FROM survey_response s JOIN survey_answer a USING (load_id, row_number)
           WHERE s.active AND s.year <= ?""", [year_max or 9999]
    ).df()
    recorded = con.execute(
        """SELECT action_id, municipality_code, status, status_date, note, recorded_by, responsible, timetable
           FROM action_status WHERE year(status_date) <= ?""", [year_max or 9999]
    ).df()
    from_survey = goals.survey_action_status(answers, p["questions"], p["metrics"])
    status = goals.latest_action_status(from_survey, recorded)
    return followup.owner_matrix(status, owner_keys(con))


def tracked_actions(con) -> set[str]:
    """Actions answered per municipality: those with a municipal owner (a catalogue without owners: those
    with a yes/no survey question answered per municipality, or a recorded status)."""
    if con.execute("SELECT count(*) FROM action_owner").fetchone()[0]:
        keys = owner_keys(con)
        return set(keys.loc[keys["party_kind"] == "municipalities", "action_id"])
    rows = con.execute(
        """SELECT DISTINCT m.action_id FROM metric m JOIN survey_question q ON q.metric_id = m.metric_id
           WHERE m.kind = 'yes_no' AND q.type = 'yes_no' AND q.respondent = 'municipality'"""
    ).fetchall()
    recorded = con.execute("SELECT DISTINCT action_id FROM action_status").fetchall()
    return {r[0] for r in rows} | {r[0] for r in recorded}


def overview(con, year_max: int | None = None) -> dict[str, pd.DataFrame]:
    """Everything the Tilannekuva page shows: per goal, the HVA's indicators and the yes/no progress."""
    hva, country = hva_and_country(con)
    table = region_indicator_table(con, *hva, year_max=year_max, references=[("vs_country", *country)])
    matrix = action_status(con, year_max)
    tracked = tracked_actions(con)
    if year_max is None and precomputed.text_state(con) is not None:
        completion, goal_level = precomputed.frame(con, "pre_completion"), precomputed.frame(con, "pre_goal_level")
        actions = precomputed.frame(con, "pre_actions")
    else:
        completion = goals.action_completion(matrix)
        goal_level = goals.goal_level_completion(matrix, plan(con)["actions"], tracked)
        actions = followup.action_rows(matrix, plan(con)["actions"])
    return {"indicators": table, "completion": completion, "goal_level": goal_level, "matrix": matrix,
            "tracked": pd.DataFrame({"action_id": sorted(tracked)}), "actions": actions,
            "counts": followup.plan_counts(actions, ["goal_id"]), "total": followup.plan_counts(actions)}


def tiles(con) -> pd.DataFrame:
    """Tile-map positions of the municipalities: authored data in the region folder."""

    return pd.read_csv(region_config().folder / "tiles.csv", dtype={"code": str})


def data_years(con) -> tuple[int, int]:
    current = precomputed.text_state(con)
    row = (current.min_year, current.max_year) if current is not None else \
        con.execute("SELECT min(year), max(year) FROM observation").fetchone()
    return (row[0] or 2010, row[1] or 2024)


def demo_share(con) -> dict[str, int]:
    """How much of each kind of data is demo data (counted at the last load when the stored state is current:
    counting the observation table is a full scan)."""
    current = precomputed.text_state(con)
    if current is not None:
        return dict(current.demo_share)
    return count_demo_share(con)


def count_demo_share(con) -> dict[str, int]:
    row = con.execute(
        """SELECT count(*) FILTER (WHERE is_demo), count(*) FROM observation"""
    ).fetchone()
    survey = con.execute("SELECT count(*) FILTER (WHERE is_demo), count(*) FROM survey_response WHERE active").fetchone()
    status = con.execute("SELECT count(*) FILTER (WHERE is_demo), count(*) FROM action_status").fetchone()
    return {"observations_demo": row[0], "observations": row[1], "survey_demo": survey[0], "survey": survey[1],
            "status_demo": status[0], "status": status[1]}


def latest_loads(con) -> pd.DataFrame:
    """Per source, when its newest successful load finished (UTC)."""
    return con.execute("SELECT source, max(finished_at) AS last FROM load_log WHERE status IN ('ok', 'partial') "
                       "GROUP BY source ORDER BY source").df()
