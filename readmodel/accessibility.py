"""The accessibility statement (laki digitaalisten palvelujen tarjoamisesta 306/2019, 15 §) from data:
who provides the service and where feedback goes (the region folder's [accessibility]), the last evaluation
(data/accessibility/evaluation.json, written by tests/test_accessibility.py with TILANNEKUVA_RECORD_A11Y=1)
and the known gaps (data/accessibility/known_gaps.csv). The conformance level follows from them: fully
conformant only when the evaluation found nothing and no gap is known."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from common.i18n import language
from store.config import ACCESSIBILITY_DIR, region_config

EVALUATION_FILE = ACCESSIBILITY_DIR / "evaluation.json"
GAPS_FILE = ACCESSIBILITY_DIR / "known_gaps.csv"

FULLY = "Palvelu täyttää saavutettavuusvaatimukset (WCAG 2.1, tasot A ja AA)."
PARTLY = "Palvelu täyttää saavutettavuusvaatimukset osittain (WCAG 2.1, tasot A ja AA)."
NOT_EVALUATED = "Palvelun saavutettavuutta ei ole vielä arvioitu."


def read_evaluation(path: Path = EVALUATION_FILE) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


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
        columns=["criterion", "gap_fi", "workaround_fi"])
    return {
        "provider": config.text("accessibility.provider", language()) or config.text("hva.name", language()),
        "feedback": config.text("accessibility.feedback", language()),
        "supervisor": config.text("accessibility.supervisor", language()),
        "evaluation": evaluation,
        "gaps": gaps,
        "conformance": conformance(evaluation, gaps),
    }
