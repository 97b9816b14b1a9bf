"""python -m metrics export: every region, documented fields, exit 2 on a missing database."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from metrics import export
from metrics.__main__ import main

DOCS = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"


def test_json_export_has_every_region(demo_db, tmp_path):
    out = tmp_path / "t.json"
    assert main(["export", "--db", str(demo_db), "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    regions = {(r["region_category"], r["region_code"]) for r in data["indicators"]}
    cats = pd.Series([c for c, _ in regions]).value_counts()
    assert cats["KUNTA"] == 19 and cats["PALVELUALUE"] == 5 and cats["TYP_ALUE"] == 3
    assert cats["HYVINVOINTIALUE"] == 1 and cats["MAAKUNTA"] == 1 and cats["MAA"] == 1
    assert set(data["indicators"][0]) == set(export.INDICATOR_EXPORT_COLUMNS)
    assert set(data["goals"][0]) == set(export.GOAL_EXPORT_COLUMNS)
    assert data["meta"]["is_demo"] is True
    pop = [r for r in data["indicators"] if r["indicator_id"] == 127 and r["region_category"] == "KUNTA"]
    assert {r["vs_hva"] for r in pop} == {"ei vertailua"}


def test_export_agrees_with_the_page_table(demo_db, tmp_path):
    from store.warehouse import connect_read
    from readmodel import page_data

    out = tmp_path / "t.csv"
    assert main(["export", "--db", str(demo_db), "--region", "921", "--format", "csv", "--out", str(out)]) == 0
    ind = pd.read_csv(out)
    goals = pd.read_csv(tmp_path / "t_goals.csv")
    assert set(ind["region_code"].astype(str)) == {"921"} and len(goals) == 4
    page = page_data.region_indicator_table(connect_read(demo_db), "KUNTA", "921").set_index("indicator_id")
    merged = ind.set_index("indicator_id")
    assert (merged["trend_class"] == page.loc[merged.index, "trend_class"]).all()
    assert (merged["vs_area"] == page.loc[merged.index, "vs_area"]).all()


def test_missing_database_exits_2(tmp_path, capsys):
    assert main(["export", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "tietokantaa ei ole" in capsys.readouterr().err


def test_unknown_region_exits_2(demo_db, capsys):
    assert main(["export", "--db", str(demo_db), "--region", "XYZ"]) == 2


def test_every_export_field_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\|\s*`([^`]+)`", text, flags=re.M))
    missing = (set(export.INDICATOR_EXPORT_COLUMNS) | set(export.GOAL_EXPORT_COLUMNS)) - documented
    assert not missing, f"dokumentoimatta: {sorted(missing)}"
