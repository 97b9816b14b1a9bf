"""Municipal borders for the choropleth map (optional: the tile map needs no geometry).

    python -m data_sources geometry --file kuntarajat.2023.json [--code-property NATCODE] [--db PATH]
    python -m data_sources geometry --url https://…/kuntarajat.json

Accepts a GeoJSON FeatureCollection in WGS84 longitude/latitude (Statistics Finland / MML open
municipal borders, e.g. the 1:4 500 000 "kuntajako"; CC BY 4.0). The municipality code is read from
`--code-property` (default NATCODE, as in MML/Tilastokeskus files; "kuntanumero"/"kunta"/"code" are
tried when NATCODE is absent). Only the region's municipalities are kept; they are stored in table
`geometry(municipality_code, name_fi, geojson, load_id)` in one atomic load. Bad input is rejected
as a whole with the feature index and property named, exit code 1.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from common.geo import ATTRIBUTION
from common.i18n import Phrase, t
from data_sources.http import make_session, user_agent
from data_sources.uploads import UnreadableFile, read_regular_file
from store.config import db_path, region_config
from store.warehouse import connect_read, writing

SOURCE = "geometry"
LICENCE = "CC BY 4.0 (Tilastokeskus / Maanmittauslaitos)"
DEFAULT_CODE_PROPERTY = "NATCODE"
FALLBACK_CODE_PROPERTIES = ("NATCODE", "kuntanumero", "kunta", "kuntakoodi", "code", "KUNTA")
NAME_PROPERTIES = ("NAMEFIN", "nimi", "name_fi", "name", "NAME")
MAX_BYTES = 200 * 1024 * 1024


class GeometryError(ValueError):
    """Input that cannot be loaded; the message names the feature index and the property."""

def _check_position(pos, where: str) -> None:
    if not isinstance(pos, (list, tuple)) or len(pos) < 2:
        raise GeometryError(t("loaders.geometry.not_a_pair", where=where, value=str(pos)[:60]))
    lon, lat = pos[0], pos[1]
    if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in (lon, lat)):
        raise GeometryError(t("loaders.geometry.not_a_number", where=where, value=str(pos)[:60]))
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise GeometryError(t("loaders.geometry.not_wgs84", where=where, lon=lon, lat=lat))


def _check_geometry(geom, where: str) -> None:
    if not isinstance(geom, dict):
        raise GeometryError(t("loaders.geometry.no_geometry", where=where))
    kind = geom.get("type")
    coords = geom.get("coordinates")
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon":
        polygons = coords
    else:
        raise GeometryError(t("loaders.geometry.not_a_polygon", where=where, kind=repr(kind)))
    if not isinstance(polygons, list) or not polygons:
        raise GeometryError(t("loaders.geometry.no_coordinates", where=where))
    for p, polygon in enumerate(polygons):
        if not isinstance(polygon, list) or not polygon:
            raise GeometryError(t("loaders.geometry.empty_polygon", where=where, polygon=p))
        for r, ring in enumerate(polygon):
            if not isinstance(ring, list) or len(ring) < 4:
                raise GeometryError(t("loaders.geometry.short_ring", where=where, polygon=p, ring=r))
            for pos in ring:
                _check_position(pos, t("loaders.geometry.where_ring", where=where, ring=r))


def _normalise_code(value) -> str | None:
    if value is None:
        return None
    text = str(int(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value).strip()
    if text.isdigit() and len(text) <= 3:
        text = text.zfill(3)
    return text or None


def parse_features(data: dict, wanted: dict[str, str], code_property: str | None = None) -> tuple[list[dict], str]:
    """Validate a FeatureCollection; keep the features whose code is in `wanted` (code -> name).

    Returns (features with properties {kuntanumero, nimi}, the code property used)."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise GeometryError(t("loaders.geometry.not_a_collection"))
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise GeometryError(t("loaders.geometry.no_features"))
    crs = ((data.get("crs") or {}).get("properties") or {}).get("name", "")
    if crs and "4326" not in crs and "CRS84" not in crs:
        raise GeometryError(t("loaders.geometry.wrong_crs", crs=crs))
    if code_property is None:
        first = next((f.get("properties") or {} for f in features if isinstance(f, dict)), {})
        code_property = next((p for p in FALLBACK_CODE_PROPERTIES if p in first), DEFAULT_CODE_PROPERTY)
    kept: dict[str, dict] = {}
    for index, feature in enumerate(features):
        where = t("loaders.geometry.where_feature", index=index)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise GeometryError(t("loaders.geometry.not_a_feature", where=where))
        props = feature.get("properties") or {}
        if code_property not in props:
            available = ", ".join(sorted(props)) or t("loaders.geometry.no_properties")
            raise GeometryError(t("loaders.geometry.property_missing", where=where, property=repr(code_property),
                                  available=available))
        code = _normalise_code(props.get(code_property))
        if code not in wanted:
            continue
        _check_geometry(feature.get("geometry"), t("loaders.geometry.where_municipality", where=where, code=code,
                                                   property=repr(code_property)))
        if code in kept:
            raise GeometryError(t("loaders.geometry.twice", where=where, code=code, property=repr(code_property)))
        name = next((props[p] for p in NAME_PROPERTIES if isinstance(props.get(p), str)), wanted[code])
        kept[code] = {"type": "Feature", "id": code, "properties": {"kuntanumero": code, "nimi": name},
                      "geometry": feature["geometry"]}
    if not kept:
        raise GeometryError(t("loaders.geometry.none_found", property=repr(code_property), count=len(features)))
    return [kept[c] for c in sorted(kept)], code_property


