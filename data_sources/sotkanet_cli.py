"""`python -m data_sources sotkanet`: load indicator data and metadata from Sotkanet.

Flow: read what the database already has (read-only) -> fetch /regions -> per indicator, in a
small thread pool: metadata, skip when unchanged, data rows parsed and fully validated in a staging
DuckDB (data_sources/sotkanet_rows.py; never the database) -> one `writing()` load applies every valid
indicator (its whole series replaced, streamed from the stage), logs every indicator in load_item and
refreshes the area rollups. A failed indicator leaves its previous rows as they
were. Exit code: 0 all ok/unchanged, 1 some indicator failed, 2 setup error.

Long because the Sotkanet load has many honest outcomes per indicator (unchanged, partial, failed, demo replaced) and each is reported; splitting it would scatter one load.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from common.format import fi_int
from common.i18n import Phrase, joined, localized, shown, t
from common.licence import LICENCE_SEPARATOR, producer_licence
from data_sources import sotkanet as sk
from data_sources.sotkanet_rows import Stage
from data_sources.http import make_session, user_agent
from data_sources.reference import read_rows
from data_sources.rollup import refresh_derived
from store.config import counties, db_path, region_config
from store.warehouse import WarehouseError, connect_read, writing

MAX_WORKERS = 4


@dataclass
class Options:
    indicators: list[int] | None = None  # None: the catalogue
    years: list[int] | None = None  # None: the metadata range of each indicator
    years_text: str = "range"
    genders: str = "total"  # total | all
    regions: str = "region"  # region | all
    base_url: str | None = None
    db: str | None = None
    region: str | None = None
    dump: str | None = None
    from_dump: str | None = None
    force: bool = False
    fmt: str = "json"
    workers: int = 3

    def signature(self) -> dict:
        """What decides the fetched series; an 'unchanged' skip needs the same signature."""
        return {"years": self.years_text, "genders": self.genders, "regions": self.regions}


@dataclass
class ItemResult:
    id: int
    status: str  # ok | unchanged | failed
    message: str = ""  # stored in load_item: a Phrase (or phrases joined), Finnish with its key beside
    meta: sk.IndicatorMeta | None = None
    rows: int | None = None  # rows of our regions, kept in the stage
    fetched_rows: int = 0
    checksum: str | None = None
    notes: list[Phrase] = field(default_factory=list)


@dataclass
class Context:
    source: object
    options: Options
    stage: Stage  # the data rows' parsing, checks and staging (sotkanet_rows.py)
    wanted: pd.DataFrame  # id, category, code
    previous_ok: dict[int, tuple[str | None, dict]]  # id -> (data_updated, signature)
    stored_updated: dict[int, str | None]


# ---------------------------------------------------------------- argument parsing


def _bad_argument(key: str, **values) -> ValueError:
    """A refused argument: Finnish text with its key (refresh logs it as it is; the CLI shows it with `shown`)."""
    return ValueError(Phrase(f"sotkanet.args.{key}", **values))


def parse_years(text: str) -> list[int]:
    text = text.strip()
    years: list[int] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        if "-" in part:
            lo, _, hi = part.partition("-")
            if not (lo.strip().isdigit() and hi.strip().isdigit()):
                raise _bad_argument("not_a_range", part=repr(part))
            a, b = int(lo), int(hi)
            if a > b:
                raise _bad_argument("backwards", part=repr(part))
            years.extend(range(a, b + 1))
        elif part.isdigit():
            years.append(int(part))
        else:
            raise _bad_argument("not_a_year", part=repr(part))
    if not years:
        raise _bad_argument("no_years")
    if min(years) < 1900 or max(years) > 2100:
        raise _bad_argument("year_bounds")
    return sorted(set(years))


def parse_indicators(text: str) -> list[int] | None:
    if text.strip().lower() == "catalogue":
        return None
    ids = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        if not part.isdigit():
            raise _bad_argument("not_an_indicator", part=repr(part))
        ids.append(int(part))
    if not ids:
        raise _bad_argument("no_indicators")
    return sorted(set(ids))


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sotkanet", help=t("sotkanet.help.command"), description=t("sotkanet.help.description"))
    p.add_argument("--indicators", default="catalogue", help=t("sotkanet.help.indicators"))
    p.add_argument("--years", help=t("sotkanet.help.years"))
    p.add_argument("--genders", choices=("total", "all"), default="total", help=t("sotkanet.help.genders"))
    p.add_argument("--regions", choices=("region", "all"), default="region", help=t("sotkanet.help.regions"))
    p.add_argument("--base-url", help=t("sotkanet.help.base_url"))
    p.add_argument("--db", help=t("cli.db_help"))
    p.add_argument("--region", help=t("sotkanet.help.region"))
    src = p.add_mutually_exclusive_group()
    folder = t("sotkanet.help.folder_metavar")
    src.add_argument("--dump", metavar=folder, help=t("sotkanet.help.dump"))
    src.add_argument("--from-dump", metavar=folder, help=t("sotkanet.help.from_dump"))
    p.add_argument("--force", action="store_true", help=t("sotkanet.help.force"))
    p.add_argument("--format", choices=("json", "csv"), default="json", help=t("sotkanet.help.format"))
    p.add_argument("--workers", type=int, default=3, help=t("sotkanet.help.workers", max=MAX_WORKERS))
    p.set_defaults(func=cmd_sotkanet)


def options_from_args(args) -> Options:
    years = parse_years(args.years) if args.years else None
    if not 1 <= args.workers <= MAX_WORKERS:
        raise ValueError(f"--workers: 1–{MAX_WORKERS}")
    return Options(
        indicators=parse_indicators(args.indicators), years=years,
        years_text=args.years.strip() if args.years else "range", genders=args.genders, regions=args.regions,
        base_url=args.base_url, db=args.db, region=args.region, dump=args.dump, from_dump=args.from_dump,
        force=args.force, fmt=args.format, workers=args.workers,
    )


def cmd_sotkanet(args) -> int:
    try:
        options = options_from_args(args)
    except ValueError as exc:
        print(t("cli.error", message=shown(exc.args[0] if exc.args else exc)), file=sys.stderr)
        return 2
    return run_load(options)


# ---------------------------------------------------------------- the load


class SetupError(RuntimeError):
    pass


def _read_state(path: Path) -> dict:
    with connect_read(path) as con:
        catalogue = [r[0] for r in con.execute("SELECT id FROM indicator WHERE in_catalogue ORDER BY id").fetchall()]
        regions = con.execute("SELECT category, code FROM region").fetchall()
        stored = dict(con.execute("SELECT id, CAST(data_updated AS TEXT) FROM indicator").fetchall())
        previous = con.execute(
            "SELECT li.item, li.data_updated, l.params FROM load_item li JOIN load_log l USING (load_id)"
            " WHERE l.source = 'sotkanet' AND li.status = 'ok' ORDER BY li.load_id").fetchall()
    previous_ok = {}
    for item, updated, params in previous:
        try:
            signature = (json.loads(params or "{}") or {}).get("signature") or {}
        except ValueError:
            signature = {}
        if item.isdigit():
            previous_ok[int(item)] = (updated, signature)
    return {"catalogue": catalogue, "regions": set(regions), "stored": stored, "previous_ok": previous_ok}


def _own_municipalities(config) -> list[str]:
    rows = read_rows(config.folder / "municipalities.csv", ("code", "name_fi"))
    return [r["code"] for r in rows]


def wanted_regions(regions: pd.DataFrame, config, own_codes: list[str], mode: str) -> tuple[pd.DataFrame, list[str]]:
    """The Sotkanet regions we keep, as (id, category, code[, names]); plus warnings for the summary.

    Matching is by (category, code), never by code alone."""
    warnings: list[Phrase] = []
    by_key = {(c, k): i for i, c, k in zip(regions["id"], regions["category"], regions["code"])}
    chosen: list[tuple[int, str, str]] = []
    kunta = regions[regions["category"] == "KUNTA"]
    if mode == "all":
        chosen += [(int(i), "KUNTA", str(c)) for i, c in zip(kunta["id"], kunta["code"])]
    missing = []
    for code in own_codes:
        i = by_key.get(("KUNTA", code))
        if i is None:
            missing.append(code)
        elif mode != "all":
            chosen.append((int(i), "KUNTA", code))
    if missing:
        warnings.append(Phrase("sotkanet.regions_note.municipalities_missing", codes=", ".join(missing)))

    hva = by_key.get(("HYVINVOINTIALUE", config.hva.code))
    if hva is None:
        ids = set(regions.loc[regions["category"] == "HYVINVOINTIALUE", "id"])
        for candidate in (config.hva.sotkanet_id, *config.hva.old_sotkanet_ids):
            if candidate in ids:
                hva = candidate
                warnings.append(Phrase("sotkanet.regions_note.hva_by_old_id", id=int(candidate)))
                break
    if hva is None:
        warnings.append(Phrase("sotkanet.regions_note.hva_missing"))
    else:
        chosen.append((int(hva), "HYVINVOINTIALUE", config.hva.code))
    # The other wellbeing services counties, as comparison regions: their rows go to observation only (never to
    # the region table, so no own list shows them); readmodel.comparison.county_ranking reads them.
    for county in counties():
        i = by_key.get(("HYVINVOINTIALUE", county.code))
        if county.is_county and county.code != config.hva.code and i is not None:
            chosen.append((int(i), "HYVINVOINTIALUE", county.code))
    for category, level, missing_key in (("MAAKUNTA", config.maakunta, "maakunta_missing"),
                                         ("MAA", config.country, "country_missing")):
        i = by_key.get((category, level.code))
        if i is None:
            warnings.append(Phrase(f"sotkanet.regions_note.{missing_key}", category=category, code=level.code))
        else:
            chosen.append((int(i), category, level.code))
    wanted = pd.DataFrame(chosen, columns=["id", "category", "code"]).drop_duplicates("id")
    names = regions.set_index("id")[["title_fi", "title_sv"]]
    wanted = wanted.join(names, on="id")
    return wanted.reset_index(drop=True), warnings


def process_indicator(ctx: Context, indicator_id: int) -> ItemResult:
    """Fetch and fully validate one indicator into the stage. Never touches the database."""
    opts = ctx.options
    try:
        body = sk.check_response(sk.get_indicator_metadata(ctx.source, indicator_id))
        meta = sk.parse_indicator_metadata(body, indicator_id)
    except sk.SotkanetError as exc:
        return ItemResult(indicator_id, "failed", joined([sk.METADATA, exc.reason], ": "))
    updated = meta.data_updated.isoformat() if meta.data_updated else None
    previous = ctx.previous_ok.get(indicator_id)
    if (not opts.force and updated is not None and previous is not None and previous[0] == updated
            and previous[1] == opts.signature() and ctx.stored_updated.get(indicator_id) == updated):
        return ItemResult(indicator_id, "unchanged", Phrase("sotkanet.item.unchanged", updated=updated), meta=meta)

    if meta.range_start is None or meta.range_end is None:
        if opts.years is None:
            return ItemResult(indicator_id, "failed", Phrase("sotkanet.item.no_range"), meta=meta)
        years = opts.years
    else:
        wanted_years = opts.years or list(range(meta.range_start, meta.range_end + 1))
        years = [y for y in wanted_years if meta.range_start <= y <= meta.range_end]
        if not years:
            return ItemResult(indicator_id, "failed", Phrase("sotkanet.item.years_outside", start=meta.range_start,
                                                             end=meta.range_end), meta=meta)
    genders = ("total",) if opts.genders == "total" else sk.GENDERS
    get = sk.get_data_csv if opts.fmt == "csv" else sk.get_data_json
    try:
        fetched = get(ctx.source, indicator_id, years, genders)
        staged = ctx.stage.add(sk.check_response(fetched, opts.fmt), indicator_id, opts.fmt, fetched.file,
                               Phrase("sotkanet.item.empty", first=years[0], last=years[-1]))
    except sk.SotkanetError as exc:
        return ItemResult(indicator_id, "failed", joined([Phrase("sotkanet.what.data"), exc.reason], ": "), meta=meta)
    notes = [staged.note] if staged.note else []
    return ItemResult(indicator_id, "ok", Phrase("sotkanet.item.loaded", rows=staged.kept_rows,
                                                 fetched=staged.fetched_rows, first=years[0], last=years[-1]),
                      meta=meta, rows=staged.kept_rows,
                      fetched_rows=staged.fetched_rows, checksum=fetched.sha256, notes=notes)


def _meta_frame(metas: list[sk.IndicatorMeta]) -> pd.DataFrame:
    return pd.DataFrame([{
        "id": m.id, "title_fi": m.title_fi, "title_sv": m.title_sv, "title_en": m.title_en, "unit": m.unit,
        "decimals": m.decimals, "organisation": m.organisation, "data_updated": m.data_updated,
        "range_start": m.range_start, "range_end": m.range_end, "description_fi": m.description_fi,
        "interpretation_fi": m.interpretation_fi, "limits_fi": m.limits_fi, "description_sv": m.description_sv,
        "interpretation_sv": m.interpretation_sv, "limits_sv": m.limits_sv, "metadata_url": m.metadata_url,
        "licence": str(producer_licence(m.organisation)),
    } for m in metas]).astype({"decimals": "Int64", "range_start": "Int64", "range_end": "Int64",
                               "data_updated": "datetime64[s]"})


# Our own columns (direction, direction_reason, scale, theme, notes, in_catalogue) are never touched.
# unit: the catalogue's unit decides how areas are rolled up (metrics.aggregate), so it wins when set.
UPSERT_META = """
INSERT INTO indicator (id, source, title_fi, title_sv, title_en, unit, decimals, direction, direction_reason,
    organisation, data_updated, range_start, range_end, description_fi, interpretation_fi, limits_fi,
    description_sv, interpretation_sv, limits_sv, metadata_url, licence, in_catalogue)
