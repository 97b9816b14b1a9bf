"""Municipal borders: python -m data_sources geometry (tiny in-test GeoJSON; the real MML file when present)."""
from __future__ import annotations

import json

import duckdb
import pytest

from data_sources.__main__ import main as cli
from common.geo import bounds
from data_sources.geometry import GeometryError, parse_features
from tests.conftest import shared_file


def square(lon: float, lat: float, size: float = 0.3) -> dict:
    ring = [[lon, lat], [lon, lat + size], [lon + size, lat + size], [lon + size, lat], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def feature(code, geometry=None, prop="NATCODE", name="X") -> dict:
    return {"type": "Feature", "properties": {prop: code, "NAMEFIN": name}, "geometry": geometry or square(27, 63)}


TINY = collection([feature("297", square(27.5, 62.8), name="Kuopio"), feature("749", square(27.6, 63.1), name="Siilinjärvi"),
                   feature("091", square(24.9, 60.1), name="Helsinki")])


def write(tmp_path, data, name="rajat.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_keeps_only_the_regions_municipalities_and_logs_the_load(fresh_db, tmp_path, capsys):
    assert cli(["geometry", "--file", str(write(tmp_path, TINY)), "--db", str(fresh_db)]) == 0
    con = duckdb.connect(str(fresh_db), read_only=True)
    rows = con.execute("SELECT municipality_code, name_fi, geojson, load_id FROM geometry ORDER BY 1").fetchall()
    assert [r[:2] for r in rows] == [("297", "Kuopio"), ("749", "Siilinjärvi")]
    assert json.loads(rows[0][2])["id"] == "297"
    log = con.execute("SELECT source, status, licence, rows FROM load_log WHERE load_id = ?", [rows[0][3]]).fetchone()
    assert log == ("geometry", "partial", "CC BY 4.0 (Tilastokeskus / Maanmittauslaitos)", 2)
    assert "Maanmittauslaitos" in capsys.readouterr().out


def test_code_property_is_configurable_and_codes_are_padded(fresh_db, tmp_path):
    data = collection([feature(140, prop="kunta_nro"), feature("297", prop="kunta_nro")])
    assert cli(["geometry", "--file", str(write(tmp_path, data)), "--code-property", "kunta_nro", "--db", str(fresh_db)]) == 0
    con = duckdb.connect(str(fresh_db), read_only=True)
    assert [r[0] for r in con.execute("SELECT municipality_code FROM geometry ORDER BY 1").fetchall()] == ["140", "297"]


@pytest.mark.parametrize("data, message", [
    ({"type": "Feature"}, "FeatureCollection"),
    (collection([]), "ei ole kohteita"),
    (collection([feature("297"), {"type": "Feature", "properties": {"OTHER": 1}, "geometry": square(1, 1)}]), "kohde 1: ominaisuus 'NATCODE' puuttuu"),
    (collection([feature("297", {"type": "Point", "coordinates": [27, 63]})]), "kohde 0 (kunta 297, ominaisuus 'NATCODE'): geometrian tyyppi 'Point'"),
    (collection([feature("297", square(530000, 6950000))]), "ei ole WGS84"),
    (collection([feature("297"), feature("297")]), "kahdesti"),
    (collection([feature("999")]), "yhdenkään"),
])
def test_bad_input_is_rejected_with_feature_index_and_property(data, message):
    with pytest.raises(GeometryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_features(data, {"297": "Kuopio", "749": "Siilinjärvi"}, "NATCODE")


def test_cli_exits_1_and_leaves_the_database_unchanged(fresh_db, tmp_path, capsys):
    before = fresh_db.read_bytes()
    bad = write(tmp_path, collection([feature("297", {"type": "Polygon", "coordinates": [[[27, 63], [27, 64]]]})]))
    assert cli(["geometry", "--file", str(bad), "--db", str(fresh_db)]) == 1
    assert "kohde 0" in capsys.readouterr().err
    assert fresh_db.read_bytes() == before
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    assert cli(["geometry", "--file", str(tmp_path / "broken.json"), "--db", str(fresh_db)]) == 1
    assert cli(["geometry", "--file", str(tmp_path / "missing.json"), "--db", str(fresh_db)]) == 1


def test_bounds_and_map_view():
    from ui.maps import centre_and_zoom

    assert bounds(TINY["features"][:2]) == pytest.approx((27.5, 62.8, 27.9, 63.4))
    centre, zoom = centre_and_zoom(TINY)
    assert 24 < centre["lon"] < 28 and 4 < zoom < 9


def test_real_mml_borders_give_all_19_municipalities(fresh_db):
    path = shared_file("geo", "kuntarajat.2023.json")
    assert cli(["geometry", "--file", str(path), "--db", str(fresh_db)]) == 0  # default property NATCODE
    con = duckdb.connect(str(fresh_db), read_only=True)
    assert con.execute("SELECT count(*) FROM geometry").fetchone()[0] == 19
    assert con.execute("SELECT status FROM load_log WHERE source = 'geometry'").fetchone()[0] == "ok"
