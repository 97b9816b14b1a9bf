"""Browser stage (issue 17): every page in headless Chromium, as a person waits for it.

    python -m bench.browser            # demo database: cold, warm, widget change, memory (~12 min on 2 cores)
    python -m bench.browser --quick    # 1 cold / 2 warm / 2 widget reps, a few pages' walk (~5 min), to try it
    python -m bench.browser --pages kunta,vertailu --readers 8   # some pages; the eight-reader run too
    python -m bench.browser --label before   # ... change the pages ..., then --label after: a comparison table

Long because it is one harness: serving (app and baseline pages alike), one wait rule, the widget driver,
the stages (cold, warm + widget, memory walk, readers) and the report section of bench/RESULTS.md.

Every page of ui/page_registry.py and the two baseline pages (bench/baseline_pages/) are served the same way
(tests.browser.app_server's command line: `streamlit run SCRIPT` on a free 127.0.0.1 port) and timed with
ONE wait rule (`wait_rule`): the page's own heading is shown in the main area (an <h1> in stMain starting
with the page's title), the script has finished (the app root's data-test-script-state is "notRunning" and
the running indicator [data-testid="stStatusWidget"] is gone: the indicator alone shows only after a delay,
so a page whose script paused longer than the quiet window read as done), no element is still a loading
placeholder ([data-testid="stSkeleton"]: plotly and dataframe elements are 4.7 MB and ~1 MB of lazily loaded
JavaScript, during which the DOM is quiet), and the DOM has not changed for QUIET_S; the time reported is
that of the last DOM change before the quiet window.

Per page: cold (first visit on a freshly started server, fresh browser), warm (reload), widget change (one
representative selectbox, from the option click until the rule holds), min and median, each as a ratio to
the "plotly chart + dataframe" baseline measured in the same run; what the page draws (plotly figures,
dataframes, DOM nodes, websocket bytes of one warm load); app-server RSS after every page and after one
session has browsed Kunta through every own municipality. The section goes into bench/RESULTS.md between
the browser markers (bench/run.py keeps it); raw numbers into bench/runs/results_<label>.json (kept in git).
"""
from __future__ import annotations

import argparse
import base64
import contextlib
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from tests.browser import CHROMEDRIVER, CHROMIUM, app_server, chromium  # noqa: E402
from ui import page_registry  # noqa: E402
from common.i18n import LANGUAGES, in_language, t  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out" / "browser"
# Each run's figures, kept in git (a few tens of kB): --report rebuilds RESULTS.md from them on any clone.
RUNS_DIR = BENCH_DIR / "runs"
RESULTS = BENCH_DIR / "RESULTS.md"
START, END = "<!-- browser-stage:start -->", "<!-- browser-stage:end -->"

SIDEBAR, MAIN = "sidebar", "main"
# The widget a person changes on each page (where, selectbox label) and any view parameter the page needs for
# it to be shown; pages not named here change the sidebar's municipality.
# the widget each page's widget-change stage changes: (where, its label's string key, extra URL query)
WIDGETS = {
    "palvelukeskustelualue": (SIDEBAR, "sidebar_area", ""),
    "vertailu": (MAIN, "compare.indicator", ""),
    "trendit": (MAIN, "trends.base_year", "esitys=indeksi"),
    "tavoitteet": (MAIN, "plan.goal_select", ""),
    "kompassikysely": (MAIN, "survey.grouping_label", ""),
}
BASELINES = [  # (name, script, heading, widget)
    ("perus: tyhjä sivu + valinta", "bench/baseline_pages/empty.py", "Tyhjä sivu", (MAIN, "Valinta")),
    ("perus: plotly-kaavio + taulukko", "bench/baseline_pages/chart.py", "Kaavio ja taulukko", (MAIN, "Sarja")),
]
REFERENCE = BASELINES[1][0]  # the goals are ratios to this one
QUIET_S, POLL_S = 0.5, 0.1

