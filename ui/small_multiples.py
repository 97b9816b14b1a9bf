"""The municipality page's small multiples — one small line chart per indicator, the municipality solid and
the reference (the HVA) dashed — as inline SVG in one HTML grid instead of a 9-panel Plotly figure.

Why: the Plotly figure was the Kunta page's heaviest element in the browser (nine subplots' axes, grids and
traces laid out and drawn again on every municipality change, issue 17), while the panels only show a shape
over the years; the detail chart below (Plotly) keeps the hover values and a table. The grid reflows to one
column on a phone. Solid vs dashed (not colour alone) tells the two lines apart; every panel also says the
latest values in text and carries a text alternative (first and latest value of each line). Every data text
(titles, units, names) is HTML-escaped here.
"""
from __future__ import annotations

import base64
from html import escape

import pandas as pd

from common.format import fi_number, with_unit
from common.i18n import t

OWN_COLOUR, REFERENCE_COLOUR, INK = "#0072B2", "#555555", "#404040"
W, H = 260, 140                     # SVG user units; the panel scales to its column's width
LEFT, RIGHT, TOP, BOTTOM = 46, 8, 8, 20

CSS = """<style>
.tk-sm-legend { display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; margin: 0 0 0.5rem 0; font-size: 0.875rem; }
.tk-sm-legend span { display: inline-flex; align-items: center; gap: 0.4rem; }
.tk-sm-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: 1rem 1.25rem; }
.tk-sm-panel { margin: 0; }
.tk-sm-panel figcaption { font-size: 0.8rem; font-weight: 600; line-height: 1.25; min-height: 2.5em; overflow-wrap: anywhere; }
.tk-sm-panel img { display: block; width: 100%; max-width: 24rem; height: auto; }
.tk-sm-last { font-size: 0.8rem; margin: 0.1rem 0 0 0; color: #404040; }
</style>"""

_DASH = {"own": "", "reference": ' stroke-dasharray="6 4"'}


def _line_key(kind: str) -> str:
    """The legend's line sample: a border drawn solid or dashed (the sanitiser keeps styles, not inline SVG)."""
    colour = OWN_COLOUR if kind == "own" else REFERENCE_COLOUR
    return f'<span style="display:inline-block;width:2rem;border-top:3px {"solid" if kind == "own" else "dashed"} {colour}"></span>'


def _points_by_line(series: pd.DataFrame) -> dict[tuple[int, str], list[tuple[int, float]]]:
    """(indicator_id, alue) -> its (year, value) points in year order, in one pass over plain lists (a pandas
    groupby took most of the page's figure time)."""
    out: dict[tuple[int, str], list[tuple[int, float]]] = {}
    for ind, name, year, value in zip(series["indicator_id"].tolist(), series["alue"].tolist(),
                                      series["year"].tolist(), series["value"].tolist()):
        if value is not None and value == value:  # NaN is not equal to itself
            out.setdefault((int(ind), name), []).append((int(year), float(value)))
    return {key: sorted(points) for key, points in out.items()}


def _panel(title: str, unit: str, decimals: int, lines: list[tuple[str, str, list[tuple[int, float]]]]) -> str:
    """One figure: its title, the SVG (both lines, min/max and first/last year labelled) and the latest values."""
    label = with_unit(title, unit)
    every = [p for _, _, pts in lines for p in pts]
    said = [f"{name}: " + (f"{fi_number(pts[0][1], decimals)} ({pts[0][0]}) → {fi_number(pts[-1][1], decimals)} "
                           f"({pts[-1][0]})" if pts else "–") for name, _, pts in lines]
    alt = escape(f"{label}. " + "; ".join(said))
    latest = " · ".join(f"{escape(name)} {escape(fi_number(pts[-1][1], decimals))} ({pts[-1][0]})"
                        for name, _, pts in lines if pts)
    head = f'<figure class="tk-sm-panel"><figcaption>{escape(label)}</figcaption>'
    if not every:
        return head + f'<p class="tk-sm-last">{escape(t("no_data"))}</p></figure>'
    x0, x1 = min(p[0] for p in every), max(p[0] for p in every)
    lo, hi = min(p[1] for p in every), max(p[1] for p in every)
    pad = (hi - lo) * 0.06 or abs(hi) * 0.05 or 1.0
    lo, hi = lo - pad, hi + pad
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM

    def px(year: int, value: float) -> tuple[float, float]:
        return (LEFT + (year - x0) / ((x1 - x0) or 1) * plot_w, TOP + (1 - (value - lo) / (hi - lo)) * plot_h)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" '
             'font-family="\'Source Sans Pro\', \'DejaVu Sans\', Arial, sans-serif">',
             f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#DDDDDD"/>']
    for value, y in ((hi - pad, px(x0, hi - pad)[1]), (lo + pad, px(x0, lo + pad)[1])):
        parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#EEEEEE"/>'
                     f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="11" fill="{INK}" text-anchor="end">'
                     f'{escape(fi_number(value, decimals))}</text>')
    parts.append(f'<text x="{LEFT}" y="{H - 5}" font-size="11" fill="{INK}">{x0}</text>'
                 f'<text x="{W - RIGHT}" y="{H - 5}" font-size="11" fill="{INK}" text-anchor="end">{x1}</text>')
    for _, kind, pts in lines:
        if not pts:
            continue
        colour = OWN_COLOUR if kind == "own" else REFERENCE_COLOUR
        coords = " ".join(f"{a:.1f},{b:.1f}" for a, b in (px(*p) for p in pts))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{_DASH[kind]} points="{coords}"/>')
        lx, ly = px(*pts[-1])
        parts.append(f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="3" fill="{colour}"/>')
    parts.append("</svg>")
    # An image of the SVG: Streamlit's HTML sanitiser drops inline <svg>; the alt text is its text alternative.
    picture = base64.b64encode("".join(parts).encode("utf-8")).decode("ascii")
    return head + f'<img src="data:image/svg+xml;base64,{picture}" alt="{alt}">' + f'<p class="tk-sm-last">{latest}</p></figure>'


def small_multiples_html(series: pd.DataFrame, panels: list[tuple[int, str, str, int]], own: str, reference: str) -> str:
    """series: indicator_id, year, value, alue (the region's label); panels: (indicator_id, title, unit, decimals)."""
    by_key = _points_by_line(series)
    figures = []
    for ind, title, unit, decimals in panels:
        lines = [(name, kind, by_key.get((int(ind), name), []))
                 for name, kind in ((own, "own"), (reference, "reference"))]
        figures.append(_panel(title, unit, decimals, lines))
    legend = (f'<p class="tk-sm-legend" aria-hidden="true"><span>{_line_key("own")}{escape(own)}</span>'
              f'<span>{_line_key("reference")}{escape(reference)}</span></p>')
    return f'<div class="tk-sm">{legend}<div class="tk-sm-grid">{"".join(figures)}</div></div>'
