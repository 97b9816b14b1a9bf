"""Demo data builder — synthetic, deterministic, and labelled `is_demo` everywhere.

Nothing here is a real number. It exists so the product runs end to end on a fresh machine with no
internet: every catalogue indicator × every municipality, the HVA, the maakunta and koko maa ×
2010–2024, and a compass survey for two years written as an export file and validated by the
same parser a real file takes. Everything is written in one load (one copy-and-swap): observations,
catalogues, action statuses and both survey files, so the database is never half a demo. Real data
loaded later replaces demo rows indicator by indicator.
"""
from __future__ import annotations

import csv
import os
import tempfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from common.i18n import Phrase, t
from data_sources import meetings
from data_sources.reference import (
    CatalogueError,
    asked_municipalities,
    parse_catalogues,
    record_region,
    store_catalogues,
)
from data_sources.rollup import POPULATION_INDICATOR, refresh_derived
from data_sources.survey import store_survey_in
from metrics.aggregate import aggregation_kind, rollup
from store.config import DEMO_DIR, REFERENCE_DIR, RegionConfig, region_config
from store.warehouse import writing

DEMO_YEARS = range(2010, 2025)
SURVEY_YEARS = (2024, 2025)
DEMO_LABEL = Phrase("load_log.demo")
BASE_YEAR = 2017
POPULATION_FILE = "demo_population.csv"  # in the region folder: code, name_fi, population (demo weights)


def _rng(*parts: object) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32("|".join(map(str, parts)).encode()))


# A demo series' shape (issue 16), calibrated on real Sotkanet rows (../shared/fixtures/sotkanet/: 683 for every
# municipality 2015–2023): the national level moves a couple of per cent a year (683: +2.6 %/v), a municipality's
# own trend ±1 %/v around it, and its wobble carries over from year to year, larger in small municipalities (683:
# sd of the change 1.3 % in the largest, 3–7 % in the smallest). Real |year-to-year change| p95: 0.078 (municipal).
MAX_TREND = 0.02       # the national path's relative change per year, at most
OWN_TREND_SD = 0.006   # a municipality's own trend (relative per year) around the national one
PERSISTENCE = 0.7      # AR(1) coefficient of the wobble: this year's deviation carries 70 % of last year's
MAX_SHARE_SPREAD = 0.6  # between-municipality spread of a share on the logit scale, at most


def _space(lo: float, scale: float | None, hi: float) -> str:
    """How an indicator's values move: 'share' (0–100 %, on the logit scale, so a path never leaves them),
    'plain' (signed values such as net migration) or 'log' (positive amounts and rates)."""
    return "plain" if lo < 0 else "share" if scale == 100 and hi <= 100 else "log"


def _to_x(space: str, v):
    v = np.asarray(v, dtype=float)
    if space == "share":
        p = np.clip(v / 100, 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p))
    return np.log(np.maximum(v, 1e-9)) if space == "log" else v


def _from_x(space: str, x):
    return 100 / (1 + np.exp(-x)) if space == "share" else np.exp(x) if space == "log" else x


def _x_per_relative(space: str, level: float, magnitude: float) -> float:
    """How far a region's path moves (in its space) for a relative change of 1 at `level`. A share moves
    relative to its smaller side (p or 100 − p), so a share near a bound moves little, as real shares do."""
    return 1 / max(level / 100, 1 - level / 100) if space == "share" else magnitude if space == "plain" else 1.0


def _wobble(rng: np.random.Generator, sd: float, n: int) -> np.ndarray:
    """A persistent (AR(1)) deviation from the path: relative, stationary, sd of its yearly change ≈ sd."""
    shocks = rng.normal(0, sd, n)
    out = np.empty(n)
    out[0] = shocks[0] / np.sqrt(1 - PERSISTENCE ** 2)
    for i in range(1, n):
        out[i] = PERSISTENCE * out[i - 1] + shocks[i]
    return out


def _national_path(p: pd.Series, scale: float | None, t: np.ndarray) -> tuple[str, np.ndarray, float, float]:
    """The indicator's space, its national path in that space (the profile's level and trend, the trend
    capped at MAX_TREND a year), the between-municipality spread in that space and the magnitude of its
    values (what a signed indicator's relative changes are relative to)."""
    lo, hi = float(p["min_value"]), float(p["max_value"])
    level, change, spread = float(p["country_level"]), float(p["change_per_year"]), float(p["municipal_spread"])
    space = _space(lo, scale, hi)
    magnitude = abs(level) * max(1.0, spread)
    if space == "plain":
        trend, spread_x = np.clip(change, -MAX_TREND * magnitude, MAX_TREND * magnitude), spread * abs(level)
    elif space == "share":  # d logit = (dp / p) / (1 − p)
        trend = np.clip(change / level, -MAX_TREND, MAX_TREND) / (1 - level / 100)
        spread_x = min(spread / (1 - level / 100), MAX_SHARE_SPREAD)
    else:
        trend, spread_x = np.clip(change / level, -MAX_TREND, MAX_TREND), spread
    return space, _to_x(space, level) + trend * t, spread_x, magnitude