# Installed in every document before the page's scripts: the time of the last DOM change inside the app's root
# (left out: the status widget's own changes, whose fade-out is CSS, and nodes outside #root such as the
# screen-reader announcer a selectbox adds to <body> a second after a choice) and whether a script run was
# seen since reset.
OBSERVER_JS = r"""
(() => {
  const W = '[data-testid="stStatusWidget"]';
  const el = n => n && (n.nodeType === 1 ? n : n.parentElement);
  const inW = n => { const e = el(n); return !!(e && e.closest && e.closest(W)); };
  const inApp = n => { const e = el(n); return !!(e && e.closest && e.closest('#root')); };
  window.__bw = {last: 0, seen: false};
  new MutationObserver(recs => {
    let real = false;
    for (const r of recs) {
      let widget = false;
      for (const n of [...r.addedNodes, ...r.removedNodes]) if (n.nodeType === 1 && n.matches && n.matches(W)) widget = true;
      if (widget) { window.__bw.seen = true; continue; }
      if (r.attributeName === 'data-test-script-state' && r.target.getAttribute(r.attributeName) === 'running') window.__bw.seen = true;
      if (!inW(r.target) && inApp(r.target)) real = true;
    }
    if (real) window.__bw.last = performance.now();
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();
"""
WAIT_JS = r"""
const h = document.querySelector('[data-testid="stMain"] h1');
const b = window.__bw || {last: 0, seen: false};
const app = document.querySelector('[data-testid="stApp"]');
const running = !app || app.getAttribute('data-test-script-state') !== 'notRunning'
                || !!document.querySelector('[data-testid="stStatusWidget"]')
                || !!document.querySelector('#root [data-testid="stSkeleton"]');
return [h ? h.textContent.trim() : null, running,
        performance.now(), b.last, b.seen, !!document.querySelector('[data-testid="stException"]')];
"""
DRAWN_JS = r"""
const m = document.querySelector('[data-testid="stMain"]');
return {plotly: m.querySelectorAll('[data-testid="stPlotlyChart"]').length,
        dataframes: m.querySelectorAll('[data-testid="stDataFrame"]').length,
        elements: m.querySelectorAll('[data-testid="stElementContainer"]').length,
        dom_nodes: document.getElementsByTagName('*').length};
"""


