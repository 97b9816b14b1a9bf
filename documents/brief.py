"""Printable briefs (municipality, service-discussion area): one self-contained HTML file with print CSS
and inline SVG sparklines (no network, no plotly.js), and a PDF printed offline by headless Chromium.

No streamlit here, so briefs can be built and tested anywhere. The fixed texts are in the reader's language
(common.i18n: the caller builds the document inside the reader's language, also when a download builds it
later); the headings, tables and summary are the caller's.
"""
from __future__ import annotations

import html
import os
import shutil
import subprocess
import tempfile
import threading
from typing import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from common.format import fi_date, fi_number
from common.i18n import catalogue, language, t

LINE, REF_LINE, MARK = "#0072B2", "#6b6b6b", "#D55E00"

CSS = """
@page { size: A4 landscape; margin: 12mm 12mm 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Source Sans Pro", "Noto Sans", "DejaVu Sans", Arial, sans-serif; color: #1a1a1a;
       font-size: 10.5pt; line-height: 1.35; margin: 0 auto; max-width: 273mm; padding: 8mm 0; }
h1 { font-size: 19pt; margin: 0 0 2mm; }
h2 { font-size: 13.5pt; margin: 7mm 0 2mm; border-bottom: 1.5pt solid #0072B2; padding-bottom: 1mm;
     break-after: avoid; page-break-after: avoid; }
p { margin: 1.5mm 0; }
.meta { color: #404040; font-size: 9.5pt; }
.demo { border: 1.5pt solid #8a5a00; background: #fff4dc; color: #4d3200; padding: 2mm 3mm; margin: 3mm 0;
        font-weight: bold; }
.summary { background: #f1f5f9; padding: 2mm 3mm; margin: 2mm 0; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 8.3pt; margin: 1mm 0 2mm; }
col.sparkcol { width: 25mm; }
td, th { overflow-wrap: break-word; }
col.first { width: 26%; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th { text-align: left; background: #e8eef4; border-bottom: 1pt solid #7a8a99; padding: 1.2mm 1.5mm; }
td { border-bottom: 0.5pt solid #c9d1d9; padding: 1mm 1.5mm; vertical-align: middle; }
td.num { text-align: right; white-space: nowrap; }
td.spark { padding: 0.5mm 1mm; }
td.spark svg { display: block; }
.source { color: #404040; font-size: 8.5pt; margin: 0 0 3mm; }
.legend { font-size: 8.5pt; color: #404040; }
footer { margin-top: 6mm; font-size: 8.5pt; color: #404040; border-top: 0.5pt solid #c9d1d9; padding-top: 2mm; }
@media screen { body { padding: 10mm; } }
@media print { a { color: inherit; text-decoration: none; } }
"""


@dataclass
class BriefSection:
    heading: str
    table: pd.DataFrame                      # already formatted for people (strings)
    # one per table row: (years, values); or a function giving them, so they are drawn only when printed
    sparks: list[tuple[list, list] | None] | Callable[[], list] = field(default_factory=list)
    spark_label: str = ""                    # "" -> "Kehitys" in the reader's language
    intro: str = ""
    source: str = ""


def sparkline_svg(years, values, width: int = 88, height: int = 28, title: str = "") -> str:
    """A small line with the first and last year labelled; '' when fewer than two values."""
    points = [(int(y), float(v)) for y, v in zip(years, values) if v is not None and not pd.isna(v)]
    if len(points) < 2:
        return '<span class="legend">–</span>'
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1 = min(xs), max(xs)
    lo, hi = min(ys), max(ys)
    span_y = (hi - lo) or 1.0
    pad_l, pad_r, pad_t, pad_b = 2, 2, 3, 9
    w, h = width - pad_l - pad_r, height - pad_t - pad_b

    def px(x, y):
        return (pad_l + (x - x0) / ((x1 - x0) or 1) * w, pad_t + (1 - (y - lo) / span_y) * h)

    coords = " ".join(f"{a:.1f},{b:.1f}" for a, b in (px(x, y) for x, y in points))
    lx, ly = px(*points[-1])
    label = html.escape(title or f"{x0}–{x1}")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}"><title>{label}</title>'
            f'<polyline fill="none" stroke="{LINE}" stroke-width="1.6" points="{coords}"/>'
            f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="2.2" fill="{MARK}"/>'
            f'<text x="{pad_l}" y="{height - 1}" font-size="7" fill="#404040">{x0}</text>'
            f'<text x="{width - pad_r}" y="{height - 1}" font-size="7" fill="#404040" text-anchor="end">{x1}</text>'
            "</svg>")


NUMERIC_HINT = ("Viimeisin", "Vuosi", "Arvo", "Alue")
WIDE_FIRST = ("Indikaattori", "Kysymys", "Toimenpide")


@lru_cache(maxsize=None)
def in_every_language(words: tuple[str, ...]) -> tuple[str, ...]:
    """The Finnish column names `words` and their translations in the strings catalogue (the pages name their
    columns through t(), so a Swedish table says "Senaste" where a Finnish one says "Viimeisin")."""
    out = set(words)
    for entry in catalogue().values():
        if entry.get("fi") in words:
            out.update(text for text in entry.values() if text)
    return tuple(sorted(out))


