"""Tilannekuva benchmarks (issue 7): one command, results in bench/RESULTS.md.

    python -m bench.run            # 0.01×, 0.1× and 1× national scale (~15 min on 2 cores)
    python -m bench.run --quick    # 0.01× and 0.1× only (~5 min)

Stages (each reported with the machine it ran on):
1. scale data: Sotkanet dump folders per cut (bench/scale.py), generation rows/s;
2. ingest: the real loader (`python -m data_sources sotkanet --from-dump`) into a prepared database
   per cut, rows/s, CPU seconds and the loader's peak RSS; beside it a bulk baseline on the largest cut (json
   module + pandas + one INSERT … SELECT per file into the same schema, no validation, no rollups) that the real
   loader should beat;
3. page data: p50/p95 of the readmodel.page_data calls behind each page at every cut; beside them the same
   calls computed live (the stored page data of readmodel/precomputed.py switched off) and done the naive way
   (whole indicator_values view into pandas, then filtered), as ratios;
4. whole pages: AppTest run time of every page (cold caches) on the demo database and the largest cut;
5. app memory: `streamlit run app.py` on the largest cut, every page fetched with headless Chromium,
   peak RSS (VmHWM) of the server process.

Everything is written under bench/out/ (gitignored); the app's default database is never touched.

Long because it is the whole benchmark harness: every stage, its baselines and the results table, run side by side in one process tree.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

from bench import scale
from ui import page_registry

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
DB_DIR = scale.OUT_DIR / "db"
PAGES = [(p.file, p.url_path, p.title_key) for p in page_registry.PAGES]  # (file, url path, title key)


def log(text: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {text}", file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


# ---------------------------------------------------------------- machine


def machine() -> dict:
    import duckdb
    import numpy
    import pandas
    import streamlit

    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with contextlib.suppress(OSError):
        mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"), "cpu": cpu, "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1), "os": platform.platform(),
        "python": platform.python_version(), "duckdb": duckdb.__version__, "pandas": pandas.__version__,
        "numpy": numpy.__version__, "streamlit": streamlit.__version__,
        "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# ---------------------------------------------------------------- 1. scale data


def ensure_dump(cut: str, regenerate: bool) -> dict:
    folder = scale.OUT_DIR / f"dump_{cut}"
    stamp = folder / "bench_stamp.json"
    if not regenerate and stamp.is_file() and (folder / "manifest.json").is_file():
        info = json.loads(stamp.read_text())
        info["reused"] = True
        return info
    shutil.rmtree(folder, ignore_errors=True)
    log(f"generating dump {cut}×")
    info = scale.build_dump(cut, folder)
    info = {k: (str(v) if isinstance(v, Path) else v) for k, v in info.items()}
    stamp.write_text(json.dumps(info))
    info["reused"] = False
    return info


# ---------------------------------------------------------------- 2. ingest


def ingest(cut: str) -> dict:
    """Prepare the cut's database and load its dump through the real CLI; wall time and peak RSS."""
    path = DB_DIR / f"scale_{cut}.duckdb"
    path.parent.mkdir(parents=True, exist_ok=True)
    log(f"preparing {path.name}")
    scale.prepare_db(path)
    cmd = [sys.executable, "-m", "data_sources", "sotkanet", "--from-dump", str(scale.OUT_DIR / f"dump_{cut}"),
           "--db", str(path), *scale.CUTS[cut].loader_args]
    log(f"loading {cut}×: {' '.join(cmd[1:])}")
    out_path, err_path = path.with_suffix(".load.out"), path.with_suffix(".load.err")
    with out_path.open("w") as out_f, err_path.open("w") as err_f:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, stdout=out_f, stderr=err_f)
        _, status, usage = os.wait4(proc.pid, 0)  # the loader's own rusage (peak RSS)
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = out_path.read_text(), err_path.read_text()
    maxrss_mb = usage.ru_maxrss / 1024
    cpu_s = usage.ru_utime + usage.ru_stime  # on a shared machine, what the load itself cost
    if proc.returncode != 0:
        raise RuntimeError(f"loader failed ({proc.returncode}): {out[-2000:]} {err[-2000:]}")
    fetch_phase = [float(m) for m in re.findall(r"\(([\d.]+) s\)$", err, re.M)]
    from store.warehouse import connect_read

    con = connect_read(path)
    try:
        # the rows of the benchmark's own load (generated, so stored as demo rows like the demo database's)
        loaded = con.execute("SELECT count(*) FROM observation WHERE load_id = (SELECT max(load_id) FROM load_log "
                             "WHERE source = 'sotkanet')").fetchone()[0]
        derived = con.execute("SELECT count(*) FROM derived_observation").fetchone()[0]
        catalogue = con.execute("SELECT count(*) FROM indicator WHERE in_catalogue").fetchone()[0]
        kunta = con.execute("SELECT count(*) FROM region WHERE category = 'KUNTA'").fetchone()[0]
    finally:
        con.close()
    dump_rows = json.loads((scale.OUT_DIR / f"dump_{cut}" / "bench_stamp.json").read_text())["rows"]
    return {"cut": cut, "db": str(path), "seconds": seconds, "loaded_rows": loaded, "dump_rows": dump_rows,
            "rows_per_s": loaded / seconds, "dump_rows_per_s": dump_rows / seconds,
            "fetch_parse_s": max(fetch_phase) if fetch_phase else None, "derived_rows": derived,
            "catalogue": catalogue, "municipalities": kunta, "loader_maxrss_mb": maxrss_mb, "cpu_s": cpu_s,
            "db_mb": path.stat().st_size / 1e6}


