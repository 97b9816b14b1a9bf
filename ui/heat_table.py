"""The comparison heatmap — municipalities × a goal's indicators, each cell its latest value compared with
the HVA — as an HTML table with coloured cells instead of a Plotly heatmap.

Why: the Plotly heatmap was Vertailu's slowest figure in the browser (issue 17) and could show only a symbol
per cell; a table cell shows the symbol and the value, is read by a screen reader with its row and column
headings, and scrolls inside its own frame on a phone. Colour never carries the meaning alone: every cell
has the symbol (▲ ＝ ▼ …) and, for a screen reader, the category in words; the tooltip says the indicator,
value, year and the HVA's value. Every data text is HTML-escaped here.
"""
from __future__ import annotations

from html import escape

import pandas as pd

from common.format import fi_number
from common.i18n import value_label

# Comparison categories → (fill, text colour). Blue/orange (Okabe–Ito) separate for every common
# colour-vision deficiency; text colours keep ≥ 4.5:1 on their fill.
COMPARISON_STYLE = {
    "parempi": ("#0072B2", "#FFFFFF"), "samaa tasoa": ("#D9D9D9", "#000000"), "heikompi": ("#B34700", "#FFFFFF"),
    "suurempi": ("#56B4E9", "#000000"), "pienempi": ("#F0E442", "#000000"), "ei vertailua": ("#FFFFFF", "#000000"),
}

CSS = """<style>
.tk-heat-title { font-weight: 600; font-size: 0.875rem; margin: 0 0 0.35rem 0; }
.tk-heat { border-collapse: collapse; font-size: 0.8rem; line-height: 1.25; }
.tk-heat th, .tk-heat td { border: 2px solid #FFFFFF; padding: 0.25rem 0.4rem; }
.tk-heat thead th { background: #F0F2F6; font-weight: 600; vertical-align: bottom; text-align: left;
                    min-width: 7rem; max-width: 12rem; overflow-wrap: break-word; }
.tk-heat tbody th { text-align: left; font-weight: 400; white-space: nowrap; background: #F0F2F6; }
.tk-heat td { text-align: center; white-space: nowrap; font-variant-numeric: tabular-nums; }
.tk-sr { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
         clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
</style>"""


def heat_table_html(cells: pd.DataFrame, row: str, col: str, comparison: str, tip: str, title: str,
                    symbols: dict[str, str], row_heading: str) -> str:
    """`cells` (one per row × column: `comparison` category, value, decimals, `tip` plain text) as the table.
    Columns where nothing is comparable are left out, as the figure did; rows in alphabetical order."""
    comparable = cells.groupby(col)[comparison].transform(lambda s: (s != "ei vertailua").any())
    cells = cells[comparable]
    rows = sorted(cells[row].unique())
    cols = list(dict.fromkeys(cells[col]))
    by_cell = {(r, c): rec for r, c, rec in zip(cells[row], cells[col], cells.to_dict("records"))}
    head = f'<th scope="col">{escape(row_heading)}</th>' + "".join(f'<th scope="col">{escape(str(c))}</th>' for c in cols)
    body = []
    for r in rows:
        tds = []
        for c in cols:
            rec = by_cell.get((r, c))
            if rec is None:
                tds.append('<td>–</td>')
                continue
            category = rec[comparison]
            fill, ink = COMPARISON_STYLE.get(category, COMPARISON_STYLE["ei vertailua"])
            decimals = int(rec["decimals"]) if pd.notna(rec.get("decimals")) else 1
            tds.append(f'<td style="background:{fill};color:{ink}" title="{escape(str(rec[tip]))}">'
                       f'<span aria-hidden="true">{escape(symbols.get(category, "·"))} </span>'
                       f'{escape(fi_number(rec["value"], decimals))}'
                       f'<span class="tk-sr"> {escape(value_label("comparison", category))}</span></td>')
        body.append(f'<tr><th scope="row">{escape(str(r))}</th>{"".join(tds)}</tr>')
    return (f'<p class="tk-heat-title">{escape(title)}</p>'
            f'<div class="tk-table-wrap" role="region" tabindex="0" aria-label="{escape(title)}">'
            f'<table class="tk-heat"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')
