"""National-scale benchmark inputs in the real Sotkanet formats.

`build_dump(cut, folder)` writes a dump folder that the real loader replays offline
(`python -m data_sources sotkanet --from-dump FOLDER ...`): one `/regions` response, one
`/indicators/{id}` metadata response and one `/json` data response per indicator (the real API
returns one indicator per call), and `manifest.json` — written with the loader's own `DumpWriter`,
so keys, file names and checksums are exactly what `DumpSource` expects.

`prepare_db(cut, path)` builds the database the benchmark loads into: the demo database (catalogue,
plan, demo survey and action statuses) plus 245 synthetic indicators added to the catalogue
(`in_catalogue`), so that at national scale the catalogue holds 300 indicators. The load then adds
the other municipalities to table `region` (`--regions all`).

Cuts (rows in the dump; the loader keeps every municipality plus the region's own HVA, maakunta
and koko maa — the other region levels are dropped by design):

    1     309 KUNTA + 22 HYVINVOINTIALUE + 19 MAAKUNTA + 1 MAA + 70 SEUTUKUNTA = 421 regions,
          300 indicators, 1990–2024, 3 genders: 13.3 M rows in the dump, 9.8 M loaded
    0.1   the 19 own + 20 other municipalities + HVA + maakunta + maa = 42 regions,
          300 indicators, 1990–2024, 3 genders: 1.3 M rows
    0.01  the region only (19 + 3 regions), 300 indicators, 2005–2024, total only: 0.13 M rows

The cuts keep what the pages show (300 catalogue indicators, the 19 municipalities, their areas)
and shrink what they do not (other municipalities, region levels, genders, early years), so page
latency across cuts measures how the queries scale with the size of the warehouse.

Every value is synthetic ("Skaala-aineisto"), deterministic (seeded) and never reaches the app's
default database: folders and databases live under bench/out/ (gitignored).
"""
from __future__ import annotations

import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from data_sources import sotkanet as sk

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
BASE_URL = "https://sotkanet.fi/rest/1.1/"
N_INDICATORS = 300
SYNTHETIC_FIRST_ID = 30001  # well above the real Sotkanet ids of our catalogue
JSON_TYPE = "application/json;charset=UTF-8"
LABEL = "Skaala-aineisto (synteettinen, vain suorituskykymittauksiin)"


@dataclass(frozen=True)
class Cut:
    name: str
    other_kunta: int
    extra_levels: bool  # the other HVAs, maakunnat and 70 seutukunnat
    genders: tuple[str, ...]
    years: tuple[int, int]

    @property
    def loader_args(self) -> list[str]:
        return ["--regions", "all", "--genders", "all" if len(self.genders) > 1 else "total", "--force",
                "--workers", "4"]


CUTS = {
    "0.01": Cut("0.01", 0, False, ("total",), (2005, 2024)),
    "0.1": Cut("0.1", 20, False, sk.GENDERS, (1990, 2024)),
    "1": Cut("1", 290, True, sk.GENDERS, (1990, 2024)),
}


# ---------------------------------------------------------------- regions and indicators


def _own_region():
    from store.config import DEMO_DIR, region_config
    from data_sources.reference import read_rows

    config = region_config()
    munis = read_rows(config.folder / "municipalities.csv", ("code", "name_fi", "sotkanet_id"))
    pops = {r["code"]: int(r["population"]) for r in read_rows(DEMO_DIR / "municipal_population.csv", ("code",))}
    return config, [(int(r["sotkanet_id"]), r["code"], r["name_fi"], r["name_sv"], pops.get(r["code"], 5000))
                    for r in munis]