def log(text: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {text}", file=sys.stderr, flush=True)


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def status_mb(pid: int, key: str) -> float:
    return int(re.search(rf"{key}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text()).group(1)) / 1024


def _summary(values: list[float]) -> dict:
    return {"n": len(values), "min": min(values) if values else None,
            "median": statistics.median(values) if values else None, "all": [round(v, 3) for v in values]}


def targets(wanted: set[str] | None, lang: str = "fi") -> list[dict]:
    """The baselines and every page of the registry (or those named), with URL, heading and widget, in the
    reader's language `lang` (?lang=sv: the Swedish page computes its texts live, readmodel/precomputed.py)."""
    out = [{"name": n, "script": s, "path": "", "heading": h, "widget": w} for n, s, h, w in BASELINES]
    with in_language(lang):
        for p in page_registry.PAGES:
            if wanted and p.url_path not in wanted:
                continue
            where, label_key, extra = WIDGETS.get(p.url_path, (SIDEBAR, "sidebar_municipality", ""))
            query = "&".join(q for q in ("" if lang == "fi" else f"lang={lang}", p.example_query, extra) if q)
            out.append({"name": t(p.title_key), "script": None, "url_path": p.url_path,
                        "path": ("" if p.default else p.url_path) + (f"?{query}" if query else ""),
                        "heading": t(p.title_key), "widget": (where, t(label_key))})
    return out


# ---------------------------------------------------------------- serving and the wait rule


@contextlib.contextmanager
def serve(script: str | None, db: Path):
    """The app, or a baseline script, by tests.browser.app_server's command line; yields (url, process)."""
    with app_server(db, start_timeout=120, script=PROJECT_ROOT / script if script else None) as served:
        yield served


@contextlib.contextmanager
def browser():
    """Debian's headless Chromium (tests.browser.chromium), the DOM observer in every document, websocket
    frames in the performance log (what the server sent)."""
    with chromium(performance_log=True) as driver:
        driver.set_page_load_timeout(120)
        driver.set_script_timeout(30)
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": OBSERVER_JS})
        yield driver


class WaitFailed(Exception):
    pass


def wait_rule(driver, heading: str, started: float, timeout: float, need_run: bool = False) -> float:
    """Seconds from `started` until the heading is shown, the status widget gone and the DOM quiet for QUIET_S
    (the time of the last DOM change). `need_run`: a script run must have been seen (a widget change)."""
    while True:
        now = time.perf_counter()
        try:
            head, running, js_now, js_last, seen, exc = driver.execute_script(WAIT_JS)
        except Exception:  # noqa: BLE001 — a navigation in progress
            head, running, js_now, js_last, seen, exc = None, True, 0, 0, False, False
        ok_head = head is not None and head.startswith(heading)
        quiet = (js_now - js_last) / 1000
        if ok_head and not running and (seen or not need_run or now - started > 5) and quiet >= QUIET_S:
            return max(now - quiet - started, 0.0)
        if exc and not running and quiet >= 1.0:
            raise WaitFailed(f"exception box on the page (heading {head!r})")
        if head is not None and not ok_head and not running and quiet >= 3.0 and now - started > 5:
            raise WaitFailed(f"wrong page: heading {head!r}, expected {heading!r}")
        if now - started > timeout:
            raise WaitFailed(f"timed out after {timeout:.0f} s (heading {head!r}, running {running})")
        time.sleep(POLL_S)


def load(driver, url: str, heading: str, timeout: float, reload: bool = False) -> float:
    started = time.perf_counter()
    driver.refresh() if reload else driver.get(url)
    return wait_rule(driver, heading, started, timeout)


def ws_bytes(driver) -> int:
    """Bytes of websocket frames received since the last call (the performance log drains on reading)."""
    total = 0
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.webSocketFrameReceived":
            resp = msg["params"]["response"]
            data = resp.get("payloadData", "")
            total += len(base64.b64decode(data)) if resp.get("opcode") == 2 else len(data.encode())
    return total


# ---------------------------------------------------------------- selectboxes (Streamlit 1.67: react-aria ComboBox)


def _combobox(driver, where: str, label: str):
    from selenium.webdriver.common.by import By

    root = '[data-testid="stSidebar"]' if where == SIDEBAR else '[data-testid="stMain"]'
    for box in driver.find_elements(By.CSS_SELECTOR, f'{root} [data-testid="stSelectbox"] input[role="combobox"]'):
        if box.get_attribute("aria-label") == label:
            return box
    raise WaitFailed(f"no selectbox {label!r} in {where}")


def _options(driver, timeout: float = 10) -> list:
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        opts = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stSelectboxVirtualDropdown"] [role="option"]')
        if opts:
            return opts
        time.sleep(0.05)
    raise WaitFailed("the selectbox's options did not open")


def change_widget(driver, where: str, label: str, heading: str, avoid: set[str], timeout: float,
                  option: str | None = None) -> tuple[float, str]:
    """Click a selectbox option (`option`, typed to filter; or the first shown that is neither the current value
    nor in `avoid`); seconds from the click until the wait rule holds, and the option's text."""
    from selenium.webdriver.common.keys import Keys

    box = _combobox(driver, where, label)
    current = box.get_attribute("value")
    box.click()
    if option is not None:
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(option)
        deadline = time.monotonic() + 10
        target = None
        while target is None and time.monotonic() < deadline:
            with contextlib.suppress(Exception):
                target = next((o for o in _options(driver) if o.text.strip() == option), None)
            time.sleep(0.05)
        if target is None:
            raise WaitFailed(f"option {option!r} not found")
    else:
        opts = _options(driver)
        texts = [o.text.strip() for o in opts]
        pick = next((i for i, s in enumerate(texts) if s and s != current and s not in avoid), None)
        pick = pick if pick is not None else next(i for i, s in enumerate(texts) if s != current)
        target = opts[pick]
    chosen = target.text.strip()
    driver.execute_script("window.__bw && (window.__bw.seen = false);")
    started = time.perf_counter()
    target.click()
    return wait_rule(driver, heading, started, timeout, need_run=True), chosen


# ---------------------------------------------------------------- stages


def cold_stage(db: Path, tgts: list[dict], reps: int, timeout: float) -> dict:
    """Per target and rep: a freshly started server and a fresh browser, the first visit timed."""
    res = {x["name"]: {"values": [], "errors": []} for x in tgts}
    for rep in range(reps):
        for x in tgts:
            try:
                with serve(x["script"], db) as (url, _proc), browser() as driver:
                    secs = load(driver, f"{url}/{x['path']}", x["heading"], timeout)
                res[x["name"]]["values"].append(secs)
                log(f"cold {rep + 1}/{reps} {x['name']}: {secs:.2f} s (load {loadavg()})")
            except Exception as e:  # noqa: BLE001 — recorded, the run goes on
                res[x["name"]]["errors"].append(str(e)[:200])
                log(f"cold {rep + 1}/{reps} {x['name']}: FAILED {str(e)[:200]}")
    return {name: {**_summary(r["values"]), "errors": r["errors"]} for name, r in res.items()}


def warm_widget(driver, url: str, x: dict, warm_reps: int, widget_reps: int, timeout: float) -> dict:
    out = {"warm": [], "widget": [], "errors": [], "chosen": [], "drawn": {}}
    try:
        load(driver, url, x["heading"], timeout)  # this server's first visit of the page: not timed
        for _ in range(warm_reps):
            ws_bytes(driver)
            out["warm"].append(load(driver, url, x["heading"], timeout, reload=True))
            out["drawn"] = {**driver.execute_script(DRAWN_JS), "ws_kb": round(ws_bytes(driver) / 1024)}
        avoid: set[str] = set()
        for _ in range(widget_reps):
            secs, chosen = change_widget(driver, *x["widget"], x["heading"], avoid, timeout)
            avoid.add(chosen)
            out["widget"].append(secs)
            out["chosen"].append(chosen)
    except Exception as e:  # noqa: BLE001
        out["errors"].append(str(e)[:200])
    log(f"warm {x['name']}: {[round(v, 2) for v in out['warm']]}  widget {[round(v, 2) for v in out['widget']]} "
        f"{out['drawn']} {out['errors'] or ''} (load {loadavg()})")
    return {"warm": _summary(out["warm"]), "widget": _summary(out["widget"]), "errors": out["errors"],
            "chosen": out["chosen"], "drawn": out["drawn"]}


def own_municipalities(db: Path, lang: str = "fi") -> list[str]:
    """The region's municipalities as the sidebar names them in `lang`."""
    import duckdb

    name = "name_fi" if lang == "fi" else f"coalesce(nullif(name_{lang}, ''), name_fi)"
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute(f"SELECT {name} FROM own_municipality ORDER BY name_fi").fetchall()]
    finally:
        con.close()


def readers(url: str, x: dict, n: int, changes: int, timeout: float) -> dict:
    """`n` concurrent browser sessions on one page, each changing its widget `changes` times (bounded)."""
    lat: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    with contextlib.ExitStack() as stack:
        drivers = [stack.enter_context(browser()) for _ in range(n)]
        for d in drivers:
            load(d, url, x["heading"], timeout)
        barrier = threading.Barrier(n)

        def work(d):
            avoid: set[str] = set()
            try:
                barrier.wait(60)
                for _ in range(changes):
                    secs, chosen = change_widget(d, *x["widget"], x["heading"], avoid, timeout)
                    avoid = set() if len(avoid) > 8 else avoid | {chosen}
                    with lock:
                        lat.append(secs)
            except Exception as e:  # noqa: BLE001
                with lock:
                    errors.append(str(e)[:200])

        threads = [threading.Thread(target=work, args=(d,), daemon=True) for d in drivers]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout * changes + 60)
    s = sorted(lat)
    p95 = s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))] if s else None
    return {"readers": n, "n": len(lat), "median": statistics.median(s) if s else None, "p95": p95,
            "errors": errors, "load": loadavg()}