def read_source(file: str | None = None, url: str | None = None) -> tuple[bytes, str]:
    if file:
        path = Path(file)
        try:  # regular files only (not /dev/zero, a FIFO or a folder), never more than MAX_BYTES + 1 bytes
            return read_regular_file(path, MAX_BYTES), str(path.resolve())
        except UnreadableFile as exc:
            raise GeometryError(str(exc)) from None
        except OSError as exc:
            raise GeometryError(t("loaders.geometry.unreadable", path=path, reason=exc.strerror)) from exc

    import requests

    contact = getattr(region_config(), "contact_url", "https://github.com/")
    try:
        response = make_session(user_agent(contact)).get(url)
    except (requests.RequestException, ValueError) as exc:
        raise GeometryError(t("loaders.geometry.download_failed", url=url,
                              error=f"{type(exc).__name__}: {exc}")) from exc
    if response.status_code != 200:
        raise GeometryError(f"{url}: HTTP {response.status_code}")  # the address and the status: no words
    return response.content, url


def load_geometry(raw: bytes, origin: str, code_property: str | None = None, db: Path | None = None) -> dict:
    """Validate and store; returns {'kept': n, 'missing': [names], 'code_property': name}."""
    path = db or db_path()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeometryError(t("loaders.geometry.not_json", origin=origin, error=exc)) from exc
    with connect_read(path) as con:
        wanted = dict(con.execute("SELECT code, name_fi FROM wh.own_municipality").fetchall())
    features, used = parse_features(data, wanted, code_property)
    missing = sorted(name for code, name in wanted.items() if code not in {f["id"] for f in features})
    with writing(SOURCE, target=origin, params={"code_property": used}, licence=LICENCE, path=path) as load:
        load.con.execute("DELETE FROM geometry")
        load.con.executemany(
            "INSERT INTO geometry (municipality_code, name_fi, geojson, load_id) VALUES (?, ?, ?, ?)",
            [[f["id"], wanted[f["id"]], json.dumps(f, ensure_ascii=False, separators=(",", ":")), load.load_id]
             for f in features])
        load.rows = len(features)
        if missing:
            load.status = "partial"
            load.message = Phrase("load_log.geometry_missing", codes=", ".join(missing))
        else:
            load.message = Phrase("load_log.geometry_loaded", count=len(features))
    return {"kept": len(features), "missing": missing, "code_property": used}


def feature_collection(rows) -> dict:
    """The stored geometries (iterable of geojson strings) as one FeatureCollection."""
    return {"type": "FeatureCollection", "features": [json.loads(r) for r in rows]}


def _cmd(args) -> int:
    try:
        raw, origin = read_source(args.file, args.url)
        result = load_geometry(raw, origin, args.code_property, db_path(args.db))
    except GeometryError as exc:
        print(t("loaders.cli_error", error=exc), file=sys.stderr)
        return 1
    print(t("loaders.geometry.loaded", count=result["kept"], property=repr(result["code_property"])))
    if result["missing"]:
        print(t("loaders.geometry.missing", names=", ".join(result["missing"])), file=sys.stderr)
    print(ATTRIBUTION)
    return 0


def add_cli(subparsers) -> None:
    p = subparsers.add_parser("geometry", help=t("cli.geometry.help"))
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--file", help=t("cli.geometry.file_help"))
    source.add_argument("--url", help=t("cli.geometry.url_help"))
    p.add_argument("--code-property", default=None,
                   help=t("cli.geometry.code_property_help", default=DEFAULT_CODE_PROPERTY,
                          others=", ".join(FALLBACK_CODE_PROPERTIES[1:])))
    p.add_argument("--db", help=t("cli.db_help"))
    p.set_defaults(func=_cmd)