def regions_for(cut: Cut) -> tuple[list[dict], np.ndarray, np.ndarray]:
    """The /regions response (list of dicts) and, per region with data, its Sotkanet id and population."""
    config, own = _own_region()
    rng = np.random.default_rng(7)
    own_codes = {c for _, c, _, _, _ in own}
    free_codes = [f"{n:03d}" for n in range(5, 1000, 3) if f"{n:03d}" not in own_codes]
    other = [(5000 + i, free_codes[i], f"Vertailukunta {free_codes[i]}", None,
              int(np.clip(rng.lognormal(8.6, 1.1), 700, 650_000))) for i in range(cut.other_kunta)]
    hva_id, mk_id, maa_id = config.hva.sotkanet_id, config.maakunta.sotkanet_id, config.country.sotkanet_id
    regions: list[dict] = []
    pop: dict[int, int] = {}

    def region(rid, code, category, fi, sv=None, member_of=()):
        regions.append({"id": rid, "code": code, "category": category,
                        "title": {"fi": fi, "en": fi, "sv": sv or fi}, "memberOf": list(member_of)})

    other_hva = [(6000 + i, f"{90 + i}") for i in range(21)] if cut.extra_levels else []
    other_mk = [(6100 + i, f"{60 + i}") for i in range(18)] if cut.extra_levels else []
    seutu = [(6200 + i, f"{200 + i}") for i in range(70)] if cut.extra_levels else []
    group_pop: dict[int, int] = {}
    for rid, code, fi, sv, p in own:
        region(rid, code, "KUNTA", fi, sv, [maa_id, mk_id, hva_id])
        pop[rid] = p
    for i, (rid, code, fi, sv, p) in enumerate(other):
        groups = [maa_id]
        if other_hva:
            groups += [other_hva[i % len(other_hva)][0], other_mk[i % len(other_mk)][0], seutu[i % len(seutu)][0]]
        region(rid, code, "KUNTA", fi, sv, groups)
        pop[rid] = p
        for g in groups[1:]:
            group_pop[g] = group_pop.get(g, 0) + p
    own_total = sum(p for _, _, _, _, p in own)
    for rid, code, name in ((hva_id, config.hva.code, config.hva.name_fi),):
        region(rid, code, "HYVINVOINTIALUE", name, None, [maa_id])
        pop[rid] = own_total
    region(mk_id, config.maakunta.code, "MAAKUNTA", config.maakunta.name_fi, None, [maa_id])
    pop[mk_id] = own_total
    for rid, code in other_hva:
        region(rid, code, "HYVINVOINTIALUE", f"Vertailu-HVA {code}", None, [maa_id])
        pop[rid] = group_pop.get(rid, 100_000)
    for rid, code in other_mk:
        region(rid, code, "MAAKUNTA", f"Vertailumaakunta {code}", None, [maa_id])
        pop[rid] = group_pop.get(rid, 100_000)
    for rid, code in seutu:
        region(rid, code, "SEUTUKUNTA", f"Vertailuseutukunta {code}", None, [maa_id])
        pop[rid] = group_pop.get(rid, 30_000)
    region(maa_id, config.country.code, "MAA", config.country.name_fi, None, [])
    pop[maa_id] = 5_600_000 if cut.extra_levels else own_total + sum(p for *_, p in other)
    ids = np.array([r["id"] for r in regions], dtype=np.int64)
    return regions, ids, np.array([pop[i] for i in ids], dtype=np.float64)


# Synthetic indicator kinds: (unit, decimals, scale, has_abs, typical level, title)
KINDS = [
    ("%", 1, 100.0, True, (2.0, 40.0), "Skaalamittari {n}, % väestöstä"),
    ("/ 1 000 asukasta", 1, 1000.0, True, (5.0, 200.0), "Skaalamittari {n} / 1 000 asukasta"),
    ("henkilöä", 0, None, False, (0.01, 0.2), "Skaalamittari {n}, henkilöä"),
    ("indeksi", 1, None, False, (70.0, 130.0), "Skaalamittari {n}, indeksi"),
    ("euroa / asukas", 0, None, False, (300.0, 5000.0), "Skaalamittari {n}, euroa / asukas"),
]
THEMES = ["vaesto", "hyte", "talous", "lapset", "tyollisyys", "kotoutuminen", "turvallisuus", "palvelut"]
DIRECTIONS = ["higher_better", "lower_better", "neutral"]


@dataclass(frozen=True)
class IndicatorSpec:
    id: int
    title_fi: str
    unit: str | None
    decimals: int
    scale: float | None
    has_abs: bool
    level: tuple[float, float]
    kind: str  # rate | count | population | other
    synthetic: bool


def indicator_specs() -> list[IndicatorSpec]:
    """The region's own catalogue (55) first, then synthetic indicators up to 300."""
    from store.config import region_config
    from data_sources.reference import parse_catalogues

    cat = parse_catalogues(region_config())
    specs = []
    for (ind_id, title_fi, _sv, unit, decimals, scale, *_rest) in cat.indicators:
        unit_l = (unit or "").lower()
        if ind_id == 127:
            kind, level, has_abs = "population", (1.0, 1.0), False
        elif scale:
            kind, level, has_abs = "rate", ((2.0, 40.0) if scale == 100 else (5.0, 200.0)), True
        elif unit_l in ("henkilöä", "lkm", "1 000 euroa"):
            kind, level, has_abs = "count", (0.01, 0.2), False
        else:
            kind, level, has_abs = "other", (50.0, 3000.0) if "euro" in unit_l else (70.0, 130.0), False
        specs.append(IndicatorSpec(int(ind_id), title_fi, unit, int(decimals if decimals is not None else 1),
                                   scale, has_abs, level, kind, False))
    n = 0
    while len(specs) < N_INDICATORS:
        unit, decimals, scale, has_abs, level, title = KINDS[n % len(KINDS)]
        kind = "rate" if scale else "count" if unit == "henkilöä" else "other"
        specs.append(IndicatorSpec(SYNTHETIC_FIRST_ID + n, title.format(n=n + 1), unit, decimals, scale, has_abs,
                                   level, kind, True))
        n += 1
    return specs