SELECT id, 'sotkanet', title_fi, title_sv, title_en, unit, decimals, 'neutral',
    'Ei alueen indikaattoriluettelossa; suuntaa ei ole arvioitu.', organisation, CAST(data_updated AS DATE),
    range_start, range_end, description_fi, interpretation_fi, limits_fi, description_sv, interpretation_sv,
    limits_sv, metadata_url, licence, FALSE
FROM sotkanet_meta_df
ON CONFLICT (id) DO UPDATE SET
    title_fi = excluded.title_fi, title_sv = coalesce(excluded.title_sv, indicator.title_sv),
    title_en = coalesce(excluded.title_en, indicator.title_en), unit = coalesce(indicator.unit, excluded.unit),
    decimals = coalesce(excluded.decimals, indicator.decimals),
    organisation = coalesce(excluded.organisation, indicator.organisation), data_updated = excluded.data_updated,
    range_start = excluded.range_start, range_end = excluded.range_end, description_fi = excluded.description_fi,
    interpretation_fi = excluded.interpretation_fi, limits_fi = excluded.limits_fi,
    description_sv = excluded.description_sv, interpretation_sv = excluded.interpretation_sv,
    limits_sv = excluded.limits_sv, metadata_url = excluded.metadata_url, licence = excluded.licence