def _own_path(rng: np.random.Generator, space: str, base: float, spread_x: float, magnitude: float, t: np.ndarray,
              trend_sd: float, wobble_sd: float) -> np.ndarray:
    """A region's deviation from the national path (in the path's space): a level of its own, a small
    persistent trend and a persistent wobble, both relative to the region's own level (a share near a bound
    moves less)."""
    offset = spread_x * rng.normal()
    per_rel = _x_per_relative(space, float(_from_x(space, base + offset)), magnitude)
    return offset + per_rel * (rng.normal(0, trend_sd) * t + _wobble(rng, wobble_sd, len(t)))


def demo_observations(profiles: pd.DataFrame, population: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Municipal and national demo rows: every municipality follows a smooth path of its own around the
    national one (a level, a small persistent trend and a persistent wobble, larger in small municipalities),
    inside the indicator's bounds; counts are the value times a denominator taken from the population. A few
    values are missing, as suppressed real values are."""
    years = np.array(list(DEMO_YEARS))
    t = years - BASE_YEAR
    base = int(np.argmin(np.abs(t)))
    scales = indicators.set_index("id")["scale"].to_dict()
    units = indicators.set_index("id")["unit"].to_dict()
    titles = indicators.set_index("id")["title_fi"].to_dict() if "title_fi" in indicators else {}
    rows = []
    pop_series = {}
    for _, m in population.iterrows():
        rng = _rng("pop", m["code"])
        growth = 0.004 if m["population"] > 50_000 else rng.uniform(-0.017, -0.004)
        pop_series[m["code"]] = np.round(m["population"] * (1 + growth) ** (years - 2024)).astype(int)
    national_pop = np.round(5_550_000 * (1.002 ** (years - 2024))).astype(int)

    for _, p in profiles.iterrows():
        ind = int(p["indicator_id"])
        if ind == POPULATION_INDICATOR:
            for code, series in pop_series.items():
                rows += [(ind, "KUNTA", code, int(y), "total", float(v), None) for y, v in zip(years, series)]
            rows += [(ind, "MAA", "358", int(y), "total", float(v), None) for y, v in zip(years, national_pop)]
            continue
        scale = scales.get(ind)
        scale = None if scale is None or pd.isna(scale) else float(scale)
        lo, hi = float(p["min_value"]), float(p["max_value"])
        has_abs = str(p["has_abs_value"]).strip().lower() == "true" and scale is not None
        is_amount = aggregation_kind(units.get(ind), scale) == "sum"
        space, national, spread_x, magnitude = _national_path(p, scale, t)
        per_rel = _x_per_relative(space, float(p["country_level"]), magnitude)
        country = np.clip(_from_x(space, national + per_rel * _wobble(_rng("country", ind), 0.003, len(years))), lo, hi)
        whole = "asukas" in str(units.get(ind)) or any(f"% {w}" in str(titles.get(ind)) for w in ("väestöstä", "asukkaista"))
        denominator_share = 1.0 if whole else _rng("share", ind).uniform(0.08, 0.6)  # per inhabitant: all of them
        for code, pops in pop_series.items():
            rng = _rng("muni", ind, code)
            wobble = 0.006 + 0.010 * np.sqrt(5_000 / pops[-1])  # 0.8 % in a city of 120 000, 2.4 % in a municipality of 1 500
            own = _own_path(rng, space, national[base], spread_x, magnitude, t, OWN_TREND_SD, wobble)
            if is_amount:  # national totals: a municipality gets its population share
                values = np.clip(country * pops / national_pop * np.exp(own), lo, hi)
            else:
                values = np.clip(_from_x(space, national + own), lo, hi)
            if has_abs:
                den = np.maximum(np.round(pops * denominator_share), 1)
                abs_values = np.round(values * den / scale)
            else:
                abs_values = np.full(len(years), np.nan)
            # suppressed as small counts are (amounts are not: a rollup's sum would jump with a missing member)
            missing = (rng.random(len(years)) < (0.06 if pops[-1] < 5_000 else 0.01)) & (not is_amount)
            for y, v, a, miss in zip(years, values, abs_values, missing):
                rows.append((ind, "KUNTA", code, int(y), "total", None if miss else float(v),
                             None if miss or np.isnan(a) else float(a)))
        for y, v, npop in zip(years, country, national_pop):
            abs_value = float(round(v * npop * denominator_share / scale)) if has_abs else None
            rows.append((ind, "MAA", "358", int(y), "total", float(v), abs_value))
    return pd.DataFrame(rows, columns=["indicator_id", "region_category", "region_code", "year", "gender", "value", "abs_value"])


def regional_totals(municipal: pd.DataFrame, indicators: pd.DataFrame, codes: dict[str, str]) -> pd.DataFrame:
    """HVA and maakunta demo rows, rolled up from the demo municipalities by the real rollup rules."""
    munis = municipal[municipal["region_category"] == "KUNTA"]
    members = pd.DataFrame(
        [(cat, code, m) for cat, code in codes.items() for m in munis["region_code"].unique()],
        columns=["group_category", "group_code", "member_code"],
    )
    population = munis[munis["indicator_id"] == POPULATION_INDICATOR].rename(columns={"value": "population"})
    rolled = rollup(munis.assign(is_demo=True), members, indicators, population)
    return rolled[["indicator_id", "region_category", "region_code", "year", "gender", "value", "abs_value"]]


def write_demo_survey(questions: pd.DataFrame, municipalities: pd.DataFrame, year: int, folder: Path,
                      hva_name: str, asked: dict[str, set[str]] | None = None) -> Path:
    """A compass-survey export as a survey tool would produce it (UTF-8 with BOM, ';'). asked
    (reference.asked_municipalities): a question of some municipalities' action is answered by those only."""
    asked = asked or {}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"esimerkki_kompassikysely_{year}.csv"
    questions = questions.sort_values("sort")
    yes_words = {True: "Kyllä", False: "Ei"}
    scale_words = ["0", "1", "2", "3", "4", "5"]
    roles = ["kunnanjohtaja", "hyte-koordinaattori", "sivistysjohtaja"]
    progress = 0.35 + 0.2 * (year - SURVEY_YEARS[0])
    header = ["Kunta", "Vastaajan rooli", "Aikaleima", "Vuosi"] + list(questions["question_id"])
    records = []

    def answers(rng: np.random.Generator, respondent: str, role: str, code: str | None = None) -> list[str]:
        out = []
        for _, q in questions.iterrows():
            applies = q["respondent"] == "any" or (q["respondent"] == respondent)
            applies = applies and (code is None or q["question_id"] not in asked or code in asked[q["question_id"]])
            if q["type"] == "yes_no" and role in ("kunta", "hva") and applies:
                draw = rng.random()
                out.append("" if draw < 0.08 else "En osaa sanoa" if draw < 0.12 else yes_words[bool(rng.random() < progress)])
            elif q["type"] == "scale_1_5" and applies and role not in ("kunta", "hva"):
                base = 2.6 + 0.3 * (year - SURVEY_YEARS[0])
                score = int(np.clip(round(rng.normal(base, 1.0)), 0, 5)) if rng.random() > 0.05 else 0
                out.append("" if rng.random() < 0.05 else scale_words[score])
            elif q["type"] == "text" and role not in ("kunta", "hva") and rng.random() < 0.2:
                out.append("Esimerkkivastaus: yhteistyö on tiivistynyt.")
            else:
                out.append("")
        return out

    minute = 0
    for _, m in municipalities.iterrows():
        rng = _rng("survey", year, m["code"])
        if rng.random() < 0.1:  # a municipality that did not answer this year
            continue
        for role in ["kunta", *roles[: 1 + int(rng.integers(0, 3))]]:
            minute += 1
            stamp = f"{year}-03-{1 + minute // 600:02d} {9 + (minute // 60) % 8:02d}:{minute % 60:02d}"
            records.append([m["name_fi"], role, stamp, str(year)] + answers(rng, "municipality", role, str(m["code"])))
    rng = _rng("survey", year, "hva")
    # Enough HVA respondents for its own experience items (asked of the HVA only since issue 12) to pass the
    # smallest group shown.
    for role in ["hva", "hva-johto", "hva-palvelualue", "hva-hyte", "hva-perhepalvelut", "hva-tyollisyys",
                 "hva-rekrytointi"]:
        minute += 1
        stamp = f"{year}-03-20 10:{minute % 60:02d}"
        records.append([hva_name, role, stamp, str(year)] + answers(rng, "hva", role))
    for stale in folder.glob(f".{path.name}.*.tmp"):  # a killed build's partial file (its process is gone)
        pid = stale.name.rsplit(".", 2)[-2]
        if pid.isdigit() and int(pid) != os.getpid():
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                stale.unlink(missing_ok=True)
            except OSError:
                pass
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # a killed or parallel build never leaves half a file
    with partial.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(records)
    os.replace(partial, path)
    return path


def demo_population(config: RegionConfig, own_codes: list[str]) -> pd.DataFrame:
    """The demo's population per own municipality: the region folder's demo_population.csv (the bundled
    first region keeps its file in data/demo/). Every own municipality must have one, and no other: a
    folder without its own figures must not borrow another county's municipalities."""
    path = config.folder / POPULATION_FILE
    if not path.is_file():
        path = DEMO_DIR / "municipal_population.csv"
    population = pd.read_csv(path, dtype={"code": str})
    missing = sorted(set(own_codes) - set(population["code"]))
    if missing:
        raise CatalogueError([t("loaders.demo.population_missing", file=POPULATION_FILE, codes=", ".join(missing),
                                path=config.folder / POPULATION_FILE)])
    return population[population["code"].isin(own_codes)].reset_index(drop=True)


def comparison_counties() -> pd.DataFrame:
    """The wellbeing services counties of Finland (data/reference/hyvinvointialueet.csv)."""
    return pd.read_csv(REFERENCE_DIR / "hyvinvointialueet.csv", dtype={"code": str})


def county_observations(profiles: pd.DataFrame, indicators: pd.DataFrame, own_hva: str) -> pd.DataFrame:
    """Demo values for the other counties (HYVINVOINTIALUE rows that are not the own HVA), so the comparison
    page can rank the own HVA among them. Rates only: amounts grow with a county's size. A county follows a
    smooth path around the national one, as a municipality does (counties are large: a small wobble)."""
    counties = comparison_counties()
    counties = counties[counties["is_county"] & (counties["code"] != own_hva)]
    years = np.array(list(DEMO_YEARS))
    t = years - BASE_YEAR
    base = int(np.argmin(np.abs(t)))
    scales = indicators.set_index("id")["scale"].to_dict()
    units = indicators.set_index("id")["unit"].to_dict()
    rows = []
    for _, p in profiles.iterrows():
        ind = int(p["indicator_id"])
        scale = scales.get(ind)
        scale = None if scale is None or pd.isna(scale) else float(scale)
        if ind == POPULATION_INDICATOR or aggregation_kind(units.get(ind), scale) == "sum":
            continue
        lo, hi = float(p["min_value"]), float(p["max_value"])
        space, national, spread_x, magnitude = _national_path(p, scale, t)
        for code in counties["code"]:
            rng = _rng("county", ind, code)
            own = _own_path(rng, space, national[base], 0.6 * spread_x, magnitude, t, OWN_TREND_SD / 2, 0.006)
            values = np.clip(_from_x(space, national + own), lo, hi)
            rows += [(ind, "HYVINVOINTIALUE", code, int(y), "total", float(v), None) for y, v in zip(years, values)]
    return pd.DataFrame(rows, columns=["indicator_id", "region_category", "region_code", "year", "gender", "value", "abs_value"])


def build_demo(db: Path | None = None, region_id: str | None = None) -> dict:
    """Build (or refresh) the demo database for the region folder. Real observations are never overwritten;
    nothing is written outside the database (the survey exports go through a temporary folder)."""
    config = region_config(region_id)
    cat = parse_catalogues(config)
    profiles = pd.read_csv(DEMO_DIR / "indicator_profiles.csv")
    population = demo_population(config, [r[1] for r in cat.regions if r[0] == "KUNTA"])
    indicators = pd.DataFrame([(i[0], i[3], i[5], i[1]) for i in cat.indicators],
                              columns=["id", "unit", "scale", "title_fi"])
    profiles = profiles[profiles["indicator_id"].isin(indicators["id"])]

    municipal = demo_observations(profiles, population, indicators)
    regional = regional_totals(municipal, indicators,
                               {"HYVINVOINTIALUE": config.hva.code, "MAAKUNTA": config.maakunta.code})
    others = county_observations(profiles, indicators, config.hva.code)
    frame = pd.concat([municipal, regional, others], ignore_index=True)
    frame["is_demo"] = True

    with writing("demo", target="data_sources/demo.py", params={"years": f"{DEMO_YEARS[0]}-{DEMO_YEARS[-1]}"},
                 is_demo=True, path=db, licence=Phrase("load_log.demo_licence")) as load:
        con = load.con
        record_region(con, config)
        store_catalogues(con, cat)
        meetings.store_year(con, meetings.parse_year(config, meetings.area_codes_of(cat.regions)))
        real = {r[0] for r in con.execute(
            "SELECT DISTINCT indicator_id FROM observation WHERE NOT is_demo").fetchall()}
        frame = frame[~frame["indicator_id"].isin(real)].assign(load_id=load.load_id)
        con.execute("DELETE FROM observation WHERE is_demo")
        con.register("demo_df", frame)
        con.execute(
            "INSERT INTO observation SELECT indicator_id, region_category, region_code, year, gender, value,"
            " abs_value, is_demo, load_id FROM demo_df"
        )
        con.unregister("demo_df")
        refresh_derived(con)
        _demo_action_statuses(con, cat)
        load.rows = len(frame)
        load.message = DEMO_LABEL
        # The survey files go through the survey loader's validation, inside this same load: the demo
        # is one swap, so a kill leaves the old state or the whole new one (issue 13, item 9).
        questions = pd.DataFrame(cat.questions, columns=["question_id", "text_fi", "type", "metric_id", "respondent", "sort"])
        munis = pd.DataFrame([r for r in cat.regions if r[0] == "KUNTA"],
                             columns=["category", "code", "name_fi", "name_sv", "sotkanet_id"])
        survey_results = []
        with tempfile.TemporaryDirectory(prefix="tilannekuva-demo-") as folder:
            for year in SURVEY_YEARS:
                path = write_demo_survey(questions, munis, year, Path(folder), config.hva.name_fi,
                                         asked_municipalities(cat))
                survey_results.append(store_survey_in(load, path.read_bytes(), path.name, year, is_demo=True,
                                                      user_name="demo"))
    return {"observations": len(frame), "surveys": [r.rows for r in survey_results]}


def demo_survey_file(year: int, folder: Path, region_id: str | None = None) -> Path:
    """The demo's compass-survey export of `year` for the region, written into `folder` (for tests and for
    trying the upload by hand)."""
    config = region_config(region_id)
    cat = parse_catalogues(config)
    questions = pd.DataFrame(cat.questions, columns=["question_id", "text_fi", "type", "metric_id", "respondent", "sort"])
    munis = pd.DataFrame([r for r in cat.regions if r[0] == "KUNTA"],
                         columns=["category", "code", "name_fi", "name_sv", "sotkanet_id"])
    return write_demo_survey(questions, munis, year, folder, config.hva.name_fi, asked_municipalities(cat))


def _demo_action_statuses(con, cat) -> None:
    """A few coordinator-recorded statuses, so the tracker shows the 'recorded status' path too: every
    fifth action, for its owners only (a few of its municipalities, the HVA, the liitto)."""
    con.execute("DELETE FROM action_status WHERE is_demo")
    munis = [r[1] for r in cat.regions if r[0] == "KUNTA"]
    level_code = {r[0]: r[1] for r in cat.regions if r[0] in ("HYVINVOINTIALUE", "MAAKUNTA")}
    party = {p[0]: p for p in cat.parties}
    owners: dict[str, list[str]] = {}
    for action_id, party_id, _ in cat.action_owners:
        owners.setdefault(action_id, []).append(party_id)
    actions = [a[0] for a in cat.actions]
    rng = _rng("status")
    rows = []
    for action in actions[:: max(1, len(actions) // 8)]:
        codes: list[str] = []
        for party_id in owners.get(action, ["kunnat"]):
            kind, members = (party[party_id][1], party[party_id][4]) if party_id in party else ("municipalities", "*")
            if kind == "municipalities":
                pool = munis if (members or "*") == "*" else [c for c in members.split(";") if c in munis]
                codes += [str(c) for c in rng.choice(pool, size=min(4, len(pool)), replace=False)]
            elif kind == "hva" and "HYVINVOINTIALUE" in level_code:
                codes.append(level_code["HYVINVOINTIALUE"])
            elif kind == "liitto" and "MAAKUNTA" in level_code:
                codes.append(level_code["MAAKUNTA"])
        for code in codes:
            rows.append((action, code, str(rng.choice(["kyllä", "osittain", "ei"])),
                         "2025-09-15", "Esimerkkikirjaus", "demo", "2025-09-15 12:00:00"))
    con.executemany(
        "INSERT INTO action_status (action_id, municipality_code, status, status_date, note, recorded_by,"
        " recorded_at, is_demo) VALUES (?, ?, ?, ?, ?, ?, ?, TRUE)", rows)
