"""The accessibility statement (laki digitaalisten palvelujen tarjoamisesta 306/2019, 15 §) from data:
who provides the service and where feedback goes (the region folder's [accessibility]), the last evaluation
(data/accessibility/evaluation.json, written by tests/test_accessibility.py with TILANNEKUVA_RECORD_A11Y=1)
and the known gaps (data/accessibility/known_gaps.csv). The conformance level follows from them: fully
conformant only when the evaluation found nothing and no gap is known.

Texts in the reader's language: the conformance sentence and the checks' names from the strings catalogue
(a check's own name_sv first), the gaps from known_gaps.csv's criterion_<lang>/gap_<lang>/workaround_<lang> columns
(Finnish where a language has none)."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from common.i18n import catalogue, language, localized, t
from store.config import ACCESSIBILITY_DIR, region_config

EVALUATION_FILE = ACCESSIBILITY_DIR / "evaluation.json"
GAPS_FILE = ACCESSIBILITY_DIR / "known_gaps.csv"

# The conformance levels (codes; the Finnish sentences). Shown with t(CONFORMANCE[level]).
FULLY = "Palvelu täyttää saavutettavuusvaatimukset (WCAG 2.1, tasot A ja AA)."
PARTLY = "Palvelu täyttää saavutettavuusvaatimukset osittain (WCAG 2.1, tasot A ja AA)."
NOT_EVALUATED = "Palvelun saavutettavuutta ei ole vielä arvioitu."
CONFORMANCE = {FULLY: "a11y_page.fully", PARTLY: "a11y_page.partly", NOT_EVALUATED: "a11y_page.not_evaluated"}
CHECK_PREFIX = "a11y_page.check."


def read_evaluation(path: Path = EVALUATION_FILE) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def check_name(check: dict) -> str:
    """An evaluation check's name in the reader's language: its own name_<lang>, else the catalogue's text
    for its Finnish name (a11y_page.check.*), else the Finnish name."""
    own = check.get(f"name_{language()}")
    if own:
        return own
    name = check.get("name_fi", "")
    key = next((k for k, entry in catalogue().items() if k.startswith(CHECK_PREFIX) and entry["fi"] == name), None)
    return t(key) if key else name


def conformance(evaluation: dict | None, gaps: pd.DataFrame) -> str:
    if not evaluation:
        return NOT_EVALUATED
    blocking = sum(int(p.get("blocking", 0)) for p in evaluation.get("pages", {}).values())
    failed_checks = [c for c in evaluation.get("checks", []) if not c.get("passed")]
    return FULLY if not blocking and not failed_checks and gaps.empty else PARTLY


def statement(con=None) -> dict:
    """Everything the statement page shows (`con` unused: the facts are files, asked like any page question)."""
    config = region_config()
    evaluation = read_evaluation()
    gaps = pd.read_csv(GAPS_FILE, dtype=str).fillna("") if GAPS_FILE.exists() else pd.DataFrame(
        columns=["criterion_fi", "gap_fi", "workaround_fi"])
    records = gaps.to_dict("records")
    shown = pd.DataFrame({"criterion": [localized(r, "criterion") for r in records],
                          "gap": [localized(r, "gap") for r in records],
                          "workaround": [localized(r, "workaround") for r in records]})
    level = conformance(evaluation, gaps)
    return {
        "provider": config.text("accessibility.provider", language()) or config.text("hva.name", language()),
        "feedback": config.text("accessibility.feedback", language()),
        "supervisor": config.text("accessibility.supervisor", language()),
        "evaluation": evaluation,
        "checks": [{"name": check_name(c), "passed": bool(c.get("passed")), "pages": c.get("pages", "–")}
                   for c in (evaluation or {}).get("checks", [])],
        "gaps": shown,
        "conformance": t(CONFORMANCE[level]),
    }
