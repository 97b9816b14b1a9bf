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