def metadata_body(spec: IndicatorSpec, cut: Cut) -> bytes:
    """An /indicators/{id} response in the real shape (see tests/fixtures/sotkanet/indicator_171.json)."""
    return json.dumps({
        "id": spec.id, "data-updated": "2025-03-28", "range": {"start": cut.years[0], "end": cut.years[1]},
        "title": {"fi": spec.title_fi, "en": spec.title_fi, "sv": spec.title_fi},
        "description": {"fi": f"{LABEL}.<br />Ei todellisia lukuja.", "en": "", "sv": ""},
        "interpretation": {"fi": "", "en": "", "sv": ""}, "limits": {"fi": "", "en": "", "sv": ""},
        "primaryValueType": {"code": "X", "title": {"fi": spec.unit or "", "en": "", "sv": ""}},
        "decimals": spec.decimals,
        "classifications": {"region": {"title": {"fi": "Kunta, maakunta, hyvinvointialue, koko maa"},
                                       "values": ["Kunta", "Maakunta", "Maa"]},
                            "sex": {"title": {"fi": "Miehet, naiset, yhteensä"}, "values": list(sk.GENDERS)}},
        "organization": {"id": 1, "title": {"fi": "Terveyden ja hyvinvoinnin laitos (THL)", "en": "", "sv": ""}},
        "sources": {"fi": "", "en": "", "sv": ""}, "subjects": [], "groups": [],
    }, ensure_ascii=False).encode("utf-8")


# ---------------------------------------------------------------- data rows


def data_rows(spec: IndicatorSpec, region_ids: np.ndarray, pops: np.ndarray, cut: Cut) -> tuple[np.ndarray, ...]:
    """Values for the full grid region × year × gender (region-major), as arrays; NaN = suppressed."""
    rng = np.random.default_rng(spec.id)
    years = np.arange(cut.years[0], cut.years[1] + 1)
    genders = np.array(cut.genders)
    nr, ny, ng = len(region_ids), len(years), len(genders)
    g_share = np.array([{"male": 0.49, "female": 0.51, "total": 1.0}[g] for g in genders])
    pop = pops[:, None, None] * (1 + 0.004 * (years[None, :, None] - 2024)) * g_share[None, None, :]
    if spec.kind == "population":
        values = np.round(pop)
        abs_values = np.full(values.shape, np.nan)
    else:
        lo, hi = spec.level
        base = rng.uniform(lo, hi)
        region_effect = np.exp(rng.normal(0, 0.15, nr))[:, None, None]
        trend = (1 + rng.normal(0, 0.01) * (years - 2010))[None, :, None]
        gender_effect = np.array([{"male": 0.95, "female": 1.05, "total": 1.0}[g] for g in genders])[None, None, :]
        noise = 1 + rng.normal(0, 0.03, (nr, ny, ng))
        values = base * region_effect * trend * gender_effect * noise
        if spec.kind == "count":
            values = np.round(pop * values)
        if spec.has_abs:
            den = np.maximum(np.round(pop * rng.uniform(0.1, 0.6)), 1)
            abs_values = np.round(values * den / spec.scale)
            values = abs_values / den * spec.scale
        else:
            abs_values = np.full(values.shape, np.nan)
        values = np.round(np.maximum(values, 0), spec.decimals)
        missing = rng.random(values.shape) < 0.015
        values[missing] = np.nan
        abs_values[missing] = np.nan
    rid = np.repeat(region_ids, ny * ng)
    yr = np.tile(np.repeat(years, ng), nr)
    gd = np.tile(genders, nr * ny)
    return rid, yr, gd, values.reshape(-1), abs_values.reshape(-1)