def _table_html(section: BriefSection) -> str:
    frame = section.table
    if frame is None or frame.empty:
        return f'<p class="meta">{html.escape(t("brief.no_data"))}</p>'
    cols = list(frame.columns)
    sparks = section.sparks() if callable(section.sparks) else section.sparks
    with_spark = bool(sparks) and len(sparks) == len(frame)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in cols)
    if with_spark:
        head += f"<th>{html.escape(section.spark_label or t('col_trend'))}</th>"
    numeric = in_every_language(NUMERIC_HINT)
    rows = []
    for i, (_, r) in enumerate(frame.iterrows()):
        cells = "".join(
            f'<td class="{"num" if str(c).startswith(numeric) else ""}">{html.escape(str(r[c]))}</td>' for c in cols)
        if with_spark:
            spark = sparks[i]
            cells += f'<td class="spark">{sparkline_svg(*spark, title=str(r[cols[0]])) if spark else "–"}</td>'
        rows.append(f"<tr>{cells}</tr>")
    wide_first = str(cols[0]) in in_every_language(WIDE_FIRST)
    colgroup = ("<colgroup>" + ('<col class="first">' if wide_first else "<col>") + "<col>" * (len(cols) - 1)
                + ('<col class="sparkcol">' if with_spark else "") + "</colgroup>")
    layout = "" if wide_first else ' style="table-layout: auto"'
    return f"<table{layout}>{colgroup}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def build_brief(title: str, subtitle: str, sections: list[BriefSection], *, summary: list[str] | None = None,
                is_demo: bool = False, footer: str = "", made: date | None = None) -> str:
    """A self-contained HTML document (UTF-8, inline CSS and SVG, nothing fetched)."""
    made = made or date.today()
    parts = [
        "<!DOCTYPE html>", f'<html lang="{language()}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{html.escape(title)}</h1>",
        f'<p class="meta">{html.escape(subtitle)} · {html.escape(t("brief.made", date=fi_date(made)))}</p></header>',
    ]
    if is_demo:
        parts.append(f'<p class="demo" role="note">{html.escape(t("demo_banner"))}.</p>')
    if summary:
        parts.append('<section class="summary">' + "".join(f"<p>{html.escape(s)}</p>" for s in summary) + "</section>")
    parts.append(f'<p class="legend">{html.escape(t("brief.legend"))}</p>')
    for section in sections:
        parts.append(f"<section><h2>{html.escape(section.heading)}</h2>")
        if section.intro:
            parts.append(f"<p>{html.escape(section.intro)}</p>")
        parts.append(_table_html(section))
        if section.source:
            parts.append(f'<p class="source">{html.escape(section.source)}</p>')
        parts.append("</section>")
    parts.append(f"<footer>{html.escape(footer)}</footer></body></html>")
    return "\n".join(parts)


def sparks_for(rows: pd.DataFrame, series: pd.DataFrame, region_category: str, region_code: str,
               years: int = 10) -> list[tuple[list, list] | None]:
    """One (years, values) per indicator row (column indicator_id), from a long observations frame."""
    own = series[(series["region_category"] == region_category) & (series["region_code"] == region_code)]
    out = []
    for ind in rows["indicator_id"]:
        part = own[own["indicator_id"] == ind].dropna(subset=["value"]).sort_values("year").tail(years)
        out.append((list(part["year"]), list(part["value"])) if len(part) >= 2 else None)
    return out


def chromium_binary() -> str | None:
    return os.environ.get("TILANNEKUVA_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser") \
        or shutil.which("google-chrome")


# Concurrent PDF prints per server process: each is a headless Chromium (8 at once took 31 s each instead of
# 3.4 s on 2 cores); the rest wait for a slot, and give up (None) rather than queue without end.
PDF_SLOTS = threading.BoundedSemaphore(2)
PDF_SLOT_WAIT = 60.0


def html_to_pdf(document: str, timeout: float = 90) -> bytes | None:
    """Print the brief with headless Chromium (offline). None when Chromium is missing, fails or every
    print slot stayed taken for PDF_SLOT_WAIT seconds."""
    binary = chromium_binary()
    if not binary or not PDF_SLOTS.acquire(timeout=PDF_SLOT_WAIT):
        return None
    try:
        return _print(binary, document, timeout)
    finally:
        PDF_SLOTS.release()


def _print(binary: str, document: str, timeout: float) -> bytes | None:
    with tempfile.TemporaryDirectory(prefix="brief-") as tmp:
        source, target = Path(tmp) / "brief.html", Path(tmp) / "brief.pdf"
        source.write_text(document, encoding="utf-8")
        cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--no-pdf-header-footer", f"--user-data-dir={tmp}/profile", f"--print-to-pdf={target}",
               source.as_uri()]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return None
        if not target.exists() or target.stat().st_size == 0:
            return None
        return target.read_bytes()


def number(value, decimals) -> str:
    return fi_number(value, int(decimals) if pd.notna(decimals) else 1)