def app_stage(db: Path, tgts: list[dict], a) -> dict:
    """Baselines on their own servers; every app page in one session on one app server (its memory after every
    page), then one session browsing Kunta through the own municipalities, then the readers."""
    out: dict = {"pages": {}}
    for x in (x for x in tgts if x["script"]):
        with serve(x["script"], db) as (url, _proc):
            with browser() as driver:
                out["pages"][x["name"]] = warm_widget(driver, f"{url}/{x['path']}", x, a.warm, a.widget, a.timeout)
            if a.readers and x["name"] == REFERENCE:
                # The same readers on the baseline page: how much of the app's figure the machine alone makes
                # (n Chromium processes and one server on the same cores), measured in the same run.
                out["baseline_readers_1"] = readers(f"{url}/{x['path']}", x, 1, a.reader_changes, a.timeout)
                out["baseline_readers_n"] = readers(f"{url}/{x['path']}", x, a.readers, a.reader_changes,
                                                    a.timeout * 3)
                log(f"baseline readers: {out['baseline_readers_1']} / {out['baseline_readers_n']}")
    pages = [x for x in tgts if not x["script"]]
    if not pages:
        return out
    with serve(None, db) as (url, proc):
        out["rss_start_mb"] = status_mb(proc.pid, "VmRSS")
        with browser() as driver:
            for x in pages:
                out["pages"][x["name"]] = warm_widget(driver, f"{url}/{x['path']}", x, a.warm, a.widget, a.timeout)
        out["after_every_page"] = {"vmrss_mb": status_mb(proc.pid, "VmRSS"), "vmhwm_mb": status_mb(proc.pid, "VmHWM")}
        log(f"memory after every page: {out['after_every_page']}")
        kunta = next((x for x in pages if x["url_path"] == "kunta"), None)
        if kunta and a.walk:
            names = own_municipalities(db, a.lang)[: a.walk]
            walk, errors = [], []
            with browser() as driver:
                load(driver, f"{url}/{kunta['path']}", kunta["heading"], a.timeout)
                rss0 = status_mb(proc.pid, "VmRSS")
                first = driver.find_element("css selector", '[data-testid="stMain"] h1').text
                for muni in names:
                    if first.endswith(f": {muni}"):
                        continue  # already shown: no change to time
                    try:
                        secs, _ = change_widget(driver, SIDEBAR, kunta["widget"][1],
                                                f"{kunta['heading']}: {muni}", set(), a.timeout, option=muni)
                        walk.append(secs)
                    except Exception as e:  # noqa: BLE001
                        errors.append(f"{muni}: {str(e)[:120]}")
            out["kunta_walk"] = {"municipalities": len(names), "changes": len(walk), "rss_before_mb": rss0,
                                 "vmrss_mb": status_mb(proc.pid, "VmRSS"), "vmhwm_mb": status_mb(proc.pid, "VmHWM"),
                                 "change_s": _summary(walk), "errors": errors}
            log(f"memory after the Kunta walk: {out['kunta_walk']}")
        if a.readers:
            x = pages[0]
            out["readers_page"] = x["name"]
            out["readers_1"] = readers(f"{url}/{x['path']}", x, 1, a.reader_changes, a.timeout)
            out["readers_n"] = readers(f"{url}/{x['path']}", x, a.readers, a.reader_changes, a.timeout * 3)
            log(f"readers: {out['readers_1']} / {out['readers_n']}")
        out["final"] = {"vmrss_mb": status_mb(proc.pid, "VmRSS"), "vmhwm_mb": status_mb(proc.pid, "VmHWM")}
    return out