def bulk_ingest(cut: str) -> dict:
    """Baseline: the plain way a data engineer would load the same dump — json module + pandas + one bulk
    `INSERT … SELECT` per indicator file, every file, in one load, into the same schema as the real loader
    (observation without a primary key since schema 9). Does less than the real loader: no checksum check, no
    validation, no metadata, no area rollups, no derived page data (`derive=[]`); loads every row of the dump,
    where the real loader keeps only its regions' (1×: 13,3 M rows against 9,8 M)."""
    import resource

    import duckdb
    import pandas as pd

    from data_sources.reference import load_catalogues
    from store.warehouse import writing

    folder = scale.OUT_DIR / f"dump_{cut}"
    manifest = json.loads((folder / "manifest.json").read_text())
    regions = json.loads((folder / next(e["file"] for e in manifest["entries"] if e["path"] == "regions")).read_bytes())
    region_frame = pd.DataFrame([{"region": r["id"], "category": r["category"], "code": r["code"]} for r in regions])
    data_files = [e["file"] for e in manifest["entries"] if e["path"] == "json"]
    path = DB_DIR / "baseline.duckdb"
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    load_catalogues(path=path)
    rows = 0
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with writing("bench-baseline", path=path, derive=[]) as load:
        con: duckdb.DuckDBPyConnection = load.con
        for name in data_files:
            frame = pd.DataFrame(json.loads((folder / name).read_text(encoding="utf-8"))).merge(region_frame, on="region")
            if "absValue" not in frame:
                frame["absValue"] = None
            con.register("bulk_df", frame)
            con.execute("DELETE FROM observation WHERE indicator_id = ?", [int(frame["indicator"].iloc[0])])
            con.execute("INSERT INTO observation SELECT indicator, category, code, year, gender, value, absValue, "
                        "FALSE, NULL FROM bulk_df")
            con.unregister("bulk_df")
            rows += len(frame)
    seconds = time.perf_counter() - started
    return {"cut": cut, "rows": rows, "seconds": seconds, "rows_per_s": rows / seconds, "files": len(data_files),
            "maxrss_growth_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024}


# ---------------------------------------------------------------- 3. page data


def page_work(con) -> dict:
    """The read-model calls each page makes (as in pages/*.py and the app.py sidebar), by page, for the
    deployment's default municipality and its area (readmodel/deployment.py: no region literal here)."""
    from readmodel import area as area_model
    from readmodel import comparison as comparison_model
    from readmodel import municipality as muni_model
    from readmodel import page_data as pd_
    from readmodel import survey as survey_model
    from readmodel import view_data
    from readmodel.deployment import deployment

    dep = deployment(con)
    muni = dep.default_municipality
    area = pd_.area_of(con, muni)
    inds = pd_.indicators(con)
    ids = [int(i) for i in inds["id"]]
    own = list(pd_.municipalities(con)["code"])
    trend_regions = [("KUNTA", c) for c in own] + [dep.country]
    trend_inds = [i for i in (181, 127, 5641, 3076, 1074) if i in ids][:5] or ids[:5]
    _, newest = pd_.data_years(con)  # the pages pass the year slider's value, the newest year by default
    survey_years = survey_model.survey_years(con)

    def sidebar():
        deployment(con), pd_.municipalities(con), pd_.regions(con), pd_.area_of(con, muni), pd_.data_years(con)
        pd_.demo_share(con)

    def overview():  # pages/tilannekuva.py
        pd_.overview(con)
        pd_.plan(con)
        pd_.latest_loads(con)
        pd_.goal_status(con, *dep.hva, year_max=newest)
        pd_.region_summary(con, *dep.hva, year_max=newest)

    def municipality():  # pages/kunta.py
        context = muni_model.municipality_context(con, muni)
        pd_.region_indicator_table(con, "KUNTA", muni, year_max=newest, references=context["references"])
        pd_.plan(con)
        pd_.observations(con, list(context["labels"]), None, newest)
        muni_model.municipality_summary(con, muni, year_max=newest)
        muni_model.municipality_actions(con, muni)
        view_data.survey_answers(con, muni)

    def area_page():  # pages/palvelukeskustelualue.py
        context = area_model.area_context(con, area)
        pd_.region_indicator_table(con, "PALVELUALUE", area, year_max=newest, references=context["references"])
        pd_.observations(con, [("KUNTA", c) for c in context["members"]["member_code"]] + [("PALVELUALUE", area)],
                         None, newest)
        area_model.rollup_flags(con, area, newest)
        pd_.region_summary(con, "PALVELUALUE", area, year_max=newest)
        pd_.plan(con)
        pd_.action_status(con)

    def comparison():  # pages/vertailu.py
        pd_.indicators(con)
        pd_.municipalities(con)
        comparison_model.municipality_ranking(con, 181 if 181 in ids else ids[0], newest)
        pd_.tiles(con)
        view_data.geometry(con)
        pd_.plan(con)
        goal_inds = comparison_model.comparable_indicators(con, 1)
        view_data.heatmap(con, [int(i) for i in goal_inds["id"]], year_max=newest)

    def trends():  # pages/trendit.py
        pd_.indicators(con)
        pd_.regions(con)
        pd_.data_years(con)
        pd_.observations(con, trend_regions, trend_inds, newest, "total", 2010)

    def survey():  # pages/kompassikysely.py
        survey_model.survey_years(con)
        if survey_years:
            survey_model.survey_page(con, survey_years[0], "role")

    work = {"sidebar (every page)": sidebar, "overview": overview, "municipality": municipality, "area": area_page,
            "comparison": comparison, "trends (5 ind × 20 regions)": trends, "survey": survey,
            "export (python -m metrics export)": lambda: pd_.tilannekuva(con)}
    return work


def naive_observations(con, regions_list, indicator_ids=None, year_max=None, gender="total", year_min=None):
    """The naive way: the whole indicator_values view into pandas, filtered there."""
    from readmodel.page_data import SERIES_COLUMNS

    cols = SERIES_COLUMNS.split(", ")
    full = con.execute(f"SELECT {SERIES_COLUMNS} FROM indicator_values").df()
    keys = set(map(tuple, regions_list))
    mask = [(c, k) in keys for c, k in zip(full["region_category"], full["region_code"])]
    out = full[mask]
    out = out[(out["gender"] == gender) & (out["year"] <= (year_max or 9999)) & (out["year"] >= (year_min or 0))]
    if indicator_ids is not None:
        out = out[out["indicator_id"].isin([int(i) for i in indicator_ids])]
    return out.sort_values(["indicator_id", "region_category", "region_code", "year"])[cols].reset_index(drop=True)


def make_naive_series(original):
    """page_data.series the naive way: every row of every region, year and gender, filtered in pandas."""

    def naive_series(con, regions_list=None, year_max=None, gender="total"):
        full = original(con, None, None, None)
        out = full[full["year"] <= (year_max or 9999)]
        if gender is not None:
            out = out[out["gender"] == gender]
        if regions_list is not None:
            keys = set(map(tuple, regions_list))
            out = out[[(c, k) in keys for c, k in zip(out["region_category"], out["region_code"])]]
        return out.reset_index(drop=True)

    return naive_series


def page_latency_isolated(db: Path, reps: int, naive_reps: int) -> dict:
    """page_latency in a fresh Python process: the harness's own heap (dump generation, the naive ingest)
    makes the garbage collector slow down pandas-heavy work by 10–40 % (measured), which is not the app's."""
    code = ("import json, sys; from pathlib import Path; from bench.run import page_latency; "
            "print(json.dumps(page_latency(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))))")
    proc = subprocess.run([sys.executable, "-c", code, str(db), str(reps), str(naive_reps)], cwd=PROJECT_ROOT,
                          stdout=subprocess.PIPE, text=True, timeout=7200)
    if proc.returncode != 0:
        raise RuntimeError(f"page latency on {db.name} failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def page_latency(db: Path, reps: int, naive_reps: int) -> dict:
    from store.warehouse import connect_read

    con = connect_read(db)
    results = {}
    try:
        work = page_work(con)
        for name, fn in work.items():
            fn()  # warm-up (DuckDB metadata, imports)
            times = []
            for _ in range(reps):
                t0 = time.perf_counter()
                fn()
                times.append((time.perf_counter() - t0) * 1000)
            live = []
            if naive_reps:  # the same calls computed from the data, without the stored page data
                with mock.patch("readmodel.precomputed.state", lambda con: None):
                    for _ in range(max(naive_reps, 3)):
                        t0 = time.perf_counter()
                        fn()
                        live.append((time.perf_counter() - t0) * 1000)
            naive = []
            if naive_reps:
                from readmodel import page_data

                patches = [mock.patch("readmodel.precomputed.state", lambda con: None),
                           mock.patch("readmodel.page_data.observations", naive_observations)]
                if hasattr(page_data, "series"):
                    patches.append(mock.patch("readmodel.page_data.series", make_naive_series(page_data.series)))
                with contextlib.ExitStack() as stack:
                    for patch in patches:
                        stack.enter_context(patch)
                    for _ in range(naive_reps):
                        t0 = time.perf_counter()
                        fn()
                        naive.append((time.perf_counter() - t0) * 1000)
            results[name] = {"p50": pct(times, 0.5), "p95": pct(times, 0.95), "n": reps,
                             "naive_p50": pct(naive, 0.5) if naive else None, "naive_n": len(naive),
                             "live_p50": pct(live, 0.5) if live else None, "live_n": len(live)}
            log(f"  {db.name} {name}: p50 {results[name]['p50']:.0f} ms p95 {results[name]['p95']:.0f} ms"
                f" live {results[name]['live_p50'] or 0:.0f} ms naive {results[name]['naive_p50'] or 0:.0f} ms")
    finally:
        con.close()
    return results


# ---------------------------------------------------------------- 4. whole pages (AppTest)


APPTEST_SCRIPT = r"""
import json, os, sys, time
import streamlit as st
from streamlit.testing.v1 import AppTest
pages = json.loads(sys.argv[1]); reps = int(sys.argv[2])
out = {}
for page in pages:
    times = []
    for _ in range(reps):
        st.cache_data.clear(); st.cache_resource.clear()
        at = AppTest.from_file("app.py", default_timeout=600)
        at.run()
        if page != "pages/tilannekuva.py":
            st.cache_data.clear(); st.cache_resource.clear()
            at.switch_page(page)
            t0 = time.perf_counter(); at.run(); dt_ = time.perf_counter() - t0
        else:
            st.cache_data.clear(); st.cache_resource.clear()
            t0 = time.perf_counter(); at.run(); dt_ = time.perf_counter() - t0
        if at.exception:
            out[page] = {"error": str(at.exception[0].value)[:300]}
            break
        times.append(dt_)
    else:
        times.sort()
        out[page] = {"median_s": times[len(times) // 2], "n": len(times)}
print(json.dumps(out))
"""


def apptest_times(db: Path, reps: int) -> dict:
    """Each page cold (caches cleared), in a fresh process per database; median of `reps` runs."""
    env = {**os.environ, "TILANNEKUVA_DB": str(db)}
    env.pop("TILANNEKUVA_ADMIN_PASSWORD_HASH", None)
    proc = subprocess.run([sys.executable, "-c", APPTEST_SCRIPT, json.dumps([p for p, _, _ in PAGES]), str(reps)],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        return {"error": proc.stderr[-1500:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _apptest_stage(big: str, big_db: Path) -> dict:
    from data_sources.demo import build_demo

    demo = DB_DIR / "demo.duckdb"
    for stale in demo.parent.glob(demo.name + "*"):
        stale.unlink()
    build_demo(demo)
    out = {}
    for label, db in (("demo database", demo), (f"{big}× scale", big_db)):
        log(f"AppTest on {label}")
        out[label] = apptest_times(db, 3 if label == "demo database" else 2)
    return out


def region_stage(reps: int = 30) -> dict:
    """The deployment's own scale: the demo database (19 municipalities, the region's 55-indicator catalogue,
    2010–2024). Page data incl. the whole export (issue 5: well under a second), and every page in AppTest."""
    from data_sources.demo import build_demo

    demo = DB_DIR / "region.duckdb"
    for stale in demo.parent.glob(demo.name + "*"):
        stale.unlink()
    DB_DIR.mkdir(parents=True, exist_ok=True)
    build_demo(demo)
    log("region scale: page data")
    pages = page_latency_isolated(demo, reps, 3)
    log("region scale: AppTest")
    return {"pages": pages, "apptest": apptest_times(demo, 3)}


# ---------------------------------------------------------------- 5. app memory


def app_memory(db: Path) -> dict:
    """Start the app on `db`, open every page in headless Chromium, read VmHWM of the server."""
    sys.path.insert(0, str(PROJECT_ROOT))
    from tests import browser
    from common.i18n import t

    if not (browser.CHROMIUM and browser.CHROMEDRIVER):
        return {"error": "chromium / chromium-driver not installed"}
    per_page = {}
    try:
        with browser.app_server(db, start_timeout=90) as (url, proc), browser.chromium() as driver:
            for page, path, title in PAGES:
                t0 = time.perf_counter()
                driver.get(f"{url}/{path}")
                try:
                    browser.wait_for_page(driver, t(title), timeout=240)
                    errors = browser.exception_boxes(driver)
                except AssertionError as exc:
                    errors = [str(exc)[:200]]
                per_page[path] = {"seconds": time.perf_counter() - t0 - 1.0, "errors": errors,
                                  "rss_mb": _status_mb(proc.pid, "VmRSS")}
            return {"vmhwm_mb": _status_mb(proc.pid, "VmHWM"), "vmrss_mb": _status_mb(proc.pid, "VmRSS"),
                    "pages": per_page}
    except RuntimeError as exc:  # the server did not start
        return {"error": str(exc)}


def _status_mb(pid: int, key: str) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"{key}:\s+(\d+) kB", text).group(1)) / 1024


# ---------------------------------------------------------------- report


def _num(v, fmt: str) -> str:
    return "–" if v is None or v != v else format(v, fmt)


def write_results(r: dict) -> None:
    m = r["machine"]
    cuts = r["cuts"]
    big = cuts[-1]
    L: list[str] = []
    add = L.append
    add("# Benchmark results (issue 7)\n")
    add(f"Command: `python -m bench.run{' --quick' if r['quick'] else ''}` · {m['date']} · "
        f"total {r['total_s'] / 60:.1f} min\n")
    add(f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, {m['os']}; Python {m['python']}, "
        f"DuckDB {m['duckdb']}, pandas {m['pandas']}, numpy {m['numpy']}, Streamlit {m['streamlit']}. "
        f"Load average at start {m['loadavg']} (shared, noisy machine: read ratios and medians, not single numbers).\n")
    add("All data is synthetic benchmark data (bench/scale.py), under bench/out/; never the app's database.\n")
    for note in r.get("notes", []):
        add(f"Note: {note}\n")
    for rerun in r.get("reruns", []):
        add(f"Re-run with `--only` on the same databases: {rerun}.\n")

    add("## Goals\n")
    add("| goal | target | measured | met |\n|---|---|---|---|")
    for g in r["goals"]:
        add(f"| {g[0]} | {g[1]} | {g[2]} | {'yes' if g[3] else '**no**'} |")
    add("")
    if r["unmet"]:
        add("### Unmet goals and why\n")
        for u in r["unmet"]:
            add(f"- {u}")
        add("")

    add("## 1. Scale data (Sotkanet dump folders)\n")
    add("| cut | regions in /regions | indicators | rows in dump | JSON MB | generation s | rows/s |\n|---|---|---|---|---|---|---|")
    for c in cuts:
        d = r["dumps"][c]
        note = " (reused)" if d.get("reused") else ""
        add(f"| {c}× | {d['regions']} | {d['indicators']} | {d['rows']:,} | {d['bytes'] / 1e6:.0f} | "
            f"{d['seconds']:.1f}{note} | {d['rows'] / d['seconds']:,.0f} |")
    add("")
    add("## 2. Ingest through the real loader\n")
    add("`python -m data_sources sotkanet --from-dump bench/out/dump_<cut> --db <tmp> --regions all --genders all|total "
        "--force --workers 4`, wall time of the whole process (start-up, checksum check of every file, parse and "
        "validation in DuckDB into a staging database (data_sources/sotkanet_rows.py), copy of the database, one "
        "transaction, rows streamed from the stage, area rollups, derived page data, checkpoint, atomic swap). One run "
        "per cut. CPU s: user + system time of the loader process (the machine is shared).\n")
    add("| cut | rows loaded | rows in dump | seconds | of which fetch+parse | CPU s | loaded rows/s | dump rows/s | loader peak RSS MB | DB MB |\n|---|---|---|---|---|---|---|---|---|---|")
    for c in cuts:
        i = r["ingest"].get(c)
        if not i:
            continue
        add(f"| {c}× | {i['loaded_rows']:,} | {i['dump_rows']:,} | {i['seconds']:.1f} | "
            f"{_num(i['fetch_parse_s'], '.1f')} | {_num(i.get('cpu_s'), '.1f')} | {i['rows_per_s']:,.0f} | "
            f"{i['dump_rows_per_s']:,.0f} | "
            f"{_num(i['loader_maxrss_mb'], '.0f')} | {i['db_mb']:.0f} |")
    b = r["baseline"]
    add(f"\nBulk baseline (json module + pandas + one `INSERT … SELECT` per indicator file into the same schema, "
        f"one load, no checksum check, no validation, no metadata, no rollups, no derived page data): all {b['rows']:,} rows of the "
        f"{b['cut']}× dump ({b['files']} indicator files) in {b['seconds']:.1f} s = **{b['rows_per_s']:,.0f} rows/s**.\n")
    add("## 3. Page data latency (readmodel.page_data, one read connection, ms)\n")
    add("Each page's data calls as the page file makes them (pages/*.py, with the year slider at its default, "
        "the newest year); warm DuckDB connection, no Streamlit cache. Ours: what the app does, reading the page "
        "data stored by the last load (readmodel/precomputed.py) where it answers the call. Live: the same calls computed "
        "from the data on every call (the stored tables switched off), as before this change. Naive: live, with "
        "`observations()`/`series()` replaced by reading the whole `indicator_values` view into pandas and "
        "filtering there. Live and naive: fewer repetitions.\n")
    header = "| page | " + " | ".join(f"{c}× p50 | {c}× p95" for c in cuts) + \
        f" | growth p95 {cuts[0]}×→{big}× | live p50 {big}× | live / ours {big}× | naive p50 {big}× | naive / ours {big}× |"
    add(header)
    add("|" + "---|" * (2 + 2 * len(cuts) + 4))
    for name in r["pages"][big]:
        row = [name]
        for c in cuts:
            p = r["pages"][c][name]
            row += [f"{p['p50']:.0f}", f"{p['p95']:.0f}"]
        g = r["pages"][big][name]["p95"] / max(r["pages"][cuts[0]][name]["p95"], 1e-9)
        n = r["pages"][big][name]["naive_p50"]
        lv = r["pages"][big][name].get("live_p50")
        ours = r["pages"][big][name]["p50"]
        row += [f"{g:.2f}×", f"{lv:.0f}" if lv else "–", f"{lv / ours:.1f}×" if lv else "–",
                f"{n:.0f}" if n else "–", f"{n / ours:.0f}×" if n else "–"]
        add("| " + " | ".join(row) + " |")
    reps = ", ".join(f"{c}×: {next(iter(r['pages'][c].values()))['n']}" for c in cuts)
    naive_n = next(iter(r["pages"][big].values()))["naive_n"]
    add(f"\nRepetitions: {reps}; naive: {naive_n} at {big}×.\n")
    if r.get("region"):
        add("## 3b. Region scale: the demo database (19 municipalities, 55 indicators, 2010–2024)\n")
        add("What the deployment itself serves. Page data as in section 3 (ms); whole pages in AppTest (s, cold).\n")
        add("| page | p50 ms | p95 ms | live p50 ms | live / ours | naive p50 ms | naive / ours |")
        add("|---|---|---|---|---|---|---|")
        for name, v in r["region"]["pages"].items():
            ratio = f"{v['naive_p50'] / v['p50']:.0f}×" if v.get("naive_p50") and v["p50"] else "–"
            naive = f"{v['naive_p50']:.0f}" if v.get("naive_p50") else "–"
            lv = v.get("live_p50")
            live, live_ratio = (f"{lv:.0f}", f"{lv / v['p50']:.1f}×") if lv and v["p50"] else ("–", "–")
            add(f"| {name} | {v['p50']:.0f} | {v['p95']:.0f} | {live} | {live_ratio} | {naive} | {ratio} |")
        add("")
        at = r["region"].get("apptest") or {}
        if "error" in at:
            add(f"AppTest failed: {at['error'][:300]}\n")
        elif at:
            add("| page (AppTest) | median s |")
            add("|---|---|")
            for page, v in at.items():
                shown = f"{v['median_s']:.2f}" if isinstance(v, dict) and "median_s" in v else v
                add(f"| {page} | {shown} |")
            add("")
    add("## 4. Whole pages (AppTest, cold caches, median seconds)\n")
    if not r.get("apptest"):
        add("Not measured in this run.\n")
    dbs = list(r.get("apptest") or {})
    if not dbs:
        PAGES_SHOWN = []
    else:
        PAGES_SHOWN = PAGES
    if dbs:
        add("| page | " + " | ".join(dbs) + " |\n|---|" + "---|" * len(dbs))
    for page, _, _ in PAGES_SHOWN:
        cells = []
        for d in dbs:
            v = r["apptest"][d].get(page, {}) if isinstance(r["apptest"][d], dict) else {}
            cells.append(f"{v['median_s']:.2f}" if "median_s" in v else f"error: {v.get('error', r['apptest'][d].get('error', '?'))[:80]}")
        add(f"| {page} | " + " | ".join(cells) + " |")
    add("")
    add("## 5. App memory\n")
    mem = r.get("memory") or {"error": "not measured in this run"}
    if "error" in mem:
        add(f"Not measured: {mem['error']}\n")
    else:
        add(f"`streamlit run app.py` with TILANNEKUVA_DB = the {r['memory_cut']}× database; every page opened in headless "
            f"Chromium one after another. Peak RSS (VmHWM) of the server process: **{mem['vmhwm_mb']:.0f} MB** "
            f"(RSS at the end {mem['vmrss_mb']:.0f} MB).\n")
        add("| page | load s | RSS after, MB | errors |\n|---|---|---|---|")
        for path, p in mem["pages"].items():
            add(f"| {path} | {p['seconds']:.1f} | {p['rss_mb']:.0f} | {'; '.join(p['errors'])[:120] or '–'} |")
    add("")
    # The browser stage (python -m bench.browser) keeps its own section, between its markers, across runs.
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.is_file() else ""
    start = old.find("\n## Browser stage")
    RESULTS.write_text("\n".join(L) + "\n" + (old[start:] if start >= 0 else ""), encoding="utf-8")


def evaluate(r: dict) -> None:
    cuts, big = r["cuts"], r["cuts"][-1]
    goals, unmet = [], []
    ing = r["ingest"].get(big)
    if ing:
        ratio = ing["rows_per_s"] / r["baseline"]["rows_per_s"]
        goals.append((f"ingest vs bulk baseline ({big}×, validation included)", "≥ 1×", f"{ratio:.2f}× "
                      f"({ing['rows_per_s']:,.0f} loaded rows/s vs {r['baseline']['rows_per_s']:,.0f} rows/s; "
                      f"{ing['dump_rows_per_s']:,.0f} dump rows/s)", ratio >= 1))
        if ratio < 1:
            fp = ing["fetch_parse_s"] or 0
            unmet.append(f"Ingest {ratio:.1f}× the baseline: of {ing['seconds']:.0f} s, {fp:.0f} s is start-up, checksum "
                         f"check, fetch, parse and validation (DuckDB, 4 threads) and {ing['seconds'] - fp:.0f} s the "
                         "write phase (copy, insert from the stage, area rollups, derived page data, checkpoint); the "
                         "baseline loads every dump row and does none of the checks or derived steps; see docs/bench.md.")
        goals.append((f"loader peak RSS ({big}×)", "≤ 1 GB", f"{ing['loader_maxrss_mb']:,.0f} MB",
                      ing["loader_maxrss_mb"] <= 1024))
    worst = max(r["pages"][big].items(), key=lambda kv: kv[1]["p95"])
    goals.append((f"page data p95 at {big}×", "≤ 100 ms", f"worst {worst[0]} {worst[1]['p95']:.0f} ms",
                  worst[1]["p95"] <= 100))
    if worst[1]["p95"] > 100:
        slow = [f"{n} {p['p95']:.0f} ms" for n, p in r["pages"][big].items() if p["p95"] > 100]
        p50 = [f"{n} {r['pages'][big][n]['p50']:.0f} ms" for n, p in r["pages"][big].items() if p["p95"] > 100]
        unmet.append(f"p95 over 100 ms at {big}×: {', '.join(slow)} (p50 of the same: {', '.join(p50)}). The pages "
                     "read the page data stored by the last load (readmodel/precomputed.py); what is left per call is "
                     "turning query results into pandas frames and the pages' own pandas work, and the gap between "
                     "p50 and p95 is the shared machine's noise.")
    growth = {n: r["pages"][big][n]["p95"] / max(r["pages"][cuts[0]][n]["p95"], 1e-9) for n in r["pages"][big]}
    gmax = max(growth.items(), key=lambda kv: kv[1])
    goals.append((f"p95 growth {cuts[0]}× → {big}×", "< 2×", f"worst {gmax[0]} {gmax[1]:.2f}×", gmax[1] < 2))
    if gmax[1] >= 2:
        over = [f"{n} {g:.1f}×" for n, g in growth.items() if g >= 2]
        unmet.append(f"p95 grows ≥ 2× from {cuts[0]}× to {big}× for: {', '.join(over)}. The pages and the "
                     "export cover the region's own municipalities, areas, HVA, maakunta and country at every cut; "
                     "the pages read gender 'total' only, but the export returns every gender, and the 0.01× cut "
                     "has one gender against three at 1× (3× the rows to turn into frames).")
    mem = r.get("memory") or {}
    if "vmhwm_mb" in mem:
        goals.append((f"app peak RSS ({r['memory_cut']}×)", "≤ 500 MB", f"{mem['vmhwm_mb']:.0f} MB",
                      mem["vmhwm_mb"] <= 500))
        if mem["vmhwm_mb"] > 500:
            unmet.append(f"Peak RSS {mem['vmhwm_mb']:.0f} MB: Streamlit's own footprint plus cached page frames and "
                         "DuckDB's buffer pool for the attached file.")
    if r["quick"]:
        unmet.append("--quick run: the 1× cut was not measured in this run; the goals above are for the largest cut run.")
    r["goals"], r["unmet"] = goals, unmet


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="only the 0.01× and 0.1× cuts")
    p.add_argument("--regenerate", action="store_true", help="rebuild dump folders even when present")
    p.add_argument("--reps", type=int, default=0, help="page-data repetitions per cut (default 30 / 30 / 20)")
    p.add_argument("--no-browser", action="store_true", help="skip the app memory measurement")
    p.add_argument("--no-apptest", action="store_true", help="skip AppTest page timings")
    p.add_argument("--note", action="append", default=[], help="a line to add to RESULTS.md (e.g. what else ran)")
    p.add_argument("--naive-reps", type=int, default=1,
                   help="repetitions of the naive page work at the largest cut (one takes about a minute per page)")
    p.add_argument("--only", help="re-run only these stages (comma-separated: pages, apptest, memory) on the "
                   "databases and results of the previous run (bench/out/results.json)")
    a = p.parse_args(argv)
    started = time.perf_counter()
    cuts = ["0.01", "0.1"] if a.quick else ["0.01", "0.1", "1"]
    big = cuts[-1]
    only = set(filter(None, (a.only or "").split(",")))
    if only and not (a.only and set(only) <= {"pages", "apptest", "memory", "report", "region"}):
        p.error("--only: pages, apptest, memory, report, region")
    if only:
        r = json.loads((scale.OUT_DIR / "results.json").read_text())
        cuts, big = r["cuts"], r["cuts"][-1]
        now = machine()
        r.setdefault("reruns", []).append(f"{now['date']} (load average {now['loadavg']}): "
                                          f"{', '.join(sorted(only))}")
        r.setdefault("notes", []).extend(a.note)
        if "pages" in only:
            r["pages"] = {}
            for c in cuts:
                r["pages"][c] = page_latency_isolated(Path(r["ingest"][c]["db"]), a.reps or (20 if c == "1" else 30),
                                             a.naive_reps if c == big else 0)
        if "apptest" in only:
            r["apptest"] = _apptest_stage(big, Path(r["ingest"][big]["db"]))
        if "memory" in only:
            r["memory"], r["memory_cut"] = app_memory(Path(r["ingest"][big]["db"])), big
        if "region" in only:
            r["region"] = region_stage()
        r["total_s"] = r.get("total_s", 0)
        evaluate(r)
        (scale.OUT_DIR / "results.json").write_text(json.dumps(r, indent=1, default=str))
        write_results(r)
        log(f"wrote {RESULTS}")
        return 0
    r: dict = {"machine": machine(), "cuts": cuts, "quick": a.quick, "dumps": {}, "ingest": {}, "pages": {},
               "notes": list(a.note)}
    log(f"machine: {r['machine']}")
    for c in cuts:
        r["dumps"][c] = ensure_dump(c, a.regenerate)
    for c in cuts:
        r["ingest"][c] = ingest(c)
        log(f"ingest {c}×: {r['ingest'][c]['rows_per_s']:,.0f} rows/s in {r['ingest'][c]['seconds']:.0f} s")
    r["baseline"] = bulk_ingest(cuts[-1])
    log(f"baseline: {r['baseline']['rows_per_s']:,.0f} rows/s")
    (scale.OUT_DIR / "results.json").write_text(json.dumps(r, indent=1, default=str))
    for c in cuts:
        reps = a.reps or (20 if c == "1" else 30)
        naive = a.naive_reps if c == big else 0
        r["pages"][c] = page_latency_isolated(Path(r["ingest"][c]["db"]), reps, naive)
    (scale.OUT_DIR / "results.json").write_text(json.dumps(r, indent=1, default=str))
    r["region"] = region_stage()
    r["apptest"] = {} if a.no_apptest else _apptest_stage(big, Path(r["ingest"][big]["db"]))
    r["memory_cut"] = big
    r["memory"] = {"error": "skipped (--no-browser)"} if a.no_browser else app_memory(Path(r["ingest"][big]["db"]))
    r["total_s"] = time.perf_counter() - started
    evaluate(r)
    (scale.OUT_DIR / "results.json").write_text(json.dumps(r, indent=1, default=str))
    write_results(r)
    log(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