def rows_to_json(indicator_id: int, rid, yr, gd, values, abs_values) -> bytes:
    """The /json body: a JSON array of {"indicator", "region", "year", "gender", "value"[, "absValue"]}.

    Formatted directly (measured ~3× faster than json.dumps of a list of dicts; orjson is not installed
    here); the loader parses it with the json module, so any formatting slip fails the load loudly."""
    head = '{"indicator": %d, "region": ' % indicator_id
    vals = ["null" if v != v else repr(v) for v in values.tolist()]
    parts = []
    append = parts.append
    for r, y, g, v, a in zip(rid.tolist(), yr.tolist(), gd.tolist(), vals, abs_values.tolist()):
        if a == a:
            append(f'{head}{r}, "year": {y}, "gender": "{g}", "value": {v}, "absValue": {int(a)}}}')
        else:
            append(f'{head}{r}, "year": {y}, "gender": "{g}", "value": {v}}}')
    return ("[" + ", ".join(parts) + "]").encode("utf-8")


# ---------------------------------------------------------------- the dump


def _fetched(path: str, params: tuple, body: bytes) -> sk.Fetched:
    key = sk.request_key(path, params)
    return sk.Fetched(path, params, BASE_URL + key, 200, JSON_TYPE, body,
                      datetime.now(timezone.utc).isoformat(timespec="seconds"))


_WORKER: dict = {}


def _init_worker(folder: str, cut_name: str) -> None:
    cut = CUTS[cut_name]
    regions, ids, pops = regions_for(cut)
    _WORKER.update(folder=Path(folder), cut=cut, ids=ids, pops=pops)


def _write_indicator(spec: IndicatorSpec) -> tuple[list[dict], int, int]:
    w = _WORKER
    cut = w["cut"]
    writer = sk.DumpWriter(w["folder"], BASE_URL)
    writer.add(_fetched(f"indicators/{spec.id}", (), metadata_body(spec, cut)))
    years = list(range(cut.years[0], cut.years[1] + 1))
    rows = data_rows(spec, w["ids"], w["pops"], cut)
    body = rows_to_json(spec.id, *rows)
    writer.add(_fetched("json", sk.data_params(spec.id, years, cut.genders), body))
    return list(writer.entries.values()), len(rows[0]), len(body)


def build_dump(cut: Cut | str, folder: Path | None = None, *, workers: int | None = None,
               indicators: int | None = None) -> dict:
    """Write the dump folder for a cut; returns {folder, rows, bytes, seconds, indicators, regions}."""
    cut = CUTS[cut] if isinstance(cut, str) else cut
    folder = Path(folder or OUT_DIR / f"dump_{cut.name}")
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    regions, ids, _ = regions_for(cut)
    specs = indicator_specs()[: indicators or N_INDICATORS]
    writer = sk.DumpWriter(folder, BASE_URL, generated=LABEL)
    writer.add(_fetched("regions", (), json.dumps(regions, ensure_ascii=False).encode("utf-8")))
    rows = size = 0
    workers = workers or max(1, min(len(specs), os.cpu_count() or 1))
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(str(folder), cut.name)) as pool:
        for entries, n, b in pool.map(_write_indicator, specs, chunksize=4):
            for e in entries:
                writer.entries[e["key"]] = e
            rows += n
            size += b
    writer.write_manifest()
    return {"folder": folder, "rows": rows, "bytes": size, "seconds": time.perf_counter() - started,
            "indicators": len(specs), "regions": len(regions)}


# ---------------------------------------------------------------- the database


def prepare_db(path: Path, indicators: int | None = None) -> None:
    """Demo database + synthetic indicators in the catalogue (so the catalogue has 300)."""
    from data_sources.demo import build_demo
    from store.warehouse import writing

    path = Path(path)
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    build_demo(path)
    extra = [s for s in indicator_specs()[: indicators or N_INDICATORS] if s.synthetic]
    with writing("bench-catalogue", target="bench/scale.py", params={"indicators": len(extra)}, path=path,
                 licence=LABEL) as load:
        rows = [(s.id, s.title_fi, s.unit, s.decimals, s.scale, DIRECTIONS[s.id % 3], THEMES[s.id % len(THEMES)],
                 LABEL) for s in extra]
        load.con.executemany(
            "INSERT INTO indicator (id, source, title_fi, unit, decimals, scale, direction, theme, notes, in_catalogue)"
            " VALUES (?, 'sotkanet', ?, ?, ?, ?, ?, ?, ?, TRUE)", rows)
        load.con.executemany("INSERT INTO indicator_goal VALUES (?, ?)", [(s.id, 1 + s.id % 4) for s in extra])
        load.rows = len(rows)
        load.message = LABEL


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write a benchmark dump folder (bench/out/dump_<cut>)")
    parser.add_argument("cut", choices=sorted(CUTS))
    parser.add_argument("--out")
    a = parser.parse_args()
    print(build_dump(a.cut, Path(a.out) if a.out else None))