"""


def apply_results(load, results: list[ItemResult], new_regions: pd.DataFrame, stage: Stage, *,
                  generated: bool = False) -> list[int]:
    """Inside one writing() load: replace series (from the stage), update metadata, log every indicator.
    -> changed ids. `generated`: the responses came from a generated dump, so the rows are demo data
    (labelled on every page)."""

    con = load.con
    if not new_regions.empty:
        con.register("sotkanet_region_df", new_regions)
        con.execute("INSERT INTO region (category, code, name_fi, name_sv, sotkanet_id) SELECT category, code,"
                    " title_fi, title_sv, id FROM sotkanet_region_df ON CONFLICT DO NOTHING")
        con.unregister("sotkanet_region_df")
    ok = [r for r in results if r.status == "ok"]
    changed = [r.id for r in ok]
    if ok:
        con.execute("DELETE FROM observation WHERE list_contains(?, indicator_id)", [changed])
        # Streamed in batches; only the ok indicators' (a failed one stops before it keeps a row, and one that
        # failed after its rows were kept, by a bug, is not written either).
        con.register("sotkanet_obs", stage.batches(changed))
        con.execute("INSERT INTO observation (indicator_id, region_category, region_code, year, gender, value,"
                    " abs_value, is_demo, load_id) SELECT indicator_id, region_category, region_code, year, gender,"
                    " value, abs_value, ?, ? FROM sotkanet_obs", [generated, load.load_id])
        con.unregister("sotkanet_obs")
    stage.close()  # its rows are written: its memory back before the rollups and the derived steps
    metas = [r.meta for r in results if r.status in ("ok", "unchanged") and r.meta is not None]
    if metas:
        con.register("sotkanet_meta_df", _meta_frame(metas))
        con.execute(UPSERT_META)
        con.unregister("sotkanet_meta_df")
    load.log_items([{"item": str(r.id), "status": r.status, "rows": r.rows,
                     "data_updated": r.meta.data_updated.isoformat() if r.meta and r.meta.data_updated else None,
                     "checksum": r.checksum, "message": joined([r.message, *r.notes]) if r.notes else r.message}
                    for r in sorted(results, key=lambda r: r.id)])
    if changed:
        refresh_derived(con, changed)
    return changed


def _log_setup_failure(path: Path, source_desc: str, params: dict, message: str) -> None:
    try:
        with writing("sotkanet", target=source_desc, params=params, path=path) as load:
            load.status, load.message = "failed", message
    except WarehouseError:
        pass


def run_load(options: Options, *, out=None, err=None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    started = time.monotonic()

    def progress(text: str) -> None:
        print(text, file=err, flush=True)

    def error(message) -> int:
        print(t("cli.error", message=shown(message)), file=err)
        return 2

    try:
        config = region_config(options.region)
    except FileNotFoundError as exc:
        return error(exc)
    path = db_path(options.db)
    if not path.exists():
        return error(t("sotkanet.cli.no_database", path=path))
    try:
        state = _read_state(path)
    except WarehouseError as exc:
        return error(exc)
    own = _own_municipalities(config)
    absent = [c for c in own if ("KUNTA", c) not in state["regions"]]
    if absent:
        return error(t("sotkanet.cli.municipalities_absent", codes=", ".join(absent), path=path))
    ids = options.indicators if options.indicators is not None else state["catalogue"]
    if not ids:
        return error(t("sotkanet.cli.empty_catalogue", path=path))

    dump_writer = None
    if options.from_dump:
        try:
            source = sk.DumpSource(Path(options.from_dump))
        except sk.DumpError as exc:
            return error(exc.args[0])
    else:

        base_url = options.base_url or config.sotkanet_base_url
        if options.dump:
            dump_writer = sk.DumpWriter(Path(options.dump), base_url)
            options.force = True  # a dump must hold every response, so nothing is skipped as unchanged
        source = sk.HttpSource(make_session(user_agent(config.contact_url), pool_size=options.workers + 1),
                               base_url, dump_writer)
    params = {
        "indicators": "catalogue" if options.indicators is None else options.indicators,
        "years": options.years_text, "genders": options.genders, "regions": options.regions,
        "format": options.fmt, "force": options.force,
        "from_dump": options.from_dump, "dump": options.dump, "signature": options.signature(),
    }
    progress(t("sotkanet.cli.start", count=len(ids), source=shown(source.describe())))
    stage: Stage | None = None
    try:
        try:
            regions = sk.parse_regions(sk.check_response(sk.get_regions(source)))
        except sk.SotkanetError as exc:
            message = joined([Phrase("sotkanet.cli.no_regions"), exc.reason], ": ")
            _log_setup_failure(path, source.describe(), params, message)
            return error(message)
        wanted, warnings = wanted_regions(regions, config, own, options.regions)
        stage = Stage(regions, wanted)
        ctx = Context(source, options, stage, wanted, state["previous_ok"], state["stored"])
        results: list[ItemResult] = []
        with ThreadPoolExecutor(max_workers=options.workers) as pool:
            futures = {pool.submit(process_indicator, ctx, i): i for i in ids}
            for n, future in enumerate(as_completed(futures), 1):
                try:
                    r = future.result()
                except Exception as exc:  # a bug must not lose the other indicators
                    r = ItemResult(futures[future], "failed", Phrase("sotkanet.item.unexpected",
                                                                     error=f"{exc.__class__.__name__}: {exc}"))
                results.append(r)
                title = f" {localized(r.meta, 'title')[:48]}" if r.meta else ""  # Sotkanet's own Swedish name
                detail = t("sotkanet.cli.rows", rows=r.rows) if r.status == "ok" else shown(r.message)
                progress(t("sotkanet.cli.progress", n=n, total=len(ids), id=r.id, title=title,
                           word=t(f"sotkanet.cli.word.{r.status}"), detail=detail,
                           seconds=f"{time.monotonic() - started:.1f}"))
    except BaseException:
        if stage is not None:
            stage.close()
        raise
    finally:
        if dump_writer is not None:
            manifest = dump_writer.write_manifest()
            progress(t("sotkanet.cli.dump_saved", manifest=manifest, count=len(dump_writer.entries)))

    new_regions = pd.DataFrame(columns=["category", "code", "title_fi", "title_sv", "id"])
    if options.regions == "all":
        munis = wanted[wanted["category"] == "KUNTA"]
        new_regions = munis[[("KUNTA", c) not in state["regions"] for c in munis["code"]]].assign(
            title_sv=lambda f: f["title_sv"].where(f["title_sv"].notna(), None))
    ok = [r for r in results if r.status == "ok"]
    unchanged = [r for r in results if r.status == "unchanged"]
    failed = sorted((r for r in results if r.status == "failed"), key=lambda r: r.id)
    licences = sorted({sk_licence(r.meta) for r in ok + unchanged if r.meta})
    summary = Phrase("load_log.sotkanet_summary", ok=len(ok), unchanged=len(unchanged), failed=len(failed),
                     rows=fi_int(sum(r.rows for r in ok)))
    generated = bool(source.generated)
    try:
        with writing("sotkanet", target=source.describe(), params=params,
                     licence=joined(licences, LICENCE_SEPARATOR) or None, path=path, is_demo=generated) as load:
            apply_results(load, results, new_regions, stage, generated=generated)
            load.rows = sum(r.rows for r in ok)
            load.status = "failed" if failed and not (ok or unchanged) else "partial" if failed else "ok"
            load.checksum = hashlib.sha256("".join(sorted(r.checksum or "" for r in ok)).encode()).hexdigest()[:16]
            parts = [summary, *warnings]
            parts += [joined([str(r.id), r.message], ": ") for r in failed[:20]]
            load.message = joined(parts)
    finally:
        stage.close()

    print(t("sotkanet.cli.done", load_id=load.load_id, seconds=f"{time.monotonic() - started:.1f}",
            summary=shown(summary)), file=out)
    for w in warnings:
        print(t("sotkanet.cli.note", note=shown(w)), file=out)
    notes = sorted((r.id, n) for r in ok for n in r.notes)
    for ind, note in notes[:5]:
        print(t("sotkanet.cli.item_note", id=ind, note=shown(note)), file=out)
    if len(notes) > 5:
        print(t("sotkanet.cli.more_notes", count=len(notes) - 5), file=out)
    if failed:
        print(t("sotkanet.cli.failed_heading"), file=out)
        for r in failed:
            print(f"  {r.id}: {shown(r.message)}", file=out)
    return 1 if failed else 0


def sk_licence(meta: sk.IndicatorMeta) -> str:
    return producer_licence(meta.organisation)
