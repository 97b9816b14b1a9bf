"""Small reader-facing tables as plain HTML (st.html) instead of st.dataframe.

Why: st.dataframe is a canvas data grid (sorting, resizing, search) made for exploring large tables; the
reader pages show tables of 3–30 rows that are read, not explored, and a page with eight of them waited for
eight grids. Measured side by side in one browser run (issue 17): eight 12-row tables took 0,62 s warm as
st.dataframe, 0,39 s as st.table and 0,21 s as HTML (an empty page: 0,19 s). HTML also prints, wraps on a
phone and is read by a screen reader as a table (header cells with scope); st.table would render Markdown
in every cell, while here every value is HTML-escaped, so stored text stays text.

The data team's long tables (the whole load log, load items, admin problems) stay st.dataframe, where sorting
and search help. A table wider than its column scrolls inside its own frame, which is focusable and named
(WCAG 2.1.1); a long one (`max_height`) scrolls down inside it too, its heading row kept in view.
"""
from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from common.format import fi_number

# A formatted number ("1 234,5", "−2,0 %", "+0,3", "12 %"): right-aligned in its column.
_NUMBER = re.compile(r"^[+\-−]?\d[\d\u00a0\u202f ]*(,\d+)?(\u00a0|\u202f| )?(%|‰)?$")

CSS = """<style>
.tk-table-wrap { position: relative; overflow-x: auto; max-width: 100%; margin: 0 0 1rem 0; contain: inline-size; }
.tk-table { border-collapse: collapse; width: 100%; font-size: 0.875rem; line-height: 1.35; }
.tk-table th, .tk-table td { border: 1px solid #D6D6D9; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top;
                             overflow-wrap: break-word; }
.tk-table thead th { background: #F0F2F6; font-weight: 600; }
.tk-table tbody th { font-weight: 400; }
.tk-table-wrap.tk-tall { overflow-y: auto; }
.tk-table-wrap.tk-tall thead th { position: sticky; top: 0; z-index: 1; }
.tk-table .tk-num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
</style>"""


def cell_text(value) -> str:
    """A cell as text: missing -> '–', a float in Finnish format, anything else as it is."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or value is pd.NaT:
        return "–"
    if isinstance(value, float):
        return fi_number(value, 1)
    return str(value)


def is_number_column(texts: list[str]) -> bool:
    shown = [x for x in texts if x not in ("–", "")]
    return bool(shown) and all(_NUMBER.match(x) for x in shown)


def link_html(url, allowed: str) -> str:
    """A link only to an address under `allowed` (e.g. "https://sotkanet.fi/"), shown as its host; a stored
    javascript:, data: or other site's address stays no link and shows '–'."""
    if isinstance(url, str) and url.startswith(allowed) and allowed.startswith("https://"):
        host = urlsplit(url).hostname or "–"
        return f'<a href="{escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">{escape(host)}</a>'
    return "–"


def table_html(frame: pd.DataFrame, label: str, row_headers: bool = True, links: dict[str, str] | None = None,
               max_height: str | None = None, min_width: str | None = None) -> str:
    """`frame` (columns as headings, the index left out) as an HTML table in its scrolling frame; `label`
    names the table for a screen reader (the heading above it); `row_headers`: the first column names its row;
    `links`: column -> the https prefix its addresses must have to be links; `max_height` (CSS, e.g. "28rem"):
    the frame's height, beyond which the rows scroll inside it; `min_width` (CSS): a wide table's own width, so that its many
    columns scroll sideways in the frame instead of wrapping every word."""
    links = links or {}
    columns = [str(c) for c in frame.columns]
    texts = [[link_html(v, links[c]) for v in frame.iloc[:, i]] if c in links
             else [escape(cell_text(v)) for v in frame.iloc[:, i]] for i, c in enumerate(columns)]
    numeric = [c not in links and is_number_column(col) for c, col in zip(columns, texts)]
    num = ' class="tk-num"'
    head = "".join(f'<th scope="col"{num if numeric[i] else ""}>{escape(c)}</th>' for i, c in enumerate(columns))
    rows = []
    for r in range(len(frame)):
        cells = []
        for i in range(len(columns)):
            tag = "th" if row_headers and i == 0 else "td"
            attrs = (' scope="row"' if tag == "th" else "") + (num if numeric[i] else "")
            cells.append(f"<{tag}{attrs}>{texts[i][r]}</{tag}>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    tall = f' tk-tall" style="max-height: {max_height}' if max_height else ""
    wide = f' style="min-width: {min_width}"' if min_width else ""
    return (f'<div class="tk-table-wrap{tall}" role="region" tabindex="0" aria-label="{escape(label)}">'
            f'<table class="tk-table"{wide}><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def show_table(frame: pd.DataFrame, label: str, row_headers: bool = True, links: dict[str, str] | None = None,
               max_height: str | None = None, min_width: str | None = None) -> None:
    st.html(table_html(frame, label, row_headers, links, max_height, min_width))