# ---------------------------------------------------------------- report


def _f(v, fmt=".2f") -> str:
    return "–" if v is None or v != v else format(v, fmt).replace(".", ",")


def _ratio(a, b):
    return a / b if a is not None and b else None


def section(r: dict) -> str:
    """The run as Markdown: one table of seconds and ratios to the reference baseline, memory, readers."""
    L = [f"### Run `{r['label']}` — {r['started']} UTC, {r['wall_min']:.1f} min\n",
         f"{r['machine']}. Database {r['db']}, pages in {'Swedish (?lang=sv)' if r.get('lang') == 'sv' else 'Finnish'}. Load average (1/5/15 min): start {r['load_start']}, "
         f"after the cold stage {r['load_after_cold']}, end {r['load_end']}. Repetitions: cold {r['reps']['cold']} "
         f"(a fresh server and browser each), warm {r['reps']['warm']}, widget {r['reps']['widget']}."
         + (f" Note: {r['note']}" if r.get("note") else "") + "\n",
         "Seconds, min / median; ratio = median ÷ the plotly chart + dataframe baseline's median of this run "
         "(goals: warm ≤ 1,5, widget ≤ 1,5, cold ≤ 2). Drawn: plotly figures / dataframes / elements in the main "
         "area, kB the server sent over the websocket for one warm load.\n",
         "| page | warm | × | widget change (widget) | × | cold | × | drawn | errors |",
         "|---|---|---|---|---|---|---|---|---|"]
    ref_c = r["cold"].get(REFERENCE, {}).get("median")
    ref = r["app"]["pages"].get(REFERENCE, {})
    ref_w, ref_g = ref.get("warm", {}).get("median"), ref.get("widget", {}).get("median")
    for x in r["targets"]:
        c, p = r["cold"].get(x["name"], {}), r["app"]["pages"].get(x["name"], {})
        w, g, d = p.get("warm", {}), p.get("widget", {}), p.get("drawn", {})
        errs = "; ".join((c.get("errors") or []) + (p.get("errors") or []))[:120].replace("|", "/").replace("\n", " ")
        drawn = f"{d['plotly']} / {d['dataframes']} / {d['elements']}, {d['ws_kb']} kB" if d else "–"
        L.append(f"| {x['name']} | {_f(w.get('min'))} / {_f(w.get('median'))} | {_f(_ratio(w.get('median'), ref_w))} "
                 f"| {_f(g.get('min'))} / {_f(g.get('median'))} ({x['widget'][1]}) | "
                 f"{_f(_ratio(g.get('median'), ref_g))} | {_f(c.get('min'))} / {_f(c.get('median'))} | "
                 f"{_f(_ratio(c.get('median'), ref_c))} | {drawn} | {errs} |")
    app = r["app"]
    if "after_every_page" in app:
        L.append(f"\nApp server memory (/proc/PID/status): at start {_f(app['rss_start_mb'], '.0f')} MB RSS; after "
                 f"every page {_f(app['after_every_page']['vmrss_mb'], '.0f')} MB RSS (peak "
                 f"{_f(app['after_every_page']['vmhwm_mb'], '.0f')} MB).")
    if "kunta_walk" in app:
        k = app["kunta_walk"]
        per = (k["vmrss_mb"] - k["rss_before_mb"]) / max(k["changes"], 1)
        L.append(f"One session browsing Kunta through {k['changes']} municipalities: RSS {k['rss_before_mb']:.0f} → "
                 f"{k['vmrss_mb']:.0f} MB ({_f(per, '+.1f')} MB per municipality), peak {k['vmhwm_mb']:.0f} MB; "
                 f"change min / median {_f(k['change_s']['min'])} / {_f(k['change_s']['median'])} s"
                 + (f"; errors: {'; '.join(k['errors'])[:200]}" if k["errors"] else "") + ".")
    if "readers_n" in app:
        one, many = app["readers_1"], app["readers_n"]
        L.append(f"Readers on {app['readers_page']}: 1 reader p95 {_f(one['p95'])} s (median {_f(one['median'])}); "
                 f"{many['readers']} readers p95 {_f(many['p95'])} s (median {_f(many['median'])}) = "
                 f"{_f(_ratio(many['p95'], one['p95']))}× (goal ≤ 3×); load after {many['load']}"
                 + (f"; errors: {'; '.join(many['errors'])[:200]}" if many["errors"] else "") + ".")
    if "baseline_readers_n" in app:
        one, many = app["baseline_readers_1"], app["baseline_readers_n"]
        L.append(f"The same readers on the baseline page ({REFERENCE}, no app code): 1 reader p95 {_f(one['p95'])} s; "
                 f"{many['readers']} readers p95 {_f(many['p95'])} s = {_f(_ratio(many['p95'], one['p95']))}×"
                 + (f"; errors: {'; '.join(many['errors'])[:200]}" if many["errors"] else "") + ".")
    return "\n".join(L) + "\n"


