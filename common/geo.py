"""Municipal borders: their attribution and extent (pure; the loader and the map both use them)."""
from __future__ import annotations

ATTRIBUTION = "Kuntarajat: © Maanmittauslaitos / Tilastokeskus, CC BY 4.0"


def bounds(features: list[dict]) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of Polygon/MultiPolygon features."""
    lons, lats = [], []
    for feature in features:
        geom = feature["geometry"]
        polygons = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        for polygon in polygons:
            for ring in polygon:
                lons.extend(p[0] for p in ring)
                lats.extend(p[1] for p in ring)
    return min(lons), min(lats), max(lons), max(lats)
