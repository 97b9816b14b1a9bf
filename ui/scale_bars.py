"""A scale item's answers (1–5, en osaa sanoa) as 100 % stacked bars in plain HTML and CSS, one row per group.

Why not a Plotly figure: Kompassikysely shows 13 of them, and thirteen Plotly figures cost the browser
1,8–2,8 s by themselves (bench/RESULTS.md, issue 17) — twice the whole baseline page — while the bars say no
more than a row of coloured boxes with their numbers does. Plain HTML is laid out with the page's text.

What a reader gets, and that colour never carries the meaning alone: every segment wide enough for it shows
its category and its share ("3" over "25 %"), every segment has both as a tooltip and as text for a screen
reader ("3: 25 %", the narrow ones too), the legend names the categories in the bars' order, and the page's
"Taulukkona" table has every number. Colours are Viridis (colour-blind safe, readable in greyscale) with a
text colour of at least 4.5:1 on each. Every data text (group names, labels) is HTML-escaped here.
"""
from __future__ import annotations

from html import escape

import pandas as pd

from common.format import fi_number

# Viridis steps for 1..5 and grey for "en osaa sanoa"; text colours by contrast (white on #21918C is 3,8:1).
SCALE_COLOURS = {"1": "#440154", "2": "#3B528B", "3": "#21918C", "4": "#5EC962", "5": "#FDE725", "0": "#BBBBBB"}
TEXT_COLOURS = {"1": "#FFFFFF", "2": "#FFFFFF", "3": "#000000", "4": "#000000", "5": "#000000", "0": "#000000"}
SHOWN_FROM = 6.0  # percent: narrower segments show no text (their numbers stay in the tooltip and the table)

# Sent once per page (style only: Streamlit puts it outside the layout). `.tk-sr` is read, not shown.
CSS = """<style>
.tk-scale { margin: 0 0 0.75rem 0; font-size: 0.875rem; }
.tk-scale ul { list-style: none; margin: 0; padding: 0; }
.tk-legend { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; margin-bottom: 0.35rem; }
.tk-legend li { display: flex; align-items: center; gap: 0.35rem; }
.tk-key { display: inline-block; width: 0.9rem; height: 0.9rem; border: 1px solid #767676; }
.tk-rows li { display: flex; flex-wrap: wrap; align-items: center; gap: 0.15rem 0.75rem; margin: 0 0 0.3rem 0; }
.tk-group { flex: 0 1 16rem; min-width: 8rem; overflow-wrap: anywhere; }
.tk-bar { flex: 1 1 18rem; min-width: 0; max-width: 100%; overflow: hidden; display: flex; height: 2.6rem; background: #F0F2F6; }
.tk-seg { position: relative; box-sizing: border-box; border-right: 1px solid #FFFFFF; overflow: hidden; white-space: nowrap;
          display: flex; flex-direction: column; justify-content: center; align-items: center; line-height: 1.15; }
.tk-seg:last-child { border-right: none; }
/* a label wider than its segment ends in '…' (the tooltip and the screen-reader text keep it whole) */
.tk-seg > span { max-width: 100%; padding: 0 2px; box-sizing: border-box; overflow: hidden; text-overflow: ellipsis; }
.tk-cat { font-size: 0.75rem; }
.tk-sr { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
         clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
</style>"""


def _segment(category: str, label: str, percent: float) -> str:
    share = fi_number(percent, 0, "%")
    style = f"width:{percent:.3f}%;background:{SCALE_COLOURS[category]};color:{TEXT_COLOURS[category]}"
    said = escape(f"{label}: {share}")
    if percent < SHOWN_FROM:
        inner = f'<span class="tk-sr">{said}</span>'
    else:
        inner = f'<span class="tk-cat">{escape(label)}<span class="tk-sr">:</span></span><span>{escape(share)}</span>'
    return f'<span class="tk-seg" style="{style}" title="{said}">{inner}</span>'


def scale_bars_html(table: pd.DataFrame, categories, label) -> str:
    """`table` (metrics.survey_results.scale_distribution: group, n, one column of percent per category) as
    the bars' HTML; `categories` in the bars' order, `label(category)` its text in the reader's language."""
    legend = "".join(f'<li><span class="tk-key" style="background:{SCALE_COLOURS[c]}"></span>{escape(label(c))}</li>'
                     for c in categories)
    rows = []
    for record in table.to_dict("records"):
        segments = "".join(_segment(c, label(c), float(record[c])) for c in categories if float(record[c]) > 0)
        rows.append(f'<li><span class="tk-group">{escape(str(record["group"]))} (n={int(record["n"])})</span>'
                    f'<span class="tk-bar">{segments}</span></li>')
    return (f'<div class="tk-scale"><ul class="tk-legend" aria-hidden="true">{legend}</ul>'
            f'<ul class="tk-rows">{"".join(rows)}</ul></div>')
