"""The tile map — equal squares laid out like the region (data/regions/<region>/tiles.csv), so a small
municipality weighs as much as the largest — as one SVG image instead of a Plotly scatter figure.

Why: one of Vertailu's four Plotly figures (issue 17); the squares need no axes, zoom or hover machinery.
The SVG is an <img> (data URI): Streamlit's HTML sanitiser keeps images, not inline SVG. Colour never
carries the meaning alone: every square states its value in text, and the image's text alternative names
the lowest and the highest. Colours are Cividis (colour-blind safe, readable in greyscale) with black text on
the light end and white on the dark end (≥ 4.5:1). Every data text is XML-escaped here.
"""
from __future__ import annotations

import base64
from html import escape

import pandas as pd

from common.format import fi_number

# plotly.colors.sequential.Cividis, interpolated here (importing plotly only for ten colours is not worth it)
CIVIDIS = ["#00224e", "#123570", "#3b496c", "#575d6d", "#707173", "#8a8678", "#a59c74", "#c3b369", "#e1cc55",
           "#fee838"]
NO_VALUE = "#E6E6E6"
TILE_W, TILE_H, GAP, LEGEND_H = 96, 64, 4, 34
FONT = "'Source Sans Pro', 'DejaVu Sans', Arial, sans-serif"


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def cividis(share: float) -> str:
    """The colour at `share` (0–1) along Cividis."""
    share = min(max(share, 0.0), 1.0) * (len(CIVIDIS) - 1)
    i = min(int(share), len(CIVIDIS) - 2)
    a, b = _rgb(CIVIDIS[i]), _rgb(CIVIDIS[i + 1])
    f = share - i
    return "#" + "".join(f"{round(x + (y - x) * f):02x}" for x, y in zip(a, b))


def ink(share: float) -> str:
    return "#000000" if share > 0.55 else "#FFFFFF"


def _name_size(name: str) -> int:
    return 12 if len(name) <= 11 else 11 if len(name) <= 13 else 9


def tile_map_svg(tiles: pd.DataFrame, value: str, label: str, unit: str, decimals: int) -> str:
    """`tiles` (row, col, `label`, `value`) as SVG text: one square per row, a colour legend below."""
    values = pd.to_numeric(tiles[value], errors="coerce")
    lo, hi = values.min(), values.max()
    span = (hi - lo) if pd.notna(lo) and hi > lo else 1.0
    cols, rows = int(tiles["col"].max()) + 1, int(tiles["row"].max()) + 1
    width, height = cols * (TILE_W + GAP), rows * (TILE_H + GAP) + LEGEND_H
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" font-family="{FONT}" text-anchor="middle">']
    for r, c, name, v in zip(tiles["row"], tiles["col"], tiles[label], values):
        x, y = int(c) * (TILE_W + GAP), int(r) * (TILE_H + GAP)
        name = "" if pd.isna(name) else str(name)
        share = (v - lo) / span if pd.notna(v) else None
        fill, text = (cividis(share), ink(share)) if share is not None else (NO_VALUE, "#000000")
        parts.append(f'<rect x="{x}" y="{y}" width="{TILE_W}" height="{TILE_H}" rx="3" fill="{fill}"/>'
                     f'<text x="{x + TILE_W / 2}" y="{y + 27}" font-size="{_name_size(name)}" fill="{text}">'
                     f'{escape(name)}</text>'
                     f'<text x="{x + TILE_W / 2}" y="{y + 47}" font-size="14" font-weight="600" fill="{text}">'
                     f'{escape(fi_number(v, decimals) if pd.notna(v) else "–")}</text>')
    if pd.notna(lo):
        y = rows * (TILE_H + GAP) + 4
        stops = "".join(f'<stop offset="{i / (len(CIVIDIS) - 1):.3f}" stop-color="{c}"/>' for i, c in enumerate(CIVIDIS))
        bar_w = min(width - 2 * 80, 320)
        x0 = (width - bar_w) / 2
        parts.append(f'<defs><linearGradient id="tk-cividis">{stops}</linearGradient></defs>'
                     f'<rect x="{x0}" y="{y}" width="{bar_w}" height="12" fill="url(#tk-cividis)"/>'
                     f'<text x="{x0 - 6}" y="{y + 11}" font-size="12" text-anchor="end" fill="#262730">'
                     f'{escape(fi_number(lo, decimals, unit))}</text>'
                     f'<text x="{x0 + bar_w + 6}" y="{y + 11}" font-size="12" text-anchor="start" fill="#262730">'
                     f'{escape(fi_number(hi, decimals, unit))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def tile_map_html(tiles: pd.DataFrame, value: str, label: str, title: str, unit: str, decimals: int) -> str:
    """The tile map as an <img> with its title above and a text alternative naming the lowest and highest."""
    known = tiles.assign(_v=pd.to_numeric(tiles[value], errors="coerce")).dropna(subset=["_v"]).sort_values("_v")
    alt = title
    if not known.empty:
        low, high = known.iloc[0], known.iloc[-1]
        alt += (f". {low[label]} {fi_number(low['_v'], decimals, unit)} … "
                f"{high[label]} {fi_number(high['_v'], decimals, unit)}")
    data = base64.b64encode(tile_map_svg(tiles, value, label, unit, decimals).encode("utf-8")).decode("ascii")
    return (f'<figure class="tk-tiles" style="margin:0 0 0.5rem 0"><figcaption style="font-weight:600;'
            f'font-size:0.875rem;margin:0 0 0.35rem 0">{escape(title)}</figcaption>'
            f'<img src="data:image/svg+xml;base64,{data}" alt="{escape(alt)}" '
            'style="display:block;width:100%;max-width:40rem;height:auto"></figure>')
