"""A ranking — one horizontal bar per municipality or county, largest on top, with reference lines (the HVA,
the whole country, the median) — in plain HTML and CSS instead of a Plotly bar chart.

Why: Vertailu drew four Plotly figures (two rankings, the tile map, the heatmap) and was the slowest page in
the browser after Kunta (3,0 s warm against the baseline's 1,25 s, issue 17); a ranking says no more than a
list of bars with their numbers, which the browser lays out with the page's text.

What a reader gets, and that colour never carries the meaning alone: every row names its place and states
its value in text; the highlighted one (the sidebar's municipality, the own county) is also bold and marked
◆; each reference line has its own line style (dashed, dotted, solid) named with its value in the legend, and
every row's tooltip and screen-reader text says the row's value. Every data text is HTML-escaped here.
"""
from __future__ import annotations

from html import escape

import pandas as pd

from common.format import fi_number

BAR_COLOUR, HIGHLIGHT_COLOUR = "#0072B2", "#D55E00"  # Okabe–Ito blue / vermillion
LINE_STYLES = ("dashed", "dotted", "solid")
HIGHLIGHT_MARK = "◆"

CSS = """<style>
.tk-rank { margin: 0 0 0.75rem 0; font-size: 0.875rem; }
.tk-rank ul { list-style: none; margin: 0; padding: 0; }
.tk-rank-title { font-weight: 600; margin: 0 0 0.35rem 0; }
.tk-rank-legend { display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; margin: 0 0 0.4rem 0; }
.tk-rank-legend li { display: inline-flex; align-items: center; gap: 0.4rem; }
.tk-rank-key { display: inline-block; width: 0; height: 1rem; border-left: 2px solid #000000; }
.tk-rank-rows li { display: flex; align-items: center; gap: 0.5rem; margin: 0 0 0.15rem 0; }
.tk-rank-name { flex: 0 0 11rem; min-width: 0; overflow-wrap: anywhere; line-height: 1.2; }
.tk-rank-own { font-weight: 700; }
.tk-rank-track { position: relative; flex: 1 1 auto; min-width: 4rem; height: 1.2rem; }
.tk-rank-bar { position: absolute; top: 0.15rem; bottom: 0.15rem; }
.tk-rank-ref { position: absolute; top: -0.1rem; bottom: -0.1rem; width: 0; border-left: 2px solid #000000; }
.tk-rank-value { flex: 0 0 4.5rem; text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
@media (max-width: 640px) { .tk-rank-name { flex-basis: 7.5rem; } .tk-rank-value { flex-basis: 3.5rem; } }
</style>"""


def _scale(values: list[float]) -> tuple[float, float]:
    """The axis' ends: from zero when every value is on one side of it, else from the lowest to the highest."""
    lo, hi = min(values + [0.0]), max(values + [0.0])
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def ranking_html(frame: pd.DataFrame, value: str, label: str, title: str, unit: str, decimals: int,
                 references: dict[str, float | None], highlight: str | None = None) -> str:
    """`frame`'s rows as bars, largest first (no value: last, shown as "–"); `references` name → value drawn
    as lines across every row; `highlight` the label shown bold and marked."""
    frame = frame.sort_values(value, ascending=False, na_position="last")
    refs = [(name, float(v)) for name, v in references.items() if v is not None and pd.notna(v)]
    known = [float(v) for v in frame[value] if pd.notna(v)]
    lo, hi = _scale(known + [v for _, v in refs])

    def at(v: float) -> float:
        return (v - lo) / (hi - lo) * 100

    def shown(v) -> str:
        return fi_number(v, decimals, unit) if pd.notna(v) else "–"

    legend = "".join(f'<li><span class="tk-rank-key" style="border-left-style:{LINE_STYLES[i % 3]}"></span>'
                     f'{escape(name)} {escape(fi_number(v, decimals, unit))}</li>' for i, (name, v) in enumerate(refs))
    if highlight is not None and (frame[label] == highlight).any():
        legend += f'<li><span aria-hidden="true">{HIGHLIGHT_MARK}</span>{escape(str(highlight))}</li>'
    lines = "".join(f'<span class="tk-rank-ref" style="left:{at(v):.2f}%;border-left-style:{LINE_STYLES[i % 3]}">'
                    "</span>" for i, (_, v) in enumerate(refs))
    zero = at(0.0)
    rows = []
    for name, v in zip(frame[label], frame[value]):
        own = highlight is not None and name == highlight
        said = escape(f"{name}: {shown(v)}")
        bar = ""
        if pd.notna(v):
            left, right = sorted((zero, at(float(v))))
            bar = (f'<span class="tk-rank-bar" style="left:{left:.2f}%;width:{max(right - left, 0.4):.2f}%;'
                   f'background:{HIGHLIGHT_COLOUR if own else BAR_COLOUR}"></span>')
        mark = f'<span aria-hidden="true">{HIGHLIGHT_MARK} </span>' if own else ""
        rows.append(f'<li title="{said}"><span class="tk-rank-name{" tk-rank-own" if own else ""}">{mark}'
                    f'{escape(str(name))}</span><span class="tk-rank-track" aria-hidden="true">{bar}{lines}</span>'
                    f'<span class="tk-rank-value{" tk-rank-own" if own else ""}">{escape(shown(v))}</span></li>')
    return (f'<div class="tk-rank"><p class="tk-rank-title">{escape(title)}</p>'
            f'<ul class="tk-rank-legend">{legend}</ul><ul class="tk-rank-rows">{"".join(rows)}</ul></div>')
