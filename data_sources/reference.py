"""The region folder as data: municipalities, areas, indicators and the plan catalogue.

Parsing is pure (CSV text -> validated rows); `store_catalogues` writes them in one load.
A broken catalogue file is rejected whole with file, row, column and value.

Who answers for each action: parties.csv (optional; default: each municipality and the HVA) names the
parties (kind municipalities = each member municipality answers, hva, liitto) and actions.csv's optional
`owners` column lists an action's parties. metrics.csv's action_id may list several actions ("B-1-1;B-1-2"),
and its optional columns say where a metric's data comes from: own_unit (an own metric the reporting
party uploads as a file), reported_by (that party) and indicator_reason (why the linked indicators
measure it). A survey question is asked only of its action's owners (RESPONDENT_KINDS).

Long because the whole region folder is parsed and cross-checked here, each rule with its row and column.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from common.i18n import t
from common.licence import producer_licence
from data_sources.rollup import refresh_derived
from store.config import RegionConfig, region_config
from store.warehouse import DIRECTIONS, METRIC_KINDS, region_problem, writing

QUESTION_TYPES = ("yes_no", "scale_1_5", "text")
RESPONDENTS = ("municipality", "hva", "any")
PARTY_KINDS = ("municipalities", "hva", "liitto")
# Which party kinds a survey respondent value reaches (the liitto has no survey role: its status is recorded).
RESPONDENT_KINDS = {"municipality": {"municipalities"}, "hva": {"hva"}, "any": {"municipalities", "hva"}}
DEFAULT_PARTIES = [("kunnat", "municipalities", "Kunnat", "kunnat", "*", "verified", None, 1),
                   ("hva", "hva", "Hyvinvointialue", "HVA", None, "verified", None, 2)]


class CatalogueError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(t("loaders.catalogue.rejected") + "\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class Row:
    file: str
    number: int  # 1-based line number in the file, header = 1
    values: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.values[key]

    def where(self, column: str) -> str:
        return t("loaders.catalogue.where", file=self.file, row=self.number, column=column)


def read_rows(path: Path, required: tuple[str, ...]) -> list[Row]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise CatalogueError([t("loaders.catalogue.missing_columns", file=path.name, columns=", ".join(missing))])
        return [
            Row(path.name, i + 2, {k: (v or "").strip() for k, v in rec.items() if k is not None})
            for i, rec in enumerate(reader)
        ]


def _int(row: Row, column: str, problems: list[str], *, optional: bool = False) -> int | None:
    text = row[column]
    if text == "" and optional:
        return None
    try:
        return int(text)
    except ValueError:
        problems.append(t("loaders.catalogue.not_an_integer", where=row.where(column), value=repr(text)))
        return None


def _float(row: Row, column: str, problems: list[str]) -> float | None:
    text = row[column]
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        problems.append(t("loaders.catalogue.not_a_number", where=row.where(column), value=repr(text)))
        return None


def _choice(row: Row, column: str, allowed: tuple[str, ...], problems: list[str]) -> str:
    value = row[column]
    if value not in allowed:
        problems.append(t("loaders.catalogue.not_one_of", where=row.where(column), value=repr(value),
                          allowed=", ".join(allowed)))
    return value


def _unique(rows: list[Row], column: str, problems: list[str]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        key = row[column]
        if key in seen:
            problems.append(t("loaders.catalogue.repeats", where=row.where(column), value=repr(key), first=seen[key]))
        seen.setdefault(key, row.number)


@dataclass
class Catalogues:
    regions: list[tuple]
    members: list[tuple]
    indicators: list[tuple]
    indicator_goals: list[tuple]
    goals: list[tuple]
    levels: list[tuple]
    actions: list[tuple]
    metrics: list[tuple]
    metric_indicators: list[tuple]
    questions: list[tuple]
    parties: list[tuple] = field(default_factory=list)
    action_owners: list[tuple] = field(default_factory=list)
    metric_actions: list[tuple] = field(default_factory=list)
    metric_sources: list[tuple] = field(default_factory=list)


def parse_catalogues(config: RegionConfig) -> Catalogues:
    folder = config.folder
    problems: list[str] = []

    munis = read_rows(folder / "municipalities.csv", ("code", "name_fi", "name_sv", "sotkanet_id"))
    _unique(munis, "code", problems)
    regions = []
    for r in munis:
        if not (r["code"].isdigit() and len(r["code"]) == 3):
            problems.append(t("loaders.catalogue.bad_municipality_code", where=r.where("code"), value=repr(r["code"])))
        regions.append(("KUNTA", r["code"], r["name_fi"], r["name_sv"], _int(r, "sotkanet_id", problems, optional=True)))
    muni_codes = {r["code"] for r in munis}
    for category, level in (("HYVINVOINTIALUE", config.hva), ("MAAKUNTA", config.maakunta), ("MAA", config.country)):
        regions.append((category, level.code, level.name_fi, level.name_sv, level.sotkanet_id))

    area_rows = read_rows(
        folder / "areas.csv",
        ("category", "area_code", "area_name_fi", "area_name_sv", "member_code", "status", "source"),
    )
    members, areas_seen, area_of = [], {}, {}
    for r in area_rows:
        category = _choice(r, "category", ("PALVELUALUE", "TYP_ALUE"), problems)
        _choice(r, "status", ("verified", "assumed"), problems)
        if r["member_code"] not in muni_codes:
            problems.append(t("loaders.catalogue.unknown_municipality", where=r.where("member_code"),
                              value=repr(r["member_code"])))
        key = (category, r["member_code"])
        if key in area_of:
            problems.append(t("loaders.catalogue.already_in_area", where=r.where("member_code"), code=r["member_code"],
                              area=area_of[key]))
        area_of[key] = r["area_code"]
        if (category, r["area_code"]) not in areas_seen:
            areas_seen[(category, r["area_code"])] = (category, r["area_code"], r["area_name_fi"], r["area_name_sv"], None)
        members.append((category, r["area_code"], r["member_code"], r["status"], r["source"]))
    for category in ("PALVELUALUE", "TYP_ALUE"):
        missing = sorted(muni_codes - {m for (c, m) in area_of if c == category})
        if missing and any(c == category for c, _ in area_of):
            problems.append(t("loaders.catalogue.missing_from_category", codes=", ".join(missing), category=category))
    regions.extend(areas_seen.values())

    goals_rows = read_rows(folder / "goals.csv", ("goal_id", "title_fi", "short_fi"))
    goals = [(_int(r, "goal_id", problems), r["title_fi"], r["short_fi"]) for r in goals_rows]
    goal_ids = {g[0] for g in goals}
    level_rows = read_rows(folder / "levels.csv", ("level_id", "sort", "title_fi", "short_fi"))
    levels = [(r["level_id"], _int(r, "sort", problems), r["title_fi"], r["short_fi"]) for r in level_rows]
    level_ids = {lv[0] for lv in levels}

    ind_rows = read_rows(
        folder / "indicators.csv",
        ("indicator_id", "title_fi", "title_sv", "unit", "decimals", "scale", "direction",
         "direction_reason", "goals", "theme", "organisation", "notes"),
    )
    _unique(ind_rows, "indicator_id", problems)
    indicators, indicator_goals = [], []
    for r in ind_rows:
        ind_id = _int(r, "indicator_id", problems)
        direction = _choice(r, "direction", DIRECTIONS, problems)
        indicators.append((
            ind_id, r["title_fi"], r["title_sv"] or None, r["unit"], _int(r, "decimals", problems, optional=True),
            _float(r, "scale", problems), direction, r["direction_reason"], r["theme"], r["organisation"],
            f"https://sotkanet.fi/sotkanet/fi/metadata/indicators/{ind_id}",
            str(producer_licence(r["organisation"])), r["notes"],
        ))
        for goal in filter(None, (g.strip() for g in r["goals"].split(";"))):
            if not goal.isdigit() or int(goal) not in goal_ids:
                problems.append(t("loaders.catalogue.unknown_goal", where=r.where("goals"), value=repr(goal)))
            else:
                indicator_goals.append((ind_id, int(goal)))
    indicator_ids = {i[0] for i in indicators}

    parties = _parties(folder, muni_codes, problems)
    party_kind = {p[0]: p[1] for p in parties}
    action_rows = read_rows(folder / "actions.csv", ("action_id", "goal_id", "level_id", "seq", "text_fi", "responsible_fi"))
    _unique(action_rows, "action_id", problems)
    actions, action_owners = [], []
    default_owners = ";".join(p[0] for p in parties)
    for r in action_rows:
        owners = _ids(r.values.get("owners") or default_owners)
        if not owners:
            problems.append(t("loaders.catalogue.no_owner", where=r.where("owners")))
        for seq, owner in enumerate(owners, 1):
            if owner not in party_kind:
                problems.append(t("loaders.catalogue.unknown_owner", where=r.where("owners"), value=repr(owner),
                                  parties=", ".join(party_kind)))
            action_owners.append((r["action_id"], owner, seq))
        goal = _int(r, "goal_id", problems)
        if goal not in goal_ids:
            problems.append(t("loaders.catalogue.unknown_goal", where=r.where("goal_id"), value=repr(r["goal_id"])))
        if r["level_id"] not in level_ids:
            problems.append(t("loaders.catalogue.unknown_level", where=r.where("level_id"), value=repr(r["level_id"])))
        actions.append((r["action_id"], goal, r["level_id"], _int(r, "seq", problems), r["text_fi"], r["responsible_fi"]))
    action_ids = {a[0] for a in actions}

    metric_rows = read_rows(folder / "metrics.csv", ("metric_id", "action_id", "seq", "text_fi", "kind", "indicator_ids"))
    _unique(metric_rows, "metric_id", problems)
    metrics, metric_indicators, metric_actions, metric_sources = [], [], [], []
    owners_of: dict[str, set[str]] = {}
    for action_id, owner, _ in action_owners:
        owners_of.setdefault(action_id, set()).add(owner)
    for r in metric_rows:
        linked = _ids(r["action_id"])
        for action_id in linked or [r["action_id"]]:
            if action_id not in action_ids:
                problems.append(t("loaders.catalogue.unknown_action", where=r.where("action_id"), value=repr(action_id)))
            metric_actions.append((r["metric_id"], action_id))
        kind = _choice(r, "kind", METRIC_KINDS, problems)
        metrics.append((r["metric_id"], linked[0] if linked else r["action_id"], _int(r, "seq", problems), r["text_fi"],
                        kind))
        own_unit, reported_by = r.values.get("own_unit", ""), r.values.get("reported_by", "")
        if own_unit and (kind != "trend" or r["indicator_ids"]):
            problems.append(t("loaders.catalogue.own_metric_kind", where=r.where("own_unit")))
        if reported_by and not any(reported_by in owners_of.get(a, set()) for a in linked):
            problems.append(t("loaders.catalogue.reporter_not_owner", where=r.where("reported_by"),
                              value=repr(reported_by)))
        if own_unit and not reported_by:
            problems.append(t("loaders.catalogue.own_metric_needs_reporter", where=r.where("reported_by")))
        if own_unit or reported_by or r.values.get("indicator_reason"):
            metric_sources.append((r["metric_id"], own_unit or None, reported_by or None,
                                   r.values.get("indicator_reason") or None))
        for ind in filter(None, (x.strip() for x in r["indicator_ids"].split(";"))):
            if not ind.isdigit() or int(ind) not in indicator_ids:
                problems.append(t("loaders.catalogue.unknown_indicator", where=r.where("indicator_ids"), value=repr(ind)))
            else:
                metric_indicators.append((r["metric_id"], int(ind)))
    metric_ids = {m[0] for m in metrics}
    actions_of_metric: dict[str, list[str]] = {}
    for metric_id, action_id in metric_actions:
        actions_of_metric.setdefault(metric_id, []).append(action_id)

    q_rows = read_rows(folder / "survey_questions.csv", ("question_id", "text_fi", "type", "metric_id", "respondent", "sort"))
    _unique(q_rows, "question_id", problems)
    questions = []
    for r in q_rows:
        if r["metric_id"] and r["metric_id"] not in metric_ids:
            problems.append(t("loaders.catalogue.unknown_metric", where=r.where("metric_id"), value=repr(r["metric_id"])))
        elif r["metric_id"] and r["respondent"] in RESPONDENT_KINDS:
            owner_kinds = {party_kind.get(o) for a in actions_of_metric.get(r["metric_id"], [])
                           for o in owners_of.get(a, set())}
            outside = RESPONDENT_KINDS[r["respondent"]] - owner_kinds
            if outside:
                problems.append(t("loaders.catalogue.asks_others", where=r.where("respondent"),
                                  value=repr(r["respondent"]), kinds=", ".join(sorted(outside))))
        questions.append((r["question_id"], r["text_fi"], _choice(r, "type", QUESTION_TYPES, problems),
                          r["metric_id"] or None, _choice(r, "respondent", RESPONDENTS, problems),
                          _int(r, "sort", problems, optional=True)))

    if problems:
        raise CatalogueError(problems)
    return Catalogues(regions, members, indicators, indicator_goals, goals, levels, actions, metrics,
                      metric_indicators, questions, parties, action_owners, metric_actions, metric_sources)


def _ids(text: str) -> list[str]:
    return [x.strip() for x in (text or "").split(";") if x.strip()]


def _parties(folder: Path, muni_codes: set[str], problems: list[str]) -> list[tuple]:
    """parties.csv (optional): party_id, kind, name_fi, short_fi, members ('*' = every municipality), …"""
    if not (folder / "parties.csv").exists():
        return list(DEFAULT_PARTIES)
    rows = read_rows(folder / "parties.csv", ("party_id", "kind", "name_fi", "short_fi", "members"))
    _unique(rows, "party_id", problems)
    out = []
    for n, r in enumerate(rows, 1):
        kind = _choice(r, "kind", PARTY_KINDS, problems)
        members = r["members"]
        if kind == "municipalities":
            unknown = [c for c in _ids(members) if c != "*" and c not in muni_codes]
            if not members or unknown:
                problems.append(t("loaders.catalogue.unknown_members", where=r.where("members"),
                                  codes=", ".join(unknown) or t("loaders.catalogue.empty")))
        elif members:
            problems.append(t("loaders.catalogue.members_only_for_municipalities", where=r.where("members")))
        out.append((r["party_id"], kind, r["name_fi"], r["short_fi"] or r["name_fi"], members or None,
                    r.values.get("member_status") or "verified", r.values.get("note_fi") or None, n))
    if sum(1 for p in out if p[1] == "hva") > 1 or sum(1 for p in out if p[1] == "liitto") > 1:
        problems.append(t("loaders.catalogue.one_hva_one_liitto"))
    return out


def store_catalogues(con: duckdb.DuckDBPyConnection, cat: Catalogues) -> int:
    """Replace the reference tables with the catalogue. Indicator metadata fetched from Sotkanet
    (data_updated, descriptions, range) is kept for indicators that stay in the catalogue."""
    con.execute("DELETE FROM region")
    con.executemany("INSERT INTO region (category, code, name_fi, name_sv, sotkanet_id, is_own)"
                    " VALUES (?, ?, ?, ?, ?, ?)", [(*r, r[0] == "KUNTA") for r in cat.regions])
    con.execute("DELETE FROM region_member")
    con.executemany("INSERT INTO region_member VALUES (?, ?, ?, ?, ?)", cat.members)
    con.execute("UPDATE indicator SET in_catalogue = FALSE")
    for row in cat.indicators:
        (ind_id, title_fi, title_sv, unit, decimals, scale, direction, reason, theme, org, url, licence, notes) = row
        con.execute(
            """
            INSERT INTO indicator (id, source, title_fi, title_sv, unit, decimals, scale, direction,
                direction_reason, theme, organisation, metadata_url, licence, in_catalogue, notes)
            VALUES (?, 'sotkanet', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE, ?)
            ON CONFLICT (id) DO UPDATE SET unit = excluded.unit, scale = excluded.scale,
                direction = excluded.direction, direction_reason = excluded.direction_reason,
                theme = excluded.theme, in_catalogue = TRUE, notes = excluded.notes,
                title_fi = coalesce(indicator.title_fi, excluded.title_fi),
                decimals = coalesce(indicator.decimals, excluded.decimals),
                organisation = coalesce(indicator.organisation, excluded.organisation),
                licence = coalesce(indicator.licence, excluded.licence)
            """,
            [ind_id, title_fi, title_sv, unit, decimals, scale, direction, reason, theme, org, url, licence, notes],
        )
    con.execute("DELETE FROM indicator_goal")
    con.executemany("INSERT INTO indicator_goal VALUES (?, ?)", cat.indicator_goals)
    for table, rows in (("goal", cat.goals), ("level", cat.levels), ("action", cat.actions),
                        ("metric", cat.metrics), ("metric_indicator", cat.metric_indicators),
                        ("survey_question", cat.questions), ("party", cat.parties),
                        ("action_owner", cat.action_owners), ("metric_action", cat.metric_actions),
                        ("metric_source", cat.metric_sources)):
        con.execute(f"DELETE FROM {table}")
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    return sum(len(x) for x in (cat.regions, cat.members, cat.indicators, cat.goals, cat.levels,
                                cat.actions, cat.metrics, cat.questions))


def record_region(con: duckdb.DuckDBPyConnection, config: RegionConfig) -> None:
    """The database records which region folder built it (meta 'region'); see store.warehouse.region_problem.
    A database built for another region is refused (CatalogueError): its rows would mix two counties."""
    problem = region_problem(con, config.id)
    if problem:
        raise CatalogueError([problem])
    con.execute("INSERT OR REPLACE INTO meta VALUES ('region', ?)", [config.id])


def load_catalogues(region_id: str | None = None, path: Path | None = None) -> int:
    config = region_config(region_id)
    cat = parse_catalogues(config)
    with writing("catalogue", target=str(config.folder), params={"region": config.id}, path=path) as load:
        record_region(load.con, config)
        load.rows = store_catalogues(load.con, cat)

        refresh_derived(load.con)
    return load.rows


def asked_municipalities(cat: Catalogues) -> dict[str, set[str]]:
    """question_id -> the municipalities a municipal question is asked of, for questions whose action is
    answered by some municipalities only (e.g. MAL-kunnat); other questions go to every municipality."""
    codes = {r[1] for r in cat.regions if r[0] == "KUNTA"}
    members = {p[0]: (codes if (p[4] or "*") == "*" else set((p[4] or "").split(";")) & codes)
               for p in cat.parties if p[1] == "municipalities"}
    owners: dict[str, set[str]] = {}
    for action_id, party_id, _ in cat.action_owners:
        owners.setdefault(action_id, set()).add(party_id)
    actions_of: dict[str, set[str]] = {}
    for metric_id, action_id in cat.metric_actions:
        actions_of.setdefault(metric_id, set()).add(action_id)
    out = {}
    for question_id, _, _, metric_id, respondent, _ in cat.questions:
        if not metric_id or respondent not in ("municipality", "any"):
            continue
        asked = {c for a in actions_of.get(metric_id, ()) for p in owners.get(a, ()) for c in members.get(p, ())}
        if asked and asked != codes:
            out[question_id] = asked
    return out