def _medians(r: dict, name: str, stat: str = "median") -> tuple:
    c, p = r["cold"].get(name, {}), r["app"]["pages"].get(name, {})
    return (p.get("warm", {}).get(stat), p.get("widget", {}).get(stat), c.get(stat), p.get("drawn", {}))


def comparison(before: dict, after: dict) -> str:
    """Before → after per page: medians in seconds, and each as a ratio to the reference baseline of its
    own run (runs made at different times are compared only through those ratios)."""
    L = [f"### Before → after (runs `{before['label']}` and `{after['label']}`)\n",
         "Median seconds, and in parentheses its ratio to the plotly chart + dataframe baseline's median in the "
         "same run, then the same ratio of the minima (less swayed by a load spike during one repetition). Goals: "
         "warm ≤ 1,5×, widget change ≤ 1,5×, cold ≤ 2×. Drawn: plotly figures / dataframes in the main area.\n",
         "| page | warm before → after | widget change before → after | cold before → after | drawn before → after |",
         "|---|---|---|---|---|"]
    refs = [_medians(r, REFERENCE) for r in (before, after)]
    mins = [_medians(r, REFERENCE, "min") for r in (before, after)]
    for x in after["targets"]:
        b, a = _medians(before, x["name"]), _medians(after, x["name"])
        bm, am = _medians(before, x["name"], "min"), _medians(after, x["name"], "min")
        cells = []
        for i in range(3):
            cells.append(" → ".join(f"{_f(m[i])} ({_f(_ratio(m[i], ref[i]))}×; min {_f(_ratio(n[i], lo[i]))}×)"
                                    for m, ref, n, lo in ((b, refs[0], bm, mins[0]), (a, refs[1], am, mins[1]))))
        drawn = " → ".join(f"{d['plotly']} / {d['dataframes']}" if d else "–" for d in (b[3], a[3]))
        L.append(f"| {x['name']} | {' | '.join(cells)} | {drawn} |")
    return "\n".join(L) + "\n"


