"""Plotly figures in the product's style: Finnish separators, colour-blind-safe colours, units and years."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SEPARATORS = ",\u202f"  # decimal comma, narrow no-break space for thousands


def style(fig: go.Figure, title: str | None = None, y_title: str | None = None, height: int = 380) -> go.Figure:
    fig.update_layout(
        separators=SEPARATORS, height=height, margin=dict(l=10, r=10, t=50 if title else 20, b=10),
        title=title, colorway=PALETTE, legend=dict(orientation="h", yanchor="top", y=-0.15),
        font=dict(size=14), plot_bgcolor="white",
    )
    fig.update_yaxes(title=y_title, gridcolor="#DDDDDD", zerolinecolor="#999999", tickformat=",~r" if False else None)
    fig.update_xaxes(gridcolor="#EEEEEE")
    return fig


def line_chart(frame: pd.DataFrame, x: str, y: str, series: str, title: str, unit: str, decimals: int = 1,
               dash_by: str | None = None) -> go.Figure:
    fig = go.Figure()
    symbols = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon"]
    for i, (name, part) in enumerate(frame.groupby(series, sort=False)):
        fig.add_trace(go.Scatter(
            x=part[x], y=part[y], name=str(name), mode="lines+markers",
            marker=dict(symbol=symbols[i % len(symbols)], size=7),
            line=dict(color=PALETTE[i % len(PALETTE)], dash=["solid", "dash", "dot", "dashdot"][i // len(PALETTE) % 4]),
            hovertemplate=f"%{{x}}: %{{y:,.{decimals}f}} {unit}<extra>{name}</extra>",
        ))
    fig.update_xaxes(title="Vuosi", dtick=2, tickformat="d")
    return style(fig, title, unit)


def ranking_chart(frame: pd.DataFrame, value: str, label: str, title: str, unit: str, decimals: int,
                  references: dict[str, float], highlight: str | None = None) -> go.Figure:
    frame = frame.sort_values(value)
    colours = ["#D55E00" if n == highlight else "#0072B2" for n in frame[label]]
    fig = go.Figure(go.Bar(
        x=frame[value], y=frame[label], orientation="h", marker_color=colours,
        text=[f"{v:,.{decimals}f}".replace(",", "\u202f").replace(".", ",") if pd.notna(v) else "–" for v in frame[value]],
        textposition="outside", hovertemplate=f"%{{y}}: %{{x:,.{decimals}f}} {unit}<extra></extra>",
    ))
    dashes = ["dash", "dot", "dashdot"]
    for i, (name, ref) in enumerate(references.items()):
        if ref is None or pd.isna(ref):
            continue
        fig.add_vline(x=ref, line_dash=dashes[i % 3], line_color="#000000",
                      annotation_text=f"{name} {ref:,.{decimals}f}".replace(",", "\u202f").replace(".", ","),
                      annotation_position="top" if i % 2 == 0 else "bottom")
    fig.update_xaxes(title=unit)
    return style(fig, title, None, height=max(380, 26 * len(frame) + 120))


def tile_map(tiles: pd.DataFrame, value: str, label: str, title: str, unit: str, decimals: int,
             symbol: str | None = None) -> go.Figure:
    """Equal squares laid out like the region: small municipalities weigh as much as Kuopio."""
    fig = go.Figure(go.Scatter(
        x=tiles["col"], y=-tiles["row"], mode="markers+text",
        marker=dict(symbol="square", size=70, color=tiles[value], colorscale="Cividis", showscale=True,
                    colorbar=dict(title=unit), line=dict(color="white", width=2)),
        text=[f"{n}<br>{'' if pd.isna(v) else f'{v:,.{decimals}f}'.replace(',', ' ').replace('.', ',')}"
              + (f" {s}" if symbol and isinstance(s, str) else "")
              for n, v, s in zip(tiles[label], tiles[value], tiles[symbol] if symbol else [None] * len(tiles))],
        textfont=dict(size=10, color="white"),
        hovertemplate="%{text}<extra></extra>",
    ))
    fig.update_xaxes(visible=False, range=[-0.6, tiles["col"].max() + 0.6])
    fig.update_yaxes(visible=False, range=[-tiles["row"].max() - 0.6, 0.6], scaleanchor="x")
    return style(fig, title, None, height=480)
