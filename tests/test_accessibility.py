"""WCAG 2.1 AA, measured: axe-core in headless Chromium on every page; no serious or critical violations.

Needs Debian chromium + chromium-driver and the npm package (pinned in tests/a11y/package-lock.json):

    npm ci --prefix tests/a11y

Skips cleanly when either is missing. The figures per page are written to tests/artifacts/axe.json.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, PAGES, chromium, exception_boxes, require_browser, running_app, wait_for_heading

AXE = Path(__file__).resolve().parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"

BLOCKING = {"serious", "critical"}
# WCAG 2.0/2.1 A and AA rules only (axe's best-practice rules are reported by axe but not required).
RUN_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}


def require_axe() -> None:
    if not AXE.exists():
        pytest.skip(f"axe-core puuttuu ({AXE}); asenna: npm ci --prefix tests/a11y")


def run_axe(driver) -> list[dict]:
    """Inject axe.min.js into the current page and return its violations (rule, impact, nodes)."""
    driver.set_script_timeout(120)
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, arguments[0]).then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,"
        " help: v.help, nodes: v.nodes.length, targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),"
        " summary: (v.nodes[0] || {}).failureSummary || ''})))).catch(e => done([{id: 'axe-error', impact: 'critical',"
        " help: String(e), nodes: 0, targets: [], summary: ''}]));",
        RUN_OPTIONS,
    )
    return result


def audit_pages(url: str, driver, pages=PAGES) -> dict[str, list[dict]]:
    report = {}
    for path, expected in pages:
        driver.get(f"{url}/{path}")
        wait_for_heading(driver, expected)
        assert exception_boxes(driver) == [], f"{path}: {exception_boxes(driver)}"
        report[path or "tilannekuva"] = run_axe(driver)
    return report


def by_impact(violations: list[dict]) -> dict[str, int]:
    return dict(Counter(v["impact"] or "unknown" for v in violations))


@pytest.mark.browser
def test_no_serious_or_critical_axe_violations(demo_db):
    require_browser()
    require_axe()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running_app(demo_db) as url, chromium() as driver:
        report = audit_pages(url, driver)
    (ARTIFACTS / "axe.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    blocking = {page: [f"{v['impact']}: {v['id']} ({v['nodes']}) {v['targets'][:2]}" for v in violations
                       if v["impact"] in BLOCKING]
                for page, violations in report.items()}
    blocking = {page: items for page, items in blocking.items() if items}
    assert not blocking, json.dumps(blocking, ensure_ascii=False, indent=1)


# ---------------------------------------------------------------- reflow, zoom and keyboard (WCAG 1.4.10, 1.4.4, 2.1.1)

# The page's own scroll containers: the document, Streamlit's app view and main area. Tables and charts
# may scroll inside themselves (1.4.10 allows it for data tables); the page itself must not.
PAGE_OVERFLOW = """
const boxes = [document.scrollingElement || document.documentElement,
               document.querySelector('[data-testid="stAppViewContainer"]'),
               document.querySelector('[data-testid="stMain"]')].filter(Boolean);
return boxes.filter(e => e.scrollWidth > e.clientWidth + 2)
            .map(e => (e.getAttribute('data-testid') || 'document') + ': ' + e.scrollWidth + ' > ' + e.clientWidth);
"""
VIEWPORTS = {  # name -> CDP device metrics; 200 % zoom of a 1 280 px window = a 640 CSS px viewport at scale 2
    "390 px": {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True},
    "200 %": {"width": 640, "height": 900, "deviceScaleFactor": 2, "mobile": False},
}
# Walk the page with Tab: what gets focus, and whether the focus is visible (outline or a focus ring shadow).
FOCUS_STATE = """
const el = document.activeElement;
if (!el || el === document.body) return null;
const style = getComputedStyle(el);
const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none'
             || !!el.closest('[data-baseweb]') && getComputedStyle(el.closest('[data-baseweb]')).boxShadow !== 'none';
return {tag: el.tagName, label: (el.getAttribute('aria-label') || el.innerText || '').slice(0, 40),
        main: !!el.closest('[data-testid="stMain"]'), ring: ring};
"""


def reflow_and_keyboard(url: str, driver, pages=PAGES, presses: int = 20) -> tuple[dict, dict]:
    """Every page at each viewport: the page's sideways overflow, and — at 200 % zoom, on the same load — a Tab
    walk: '' when Tab reaches the main area's controls with a visible focus, else what went wrong."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    overflow: dict[str, dict[str, list[str]]] = {}
    keyboard: dict[str, str] = {}
    for name, metrics in VIEWPORTS.items():
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        for path, expected in pages:
            page = path or "tilannekuva"
            driver.get(f"{url}/{path}")
            wait_for_heading(driver, expected)
            found = driver.execute_script(PAGE_OVERFLOW)
            if found:
                overflow.setdefault(name, {})[page] = found
                driver.save_screenshot(str(ARTIFACTS / f"overflow-{name.replace(' ', '')}-{page.split('?')[0]}.png"))
            if name != "200 %":
                continue
            states = []
            for _ in range(presses):
                ActionChains(driver).send_keys(Keys.TAB).perform()
                state = driver.execute_script(FOCUS_STATE)
                if state:
                    states.append(state)
            unseen = [s["label"] or s["tag"] for s in states if not s["ring"]]
            if not any(s["main"] for s in states):
                keyboard[page] = "Tab ei saavuta pääalueen säätimiä"
            elif unseen:
                keyboard[page] = f"kohdistus ei näy: {unseen[:3]}"
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return overflow, keyboard


@pytest.mark.browser
def test_reflow_zoom_and_keyboard_on_every_page(demo_db):
    """At 390 px and at 200 % zoom no page scrolls sideways, and Tab reaches every page's own controls
    with a visible focus. TILANNEKUVA_RECORD_A11Y=1 also runs axe and writes the evaluation the
    accessibility statement shows (data/accessibility/evaluation.json)."""
    import datetime as dt
    import os

    require_browser()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running_app(demo_db) as url, chromium() as driver:
        overflow, keyboard = reflow_and_keyboard(url, driver)
        record = os.environ.get("TILANNEKUVA_RECORD_A11Y") == "1"
        axe_report = audit_pages(url, driver) if record and AXE.exists() else None
    if record and axe_report is not None:
        from readmodel.accessibility import EVALUATION_FILE

        version = json.loads((AXE.parent / "package.json").read_text(encoding="utf-8"))["version"]
        pages = {page: {"blocking": sum(v["impact"] in BLOCKING for v in violations),
                        "other": sum(v["impact"] not in BLOCKING for v in violations)}
                 for page, violations in axe_report.items()}
        checks = [{"name_fi": "Näkymä 390 px leveällä näytöllä ilman sivun vaakavieritystä", "passed": "390 px" not in overflow,
                   "pages": len(PAGES)},
                  {"name_fi": "Näkymä 200 %:n suurennuksella ilman sivun vaakavieritystä", "passed": "200 %" not in overflow,
                   "pages": len(PAGES)},
                  {"name_fi": "Käyttö näppäimistöllä (Tab saavuttaa sivun säätimet, kohdistus näkyy)",
                   "passed": not keyboard, "pages": len(PAGES)}]
        EVALUATION_FILE.write_text(json.dumps({
            "evaluated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "tool": f"axe-core {version}, Chromium (headless)", "pages": pages, "checks": checks,
        }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert not overflow, json.dumps(overflow, ensure_ascii=False, indent=1)
    assert not keyboard, json.dumps(keyboard, ensure_ascii=False, indent=1)
