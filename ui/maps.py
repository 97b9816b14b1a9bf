"""Maps that work offline: the tile map (no geometry) and, when borders are loaded, a choropleth.

px.choropleth (d3-geo) draws nothing offline; px.choropleth_map with map_style="white-bg" (MapLibre,
no tiles) does. Its centre and zoom come from the features' bounds.
"""
from __future__ import annotations

import math

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from common.geo import bounds
from common.i18n import t
from ui.charts import SEPARATORS
from ui.safe import chart as esc

SEQUENTIAL = "Cividis"  # perceptually uniform and colour-vision-deficiency safe


def centre_and_zoom(collection: dict, width_px: int = 700, height_px: int = 520) -> tuple[dict, float]:
    min_lon, min_lat, max_lon, max_lat = bounds(collection["features"])
    centre = {"lon": (min_lon + max_lon) / 2, "lat": (min_lat + max_lat) / 2}

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_span = max(max_lon - min_lon, 1e-6) / 360
    lat_span = max(merc(max_lat) - merc(min_lat), 1e-6) / (2 * math.pi)
    zoom = min(math.log2(width_px / 512 / lon_span), math.log2(height_px / 512 / lat_span)) - 0.15
    return centre, round(zoom, 2)


def choropleth(collection: dict, frame: pd.DataFrame, code: str, value: str, label: str, title: str, unit: str,
               decimals: int, height: int = 520) -> go.Figure:
    """frame: one row per municipality with `code`, `value`, `label` (and optionally 'symbol')."""
    centre, zoom = centre_and_zoom(collection, height_px=height - 80)
    frame = frame.copy()
    frame[label] = [esc(n) for n in frame[label]]  # Plotly renders HTML in hover names and titles
    unit = esc(unit)
    frame["_teksti"] = [
        "–" if pd.isna(v) else f"{v:,.{decimals}f}".replace(",", "\u202f").replace(".", ",") + f" {unit}"
        for v in frame[value]]
    fig = px.choropleth_map(
        frame, geojson=collection, locations=code, featureidkey="id", color=value,
        color_continuous_scale=SEQUENTIAL, map_style="white-bg", center=centre, zoom=zoom,
        hover_name=label, hover_data={code: False, value: False, "_teksti": True},
        labels={"_teksti": t("map.value"), value: unit}, opacity=0.9,
    )
    fig.update_traces(marker_line_color="white", marker_line_width=1.2)
    fig.update_layout(
        title=esc(title), height=height, separators=SEPARATORS, margin=dict(l=10, r=10, t=50, b=45),
        coloraxis_colorbar=dict(title=unit, tickformat=f",.{decimals}f"), font=dict(size=14),
        annotations=[dict(text=t("map.attribution"), showarrow=False, xref="paper", yref="paper", x=0, y=-0.01,
                          xanchor="left", yanchor="top", font=dict(size=11, color="#333333"))],
    )
    return fig
