"""Plotly figures in the product's style: Finnish separators, colour-blind-safe colours, units and years.

Every text a figure gets from data (names, titles, units, categories, hover texts) is escaped here with
ui.safe.chart, because Plotly renders HTML (links, images via styles, bold) in all of them."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from common.i18n import t
from ui.safe import chart as esc

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SEPARATORS = ",\u202f"  # decimal comma, narrow no-break space for thousands


def style(fig: go.Figure, title: str | None = None, y_title: str | None = None, height: int = 380) -> go.Figure:
    fig.update_layout(
        separators=SEPARATORS, height=height, margin=dict(l=10, r=10, t=50 if title else 20, b=10),
        title=esc(title) if title else None, colorway=PALETTE, legend=dict(orientation="h", yanchor="top", y=-0.15),
        font=dict(size=14), plot_bgcolor="white",
    )
    fig.update_yaxes(title=esc(y_title) if y_title else None, gridcolor="#DDDDDD", zerolinecolor="#999999", tickformat=",~r" if False else None)
    fig.update_xaxes(gridcolor="#EEEEEE")
    return fig


def line_chart(frame: pd.DataFrame, x: str, y: str, series: str, title: str, unit: str, decimals: int = 1,
               dash_by: str | None = None) -> go.Figure:
    fig = go.Figure()
    symbols = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon"]
    for i, (name, part) in enumerate(frame.groupby(series, sort=False)):
        name = esc(name)
        fig.add_trace(go.Scatter(
            x=part[x], y=part[y], name=name, mode="lines+markers",
            marker=dict(symbol=symbols[i % len(symbols)], size=7),
            line=dict(color=PALETTE[i % len(PALETTE)], dash=["solid", "dash", "dot", "dashdot"][i // len(PALETTE) % 4]),
            hovertemplate=f"%{{x}}: %{{y:,.{decimals}f}} {esc(unit)}<extra>{name}</extra>",
        ))
    fig.update_xaxes(title=t("chart.axis_year"), dtick=2, tickformat="d")
    return style(fig, title, unit)


def ranking_chart(frame: pd.DataFrame, value: str, label: str, title: str, unit: str, decimals: int,
                  references: dict[str, float], highlight: str | None = None) -> go.Figure:
    frame = frame.sort_values(value)
    colours = ["#D55E00" if n == highlight else "#0072B2" for n in frame[label]]
    fig = go.Figure(go.Bar(
        x=frame[value], y=[esc(n) for n in frame[label]], orientation="h", marker_color=colours,
        text=[f"{v:,.{decimals}f}".replace(",", "\u202f").replace(".", ",") if pd.notna(v) else "–" for v in frame[value]],
        textposition="outside", hovertemplate=f"%{{y}}: %{{x:,.{decimals}f}} {esc(unit)}<extra></extra>",
    ))
    dashes = ["dash", "dot", "dashdot"]
    for i, (name, ref) in enumerate(references.items()):
        if ref is None or pd.isna(ref):
            continue
        fig.add_vline(x=ref, line_dash=dashes[i % 3], line_color="#000000",
                      annotation_text=esc(name) + f" {ref:,.{decimals}f}".replace(",", "\u202f").replace(".", ","),
                      annotation_position="top" if i % 2 == 0 else "bottom")
    fig.update_xaxes(title=esc(unit))
    return style(fig, title, None, height=max(380, 26 * len(frame) + 120))


def _ink_on_cividis(values: pd.Series) -> list[str]:
    """Black text on the light (yellow) end of Cividis, white on the dark end: ≥ 4.5:1 either way."""
    v = pd.to_numeric(values, errors="coerce")
    lo, hi = v.min(), v.max()
    span = (hi - lo) or 1.0
    return ["#333333" if pd.isna(x) else ("black" if (x - lo) / span > 0.55 else "white") for x in v]


def tile_map(tiles: pd.DataFrame, value: str, label: str, title: str, unit: str, decimals: int,
             symbol: str | None = None) -> go.Figure:
    """Equal squares laid out like the region: a small municipality weighs as much as the largest."""
    fig = go.Figure(go.Scatter(
        x=tiles["col"], y=-tiles["row"], mode="markers+text",
        marker=dict(symbol="square", size=70, color=tiles[value], colorscale="Cividis", showscale=True,
                    colorbar=dict(title=esc(unit)), line=dict(color="white", width=2)),
        text=[f"{esc(n)}<br>{'' if pd.isna(v) else f'{v:,.{decimals}f}'.replace(',', ' ').replace('.', ',')}"
              + (f" {s}" if symbol and isinstance(s, str) else "")
              for n, v, s in zip(tiles[label], tiles[value], tiles[symbol] if symbol else [None] * len(tiles))],
        textfont=dict(size=10, color=_ink_on_cividis(tiles[value])),
        hovertemplate="%{text}<extra></extra>",
    ))
    fig.update_xaxes(visible=False, range=[-0.6, tiles["col"].max() + 0.6])
    fig.update_yaxes(visible=False, range=[-tiles["row"].max() - 0.6, 0.6], scaleanchor="x")
    return style(fig, title, None, height=480)


# Comparison categories → (code, colour, text colour). Blue/orange (Okabe–Ito) separate for every common
# colour-vision deficiency, and every cell also carries the symbol (▲ ＝ ▼ …), so colour is never alone.
# Full-width ＝/＋ have no glyph in the fonts plotly's SVG text falls back to; charts use the ASCII forms.
CHART_SAFE = {"＝": "=", "＋": "+"}
COMPARISON_STYLE = {
    "parempi": (0, "#0072B2", "white"), "samaa tasoa": (1, "#D9D9D9", "black"), "heikompi": (2, "#B34700", "white"),
    "suurempi": (3, "#56B4E9", "black"), "pienempi": (4, "#F0E442", "black"), "ei vertailua": (5, "#FFFFFF", "black"),
}


def fi(value, decimals: int = 1) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",").replace("-", "\u2212")


def short_labels(labels: list[str], width: int) -> list[str]:
    """Labels cut to `width` characters with '…', each still unique: a category axis merges equal labels, which
    once drew two indicators ('Poliisin tietoon tulleet h…') as one column. A clash is cut longer until the
    labels differ, or left whole."""
    out = list(labels)
    for limit in range(width, max((len(x) for x in labels), default=0) + 1):
        out = [x if len(x) <= limit else x[: limit - 2].rstrip() + "…" for x in labels]
        if len(set(out)) == len(set(labels)):
            return out
    return list(labels)


def comparison_heatmap(cells: pd.DataFrame, row: str, col: str, comparison: str, hover: str, title: str,
                       symbols: dict[str, str]) -> go.Figure:
    """Rows × columns, each cell coloured by its comparison category and labelled with its symbol."""
    symbols = {k: CHART_SAFE.get(v, v) for k, v in symbols.items()}
    comparable = cells.groupby(col)[comparison].transform(lambda s: (s != "ei vertailua").any())
    cells = cells[comparable]
    rows = sorted(cells[row].unique(), reverse=True)
    cols = list(dict.fromkeys(cells[col]))
    codes = {k: v[0] for k, v in COMPARISON_STYLE.items()}
    grid = cells.assign(_z=cells[comparison].map(codes).fillna(5).astype(float),
                        _text=cells[comparison].map(symbols).fillna("·"), _tip=cells[hover])

    def layer(values: str) -> pd.DataFrame:
        wide = grid.pivot_table(index=row, columns=col, values=values, aggfunc="last", sort=False)
        return wide.reindex(index=rows, columns=cols)

    z, text, tips = layer("_z").astype(float), layer("_text").fillna(""), layer("_tip").fillna("")
    n = len(COMPARISON_STYLE)
    scale = []
    for name, (code, colour, _) in COMPARISON_STYLE.items():
        scale += [[code / n, colour], [(code + 1) / n, colour]]
    xs, ys = [esc(c) for c in short_labels(cols, 28)], [esc(r) for r in rows]
    fig = go.Figure(go.Heatmap(
        z=z.to_numpy(), x=xs, y=ys, zmin=0, zmax=n, colorscale=scale, showscale=False,
        customdata=tips.to_numpy(), hovertemplate="%{y}<br>%{customdata}<extra></extra>", xgap=2, ygap=2,
    ))
    # The symbols as one text trace, each coloured for contrast (white on the dark categories). Not the
    # heatmap's own text plus an annotation per dark cell: plotly draws every annotation as its own SVG
    # group and lays them all out again on each redraw, which made this the slowest figure in the browser.
    ink = {code: text_colour for code, _fill, text_colour in COMPARISON_STYLE.values()}
    marks, zs = text.to_numpy(), z.to_numpy()
    yi, xi = (marks != "").nonzero()
    fig.add_trace(go.Scatter(
        x=[xs[i] for i in xi], y=[ys[j] for j in yi], mode="text", text=marks[yi, xi].tolist(),
        textfont=dict(size=15, color=[ink.get(v, "black") for v in zs[yi, xi]]), hoverinfo="skip", showlegend=False,
    ))
    fig.update_xaxes(side="top", tickangle=-40)
    fig = style(fig, title, None, height=max(420, 26 * len(rows) + 300))
    fig.update_layout(margin=dict(t=250), title=dict(y=0.99, yanchor="top"))
    return fig
