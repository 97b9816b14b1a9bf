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
