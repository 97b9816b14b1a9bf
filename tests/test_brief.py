"""Printable briefs: self-contained HTML with print CSS and inline SVG; PDF via headless Chromium when present."""
from __future__ import annotations

import re
import shutil
import subprocess

import pandas as pd
import pytest

from documents.brief import BriefSection, build_brief, chromium_binary, html_to_pdf, sparkline_svg


def sample() -> str:
    table = pd.DataFrame({"Indikaattori": ["Työttömät, % työvoimasta", "Nuorisotyöttömät <18>"],
                          "Viimeisin": ["7,2", "9,9"], "Kehitys": ["▲ paranee", "▼ heikkenee"]})
    sparks = [([2020, 2021, 2022, 2023, 2024], [8.5, 8.1, 7.9, 7.5, 7.2]), None]
    return build_brief("Siilinjärvi — kuntakooste", "Palvelukeskustelualue X", [BriefSection("Tavoite 1", table, sparks)],
                       summary=["Paranee: Työttömät."], is_demo=True, footer="Lähde: THL, Sotkanet.fi")


def test_html_is_self_contained_with_print_css_and_svg():
    doc = sample()
    assert doc.startswith("<!DOCTYPE html>") and '<html lang="fi">' in doc
    assert "@page" in doc and "@media print" in doc
    assert doc.count("<svg") == 1 and "<polyline" in doc
    assert "Esimerkkiaineisto — ei todellisia lukuja" in doc
    assert "&lt;18&gt;" in doc  # escaped
    assert not re.search(r"(src|href)=\"https?://", doc), "a brief must not fetch anything"


def test_sparkline_needs_two_points():
    assert "<svg" not in sparkline_svg([2024], [1.0])
    assert "2020" in sparkline_svg([2020, 2024], [1.0, 2.0])


def test_pdf_prints_offline(tmp_path):
    if not chromium_binary():
        pytest.skip("chromium puuttuu: PDF-koostetta ei voi tulostaa")
    pdf = html_to_pdf(sample())
    assert pdf and pdf.startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        (tmp_path / "brief.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(tmp_path / "brief.pdf"), str(tmp_path / "page")], check=True)
        assert list(tmp_path.glob("page*.png"))
