"""The accessibility statement's facts come from data: the evaluation record, the known gaps, the region folder."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from readmodel import accessibility
from readmodel.accessibility import FULLY, NOT_EVALUATED, PARTLY, conformance

NO_GAPS = pd.DataFrame(columns=["criterion_fi", "gap_fi", "workaround_fi"])
CLEAN = {"pages": {"tilannekuva": {"blocking": 0, "other": 2}}, "checks": [{"name_fi": "x", "passed": True}]}


def test_conformance_follows_the_evaluation_and_the_gaps():
    assert conformance(None, NO_GAPS) == NOT_EVALUATED
    assert conformance(CLEAN, NO_GAPS) == FULLY
    assert conformance(CLEAN, pd.DataFrame([{"criterion_fi": "1.1.1", "gap_fi": "g", "workaround_fi": "w"}])) == PARTLY
    assert conformance({**CLEAN, "pages": {"kunta": {"blocking": 1}}}, NO_GAPS) == PARTLY
    assert conformance({**CLEAN, "checks": [{"name_fi": "zoom", "passed": False}]}, NO_GAPS) == PARTLY


def test_the_statement_page_shows_the_recorded_evaluation(demo_env, monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    record = tmp_path / "evaluation.json"
    record.write_text(json.dumps({"evaluated_at": "2026-11-30T10:15:00+00:00", "tool": "axe-core 4.10.0",
                                  **CLEAN}), encoding="utf-8")
    monkeypatch.setattr(accessibility, "EVALUATION_FILE", record)
    monkeypatch.setattr(accessibility.read_evaluation, "__defaults__", (record,))
    import streamlit as st
    st.cache_data.clear()  # another test in this process may have cached the real evaluation for this database
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/saavutettavuus.py")
    at.run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "30.11.2026 klo 12.15" in text and "axe-core 4.10.0" in text  # shown in Finnish time
    assert PARTLY in text  # the committed known gaps make it partial
    assert "Pohjois-Savon hyvinvointialue" in text  # the provider from the region folder
