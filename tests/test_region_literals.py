"""No region fact is code: every code file outside data/regions/ is free of the regions' codes and names.

The facts come from each region folder itself (its region.toml, municipalities.csv and areas.csv), so a
new county's folder is checked as soon as it is added. Tests are not scanned: they assert what the
bundled regions' data says. Generic words that are also names (e.g. "Koko maa") are not region facts.
"""
from __future__ import annotations

import ast
import csv
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REGIONS = sorted(p for p in (ROOT / "data" / "regions").iterdir() if (p / "region.toml").is_file())
SCANNED = ["app.py", "run.sh", "test.sh", "scripts", "common", "store", "metrics", "data_sources", "readmodel", "ui",
           "pages", "bench", "deploy"]
SUFFIXES = {".py", ".sh", ".toml", ".conf", ".service", ".timer", ".js", ".html", ".css"}
NOT_REGION_FACTS = {"Koko maa", "Hela landet", "358"}


def region_facts(folder: Path) -> tuple[set[str], set[str]]:
    """(codes, names) of one region folder. Names are patterns: the region's, HVA's and maakunta's names
    match at the start of a word in any inflection ("Pohjois-Savon", "Pohjois-Savoon"); a municipality's
    name matches as a whole word (a prefix would flag "Kaavio" for Kaavi)."""
    raw = tomllib.loads((folder / "region.toml").read_text(encoding="utf-8"))
    codes = {str(raw[level]["code"]) for level in ("hva", "maakunta") if level in raw}
    names = {raw["region"].get("name_fi", ""), raw["region"].get("name_sv", "")}
    for level in ("hva", "maakunta"):
        names |= {raw.get(level, {}).get("name_fi", ""), raw.get(level, {}).get("name_sv", "")}
    names = {rf"(?<!\w){re.escape(n)}" for n in names if len(n) >= 4} - {re.escape(n) for n in NOT_REGION_FACTS}
    with open(folder / "municipalities.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            codes.add(row["code"])
            names |= {rf"(?<!\w){re.escape(n)}(?!\w)" for n in (row["name_fi"], row.get("name_sv", "")) if len(n) >= 4}
    with open(folder / "areas.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            codes.add(row["area_code"])
    return codes - NOT_REGION_FACTS, {n for n in names if "Koko\\ maa" not in n and "Hela\\ landet" not in n}


def files() -> list[Path]:
    out = []
    for entry in SCANNED:
        path = ROOT / entry
        out += [path] if path.is_file() else [p for p in sorted(path.glob("**/*")) if p.suffix in SUFFIXES and p.is_file()]
    return out


def string_constants(path: Path) -> list[tuple[int, str]]:
    if path.suffix != ".py":
        return [(i, line) for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


@pytest.mark.parametrize("region", REGIONS, ids=lambda p: p.name)
def test_no_code_file_names_a_region(region):
    codes, names = region_facts(region)
    name_pattern = re.compile("|".join(sorted(names, key=len, reverse=True)))
    found = []
    for path in files():
        for line, text in string_constants(path):
            if text.strip() in codes:
                found.append(f"{path.relative_to(ROOT)}:{line}: code {text.strip()!r}")
            match = name_pattern.search(text)
            if match:
                found.append(f"{path.relative_to(ROOT)}:{line}: name {match.group(0)!r}")
    assert not found, f"{len(found)} region facts in code:\n" + "\n".join(found[:60])


def test_the_scan_finds_a_planted_name(tmp_path):
    codes, names = region_facts(REGIONS[0])
    raw = tomllib.loads((REGIONS[0] / "region.toml").read_text(encoding="utf-8"))
    planted = tmp_path / "x.py"
    planted.write_text(f'TITLE = "Tilannekuva — {raw["hva"]["name_fi"]}n"\nOK = "Kaavio"\n', encoding="utf-8")
    pattern = re.compile("|".join(names))
    hits = [text for _, text in string_constants(planted) if pattern.search(text)]
    assert hits == [f'Tilannekuva — {raw["hva"]["name_fi"]}n'] and codes