def write_results(label: str) -> None:
    """Put this run's section into bench/RESULTS.md between the browser markers (replacing a run of the same
    label, keeping the others and the text around them)."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.is_file() else ""
    if START not in text:
        text = text.rstrip("\n") + f"\n\n## Browser stage (issue 17): `python -m bench.browser`\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    saved = [json.loads(f.read_text()) for f in RUNS_DIR.glob("results_*.json")]
    runs = {r["label"]: r for r in sorted(saved, key=lambda r: r["started"])}
    # a run labelled "after<suffix>" is compared with the run "before<suffix>" (made side by side with it)
    pairs = [(f"before{name[5:]}", name) for name in runs if name.startswith("after") and f"before{name[5:]}" in runs]
    body = "".join(comparison(runs[b], runs[a]) + "\n" for b, a in pairs)
    body += "\n".join(section(r) for r in runs.values())
    RESULTS.write_text(f"{head}{START}\n{body}{END}{tail}", encoding="utf-8")


def machine() -> str:
    import plotly
    import streamlit

    cpu = next((x.split(":", 1)[1].strip() for x in Path("/proc/cpuinfo").read_text().splitlines()
                if x.startswith("model name")), "?")
    ver = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    return f"{cpu}, {os.cpu_count()} cores; {ver}; Streamlit {streamlit.__version__}, plotly {plotly.__version__}"


def demo_db() -> Path:
    path = OUT_DIR / "demo.duckdb"
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    if not path.is_file():
        log(f"building the demo database {path}")
        subprocess.run([sys.executable, "-m", "data_sources", "demo", "--db", str(path)], cwd=PROJECT_ROOT,
                       check=True, timeout=600, stdout=subprocess.DEVNULL)
    return ensured(path)


def ensured(path: Path) -> Path:
    """The database at the code's schema with its stored page data current (what a deployment's refresh
    leaves), so no page pays a migration or a live computation the stored data would answer."""
    subprocess.run([sys.executable, "-m", "data_sources", "ensure", "--db", str(path)], cwd=PROJECT_ROOT,
                   check=True, timeout=1800, stdout=subprocess.DEVNULL)
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="cold 1, warm 2, widget 2, Kunta walk over 5 municipalities")
    p.add_argument("--cold", type=int, default=2, help="cold repetitions per page (a fresh server each)")
    p.add_argument("--warm", type=int, default=3)
    p.add_argument("--widget", type=int, default=3)
    p.add_argument("--walk", type=int, default=99, help="municipalities in the Kunta walk (0: none)")
    p.add_argument("--readers", type=int, default=0, help="concurrent readers on the default page (issue: 8)")
    p.add_argument("--reader-changes", type=int, default=5)
    p.add_argument("--timeout", type=float, default=120, help="seconds one page or change may take")
    p.add_argument("--pages", help="comma-separated URL paths (default: every page; baselines always run)")
    p.add_argument("--no-cold", action="store_true", help="skip the cold stage")
    p.add_argument("--label", default="", help="name of this run in RESULTS.md (default: its start time)")
    p.add_argument("--note", default="", help="a sentence about this run for RESULTS.md")
    p.add_argument("--report", action="store_true", help="only rewrite RESULTS.md from the saved runs' JSON")
    p.add_argument("--lang", default="fi", choices=LANGUAGES, help="the readers' language (sv: ?lang=sv on every page)")
    p.add_argument("--db", type=Path, help="serve this database instead of the demo database, e.g. the 1× national "
                   "scale one that `python -m bench.run` builds (bench/out/db/scale_1.duckdb)")
    a = p.parse_args(argv)
    if a.report:
        write_results("")
        return 0
    if a.quick:
        a.cold, a.warm, a.widget, a.walk = 1, 2, 2, min(a.walk, 5)
    if not (CHROMIUM and CHROMEDRIVER):
        raise SystemExit("Debian chromium + chromium-driver missing (apt-get install -y chromium chromium-driver)")
    started = dt.datetime.now(dt.timezone.utc)
    label = a.label or f"{started:%Y-%m-%dT%H%M}"
    tgts = targets(set(a.pages.split(",")) if a.pages else None, a.lang)
    t0 = time.perf_counter()
    r = {"label": label, "note": a.note, "lang": a.lang, "started": f"{started:%Y-%m-%d %H:%M}", "load_start": loadavg(),
         "machine": machine(), "reps": {"cold": 0 if a.no_cold else a.cold, "warm": a.warm, "widget": a.widget},
         "targets": [{k: v for k, v in x.items()} for x in tgts]}
    if a.db and not a.db.is_file():
        raise SystemExit(f"{a.db}: no such database (python -m bench.run builds the scale databases)")
    db = ensured(a.db.resolve()) if a.db else demo_db()
    r["db"] = str(db.relative_to(PROJECT_ROOT)) if db.is_relative_to(PROJECT_ROOT) else str(db)
    log(f"run {label}: {len(tgts)} targets (load {loadavg()})")
    r["cold"] = {} if a.no_cold else cold_stage(db, tgts, a.cold, a.timeout)
    r["load_after_cold"] = loadavg()
    r["app"] = app_stage(db, tgts, a)
    r["load_end"] = loadavg()
    r["wall_min"] = (time.perf_counter() - t0) / 60
    RUNS_DIR.mkdir(parents=True, exist_ok=True)
    (RUNS_DIR / f"results_{label}.json").write_text(json.dumps(r, indent=1, default=str))
    write_results(label)
    print(section(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
