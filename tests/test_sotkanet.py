"""Sotkanet client, parsing and loader — against a local replay server, no network.

Real recorded responses are read by path from ../shared/fixtures/sotkanet/ (tests that need
them skip when the folder is absent); constructed responses in the same formats live in
tests/fixtures/sotkanet/ (see its README).
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
import requests

from data_sources import sotkanet as sk
from data_sources import sotkanet_cli, sotkanet_rows
from data_sources.http import make_session, user_agent
from store.warehouse import connect_read, table_checksum, writing
from tests.sotkanet_replay import ReplayServer, ReplayState

HERE = Path(__file__).resolve().parent
OWN = HERE / "fixtures" / "sotkanet"
SHARED = HERE.parents[1] / "shared" / "fixtures" / "sotkanet"  # ../shared beside the project
CONTACT = "https://github.com/pohjois-savo/tilannekuva"


def shared(name: str) -> Path:
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"recorded Sotkanet fixture not available: {path}")
    return path


def hus_metadata(indicator_id: int) -> bytes:
    """One real /indicators/{id} response from the recorder's wrapper (its added key removed)."""
    for part in "ab":
        data = json.loads(shared(f"hus_indicator_metadata_2025-09-09_{part}.json").read_text(encoding="utf-8"))
        entry = data["indicators"].get(str(indicator_id))
        if entry is not None:
            entry = dict(entry)
            entry.pop("indicator_id", None)
            return json.dumps(entry, ensure_ascii=False).encode("utf-8")
    raise KeyError(indicator_id)


# ---------------------------------------------------------------- fixtures


pytestmark = pytest.mark.usefixtures("fast_backoff")


@pytest.fixture
def db(catalogue_copy) -> Path:
    return catalogue_copy


def own_state() -> ReplayState:
    return ReplayState(
        regions=(OWN / "regions_pohjois_savo.json").read_bytes(),
        metadata={i: (OWN / f"indicator_{i}.json").read_bytes() for i in (127, 171)},
        json_rows={i: (OWN / f"json_{i}.json").read_bytes() for i in (127, 171, 5527)},
    )


@pytest.fixture
def server():
    with ReplayServer(own_state()) as srv:
        yield srv


def run(db: Path, srv: ReplayServer | None, *args: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    sotkanet_cli.add_cli(parser.add_subparsers())
    argv = ["sotkanet", "--db", str(db), *args]
    if srv is not None and "--from-dump" not in args and "--base-url" not in args:
        argv += ["--base-url", srv.base_url]
    ns = parser.parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = ns.func(ns)
    return code, out.getvalue(), err.getvalue()


def q(db: Path, sql: str, *params):
    con = connect_read(db)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def checksum(db: Path, table: str, where: str = "", params=None) -> str:
    con = connect_read(db)
    try:
        return table_checksum(con, table, where, params)
    finally:
        con.close()


def data_checksums(db: Path) -> dict:
    """Every data table except the load log (which records times)."""
    con = connect_read(db)
    try:
        return {
            "observation": table_checksum(con, "(SELECT * EXCLUDE (load_id) FROM observation)"),
            "derived": table_checksum(con, "derived_observation"),
            "indicator": table_checksum(con, "indicator"),
            "region": table_checksum(con, "region"),
        }
    finally:
        con.close()


def items(db: Path, load_id: int | None = None) -> dict[str, tuple]:
    if load_id is None:
        load_id = q(db, "SELECT max(load_id) FROM load_log WHERE source = 'sotkanet'")[0][0]
    return {r[0]: r[1:] for r in q(db, "SELECT item, status, rows, data_updated, message FROM load_item"
                                       " WHERE load_id = ? ORDER BY item", load_id)}


# ---------------------------------------------------------------- pure parsing


def test_html_to_text_drops_tags_scripts_and_decodes_entities():
    text = sk.html_to_text('Eka<br>toka &amp; &lt;b&gt;<p id=x>kappale</p><script>alert("x")</script>'
                           '<style>p{}</style><ul><li>yksi</li><li>kaksi</li></ul><img src=x onerror=alert(1)>')
    assert not any(tag in text for tag in ("<p", "<br", "<script", "<style", "<img", "<li", "</"))
    assert "alert" not in text and "p{}" not in text and "onerror" not in text
    assert text.splitlines()[:2] == ["Eka", "toka & <b>"]
    assert "kappale" in text and "• yksi" in text and "• kaksi" in text
    assert sk.html_to_text("") is None and sk.html_to_text("  <br> ") is None and sk.html_to_text(None) is None


def test_real_metadata_parses_to_plain_text():
    meta = sk.parse_indicator_metadata(hus_metadata(186), 186)
    assert meta.title_fi == "Kuolleisuus / 100 000 asukasta"
    assert meta.unit == "Sataa tuhatta asukasta kohden" and meta.decimals == 1
    assert meta.organisation == "Tilastokeskus"
    assert str(meta.data_updated) == "2025-04-29" and (meta.range_start, meta.range_end) == (1990, 2024)
    assert "<" not in meta.description_fi and "id=suhteutus" not in meta.description_fi
    assert "Väestösuhteutus on tehty THL:ssä" in meta.description_fi
    assert meta.interpretation_fi is None  # "" in the API
    assert meta.metadata_url == "https://sotkanet.fi/sotkanet/fi/metadata/indicators/186"
    with pytest.raises(sk.SotkanetError, match="pyydettiin indikaattoria 5"):
        sk.parse_indicator_metadata(hus_metadata(186), 5)


def test_real_regions_2015_and_indicator_list():
    regions = sk.parse_regions(shared("oskari_regions_2015.json").read_bytes())
    assert len(regions) == 511
    assert "HYVINVOINTIALUE" not in set(regions["category"])
    kuopio = regions[(regions["category"] == "KUNTA") & (regions["code"] == "297")]
    assert kuopio["id"].tolist() == [161] and kuopio["title_fi"].tolist() == ["Kuopio"]
    # code 13 is a hospital district here, not a wellbeing services county
    assert set(regions.loc[regions["code"] == "13", "category"]) >= {"SAIRAANHOITOPIIRI"}
    indicators = sk.parse_indicator_list(shared("oskari_indicators_2015.json").read_bytes())
    assert len(indicators) == 2434 and indicators["id"].min() == 4 and indicators["id"].max() == 10092


def stage(body: bytes, indicator_id: int | None = None, regions: set[int] | None = None,
          fmt: str = "json") -> tuple[pd.DataFrame, sotkanet_rows.Staged]:
    """One response through the loader's own parsing and checks (sotkanet_rows.Stage), every known region
    kept (as KUNTA, code = its id). regions: the ids of /regions (default: every id in the response);
    indicator_id: the one asked for (default: the response's first). -> (kept rows, what was staged)."""
    if regions is None or indicator_id is None:
        if fmt == "csv":
            raw = sotkanet_rows.parse_data_csv(body)
            ids, first = {int(r) for r in raw["region"]}, int(raw["indicator"].iloc[0])
        else:
            data = json.loads(body)
            ids, first = {int(r["region"]) for r in data if "region" in r}, int(data[0]["indicator"])
        regions = ids if regions is None else regions
        indicator_id = first if indicator_id is None else indicator_id
    known = pd.DataFrame({"id": sorted(regions)})
    wanted = known.assign(category="KUNTA", code=known["id"].astype(str))
    with sotkanet_rows.Stage(known, wanted) as st:
        staged = st.add(body, indicator_id, fmt)
        rows = st.con.execute("SELECT indicator_id AS indicator, CAST(region_code AS INTEGER) AS region, year, "
                              "gender, value, abs_value FROM staged").df()
    return rows, staged


def test_real_json_rows_with_and_without_abs_value():
    rows, staged = stage(shared("omsorgsradar_sotkanet_127_g2_fixture.json").read_bytes())
    assert len(rows) == 10 == staged.fetched_rows and rows["abs_value"].isna().all()
    assert rows.set_index(["region", "year"]).loc[(46, 2019), "value"] == 653835
    rows, _ = stage(shared("omsorgsradar_sotkanet_171_fixture.json").read_bytes())
    helsinki = rows.set_index(["region", "year"]).loc[(46, 2023)]
    assert (helsinki["value"], helsinki["abs_value"]) == (8.6, 57877)


def test_real_csv_rows_parse_like_json():
    rows, _ = stage(shared("oskari_csv_indicator127_2009.csv").read_bytes(), fmt="csv")
    assert len(rows) == 466
    assert set(rows["year"]) == {2009} and set(rows["gender"]) == {"total"}
    assert rows["abs_value"].isna().all() and rows["value"].notna().all()
    assert list(rows.dtypes.astype(str)[["value", "abs_value"]]) == ["float64", "float64"]


def test_truncated_and_malformed_json_are_clear_errors():
    body = (OWN / "json_127.json").read_bytes()
    with pytest.raises(sk.SotkanetError, match="katkeaa kesken"):
        stage(body[: len(body) // 2], 127, {161})
    with pytest.raises(sk.SotkanetError, match="katkeaa kesken"):
        stage(b"", 127, {161})
    with pytest.raises(sk.SotkanetError, match="virheellinen"):
        stage(b'[{"indicator": 127,, "region": 1}]', 127, {1})
    with pytest.raises(sk.SotkanetError, match="odotettiin JSON-taulukkoa"):
        stage(b'{"indicator": 127}', 127, {1})
    with pytest.raises(sk.SotkanetError, match="muita kuin JSON-olioita"):
        stage(b'[{"indicator": 127}, 5]', 127, {1})
    with pytest.raises(sk.SotkanetError, match="value ei ole luku: 'n/a' \\(alue 161, vuosi 2023\\)"):
        stage(b'[{"indicator":127,"region":161,"year":2023,"gender":"total","value":"n/a"}]')
    with pytest.raises(sk.SotkanetError, match="value ei ole luku: 'true'"):  # never 1
        stage(b'[{"indicator":127,"region":161,"year":2023,"gender":"total","value":true}]')
    with pytest.raises(sk.SotkanetError, match="year ei ole kokonaisluku: '2023.5' \\(rivi 2\\)"):
        stage(b'[{"indicator":127,"region":161,"year":2023,"gender":"total","value":1},'
              b'{"indicator":127,"region":161,"year":2023.5,"gender":"total","value":1}]')
    with pytest.raises(sk.SotkanetError, match="region puuttuu rivillä 2"):
        stage(b'[{"indicator":127,"region":161,"year":2023,"gender":"total","value":1},'
              b'{"indicator":127,"year":2024,"gender":"total","value":1}]', 127, {161})
    with pytest.raises(sk.SotkanetError, match="äärettömän"):
        stage(b'[{"indicator":127,"region":161,"year":2023,"gender":"total","value":1e400}]')
    with pytest.raises(sk.SotkanetError, match="sukupuoli 'both'"):
        stage(b'[{"indicator":127,"region":161,"year":2023,"gender":"both","value":1}]')
    with pytest.raises(sk.SotkanetError, match="kenttä 'year' puuttuu"):
        stage(b'[{"indicator":127,"region":161,"gender":"total","value":1}]')
    with pytest.raises(sk.SotkanetError, match="tyhjä"):
        stage(b"[]", 127, {161})


def test_null_value_stays_null_not_zero():
    rows, _ = stage(b'[{"indicator":1,"region":2,"year":2020,"gender":"total","value":null},'
                    b'{"indicator":1,"region":3,"year":2020,"gender":"total","value":0,"absValue":0}]')
    rows = rows.set_index("region")
    assert pd.isna(rows.loc[2, "value"]) and pd.isna(rows.loc[2, "abs_value"])
    assert rows.loc[3, "value"] == 0 and rows.loc[3, "abs_value"] == 0


def test_unknown_region_retired_regions_wrong_indicator_and_duplicates():
    body = (b'[{"indicator":1,"region":2,"year":2020,"gender":"total","value":5},'
            b'{"indicator":1,"region":999,"year":2020,"gender":"total","value":7}]')
    with pytest.raises(sk.SotkanetError, match="999 \\(1 riviä\\)"):
        stage(body, 1, {2})
    retired = (b'[{"indicator":1,"region":2,"year":2020,"gender":"total","value":5},'
               b'{"indicator":1,"region":999,"year":2020,"gender":"total","value":0}]')
    kept, staged = stage(retired, 1, {2})
    assert kept["region"].tolist() == [2] and (staged.fetched_rows, staged.kept_rows) == (2, 1)
    assert "999" in staged.note
    with pytest.raises(sk.SotkanetError, match="indikaattorin 1 rivejä, pyydettiin 7"):
        stage(body, 7, {2, 999})
    dup = body[:-1] + b"," + body[1:]
    with pytest.raises(sk.SotkanetError, match="toistuu \\(alue 2, vuosi 2020, total\\)"):
        stage(dup, 1, {2, 999})


def test_a_failed_response_keeps_nothing_in_the_stage():
    known = pd.DataFrame({"id": [2]})
    with sotkanet_rows.Stage(known, known.assign(category="KUNTA", code="2")) as st:
        with pytest.raises(sk.SotkanetError):
            st.add(b'[{"indicator":1,"region":2,"year":2020,"gender":"total","value":5},'
                   b'{"indicator":1,"region":2,"year":2020,"gender":"total","value":6}]', 1)
        assert st.con.execute("SELECT count(*) FROM staged").fetchone()[0] == 0


def test_regions_list_with_one_region_under_two_ids_is_refused():
    body = json.dumps([{"id": 1, "code": "297", "category": "KUNTA", "title": {"fi": "Kuopio"}},
                       {"id": 2, "code": "297", "category": "KUNTA", "title": {"fi": "Kuopio"}}]).encode()
    with pytest.raises(sk.SotkanetError, match="KUNTA 297 toistuu tunnisteilla 1, 2"):
        sk.parse_regions(body)


# ---------------------------------------------------------------- HTTP behaviour


def test_403_without_a_proper_user_agent(server):
    url = server.base_url + "regions"
    import http.client

    host, port = server.httpd.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=5)  # sends no User-Agent at all
    conn.request("GET", "/rest/1.1/regions")
    assert conn.getresponse().status == 403
    conn.close()
    assert requests.get(url, headers={"User-Agent": "null"}, timeout=5).status_code == 403
    assert requests.get(url, timeout=5).status_code == 403  # python-requests/x.y default
    session = make_session(user_agent(CONTACT))
    resp = session.get(url)
    assert resp.status_code == 200
    assert server.state.requests[-1]["user_agent"] == f"Tilannekuva/0.1.0 (+{CONTACT})"
    with pytest.raises(ValueError):
        make_session("python-requests/2.32")


def test_loader_sends_our_user_agent(db, server):
    code, out, err = run(db, server, "--indicators", "127")
    assert code == 0, out + err
    agents = {r["user_agent"] for r in server.state.requests}
    assert agents == {f"Tilannekuva/0.1.0 (+{CONTACT})"}


def test_default_timeout_applies_to_every_request(server):
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    try:
        session = make_session(user_agent(CONTACT), total_retries=0, timeout=(1.0, 0.3))
        with pytest.raises(requests.exceptions.ConnectionError) as info:
            session.get(f"http://127.0.0.1:{listener.getsockname()[1]}/rest/1.1/regions")
        assert "read timed out" in str(info.value).lower()  # the read timeout ended it, not a refused connection
    finally:
        listener.close()


def test_429_with_retry_after_then_success(db, server):
    server.script("json:127", [(429, {"Retry-After": "1"}, b'{"error":"slow down"}')])
    started = time.monotonic()
    code, out, err = run(db, server, "--indicators", "127")
    assert code == 0, out + err
    assert len(server.requests_to("json:127")) == 2
    assert time.monotonic() - started >= 0.9  # Retry-After was honoured (backoff itself is ~0)
    assert items(db)["127"][0] == "ok"


def test_500_three_times_then_success(db, server):
    server.script("json:171", [(500, {}, b"oops")] * 3)
    code, out, err = run(db, server, "--indicators", "171")
    assert code == 0, out + err
    assert len(server.requests_to("json:171")) == 4


def test_persistent_500_fails_and_keeps_previous_rows(db, server):
    code, out, err = run(db, server, "--indicators", "127,171")
    assert code == 0, out + err
    where = "WHERE indicator_id = ?"
    before = checksum(db, "observation", where, [171])
    before_derived = checksum(db, "derived_observation", where, [171])
    before_meta = q(db, "SELECT * FROM indicator WHERE id = 171")
    assert before.split(":")[0] != "0"
    server.clear_log()
    server.script("json:171", [(500, {}, b"<html>Internal error</html>")] * 10)
    code, out, err = run(db, server, "--indicators", "127,171", "--force")
    assert code == 1
    assert len(server.requests_to("json:171")) == 5  # 1 + 4 bounded retries
    assert "171: data: HTTP 500" in out and "aiemmat tiedot jäivät ennalleen" in out
    assert checksum(db, "observation", where, [171]) == before
    assert checksum(db, "derived_observation", where, [171]) == before_derived
    assert q(db, "SELECT * FROM indicator WHERE id = 171") == before_meta
    log = items(db)
    assert log["171"][0] == "failed" and "HTTP 500" in log["171"][3]
    assert log["127"][0] == "ok"
    status = q(db, "SELECT status FROM load_log ORDER BY load_id DESC LIMIT 1")[0][0]
    assert status == "partial"


def test_truncated_json_fails_only_that_indicator(db, server):
    body = (OWN / "json_171.json").read_bytes()
    server.script("json:171", [(200, {}, body[:1000])])
    code, out, err = run(db, server, "--indicators", "127,171")
    assert code == 1
    assert "171: data: datarivit: JSON katkeaa kesken" in out
    assert q(db, "SELECT count(*) FROM observation WHERE indicator_id = 171 AND NOT is_demo")[0][0] == 0
    assert q(db, "SELECT count(*) FROM observation WHERE indicator_id = 127")[0][0] > 0


def test_html_answer_is_wrong_content_type(db, server):
    server.script("json:127", [(200, {"Content-Type": "text/html"}, b"<html>Huoltokatko</html>")])
    code, out, err = run(db, server, "--indicators", "127")
    assert code == 1 and "text/html" in out


def test_null_values_are_stored_as_null(db, server):
    code, out, err = run(db, server, "--indicators", "171")
    assert code == 0, out + err
    tervo = q(db, "SELECT value, abs_value FROM indicator_values WHERE indicator_id = 171 AND region_category ="
                  " 'KUNTA' AND region_code = '844' AND year = 2023")
    assert tervo == [(None, None)]
    vesanto = q(db, "SELECT value, abs_value FROM observation WHERE indicator_id = 171 AND region_code = '921'"
                    " AND year = 2023")
    assert vesanto == [(16.4, None)]
    assert q(db, "SELECT count(*) FROM observation WHERE indicator_id = 171 AND value = 0")[0][0] == 0


def test_region_id_missing_from_regions_list_fails_indicator(db, server):
    rows = json.loads((OWN / "json_127.json").read_text())
    rows.append({"indicator": 127, "region": 123456, "year": 2023, "gender": "total", "value": 42})
    server.state.json_rows[127] = json.dumps(rows).encode()
    code, out, err = run(db, server, "--indicators", "127,171")
    assert code == 1
    assert "127: data: vastauksessa on arvoja alueille, joita ei ole Sotkanetin aluelistassa: 123456" in out
    assert items(db)["171"][0] == "ok"


def test_category_decides_not_code_alone(db, server):
    code, out, err = run(db, server, "--indicators", "127,171")
    assert code == 0, out + err
    hva = q(db, "SELECT year, value FROM observation WHERE indicator_id = 127 AND region_category ="
                " 'HYVINVOINTIALUE' AND region_code = '13' ORDER BY year")
    rows = json.loads((OWN / "json_127.json").read_text())
    expected = [(r["year"], float(r["value"])) for r in rows if r["region"] == 974]
    assert hva == expected
    shp = [r["value"] for r in rows if r["region"] == 611]
    assert not q(db, "SELECT 1 FROM observation WHERE value IN (SELECT unnest(?))", shp)
    # Helsinki (outside the region) is dropped in the default --regions region
    assert not q(db, "SELECT 1 FROM observation WHERE region_code = '091'")
    kept = q(db, "SELECT region_category, count(DISTINCT region_code) FROM observation WHERE indicator_id = 127"
                 " GROUP BY 1 ORDER BY 1")
    assert kept == [("HYVINVOINTIALUE", 1), ("KUNTA", 19), ("MAA", 1), ("MAAKUNTA", 1)]


def test_hva_missing_from_old_regions_list(db, server):
    regions = json.loads((OWN / "regions_pohjois_savo.json").read_text())
    server.state.regions = json.dumps([r for r in regions if r["category"] != "HYVINVOINTIALUE"]).encode()
    rows = json.loads((OWN / "json_127.json").read_text())
    server.state.json_rows[127] = json.dumps([r for r in rows if r["region"] != 974]).encode()
    code, out, err = run(db, server, "--indicators", "127")
    assert code == 0, out + err
    assert "HVA-aluetta ei löydy Sotkanetin aluelistasta; HVA-rivit jäävät pois" in out
    assert q(db, "SELECT count(*) FROM observation WHERE indicator_id = 127 AND region_category = 'KUNTA'")[0][0] == 38
    assert q(db, "SELECT count(*) FROM observation WHERE indicator_id = 127 AND region_category ="
                 " 'HYVINVOINTIALUE'")[0][0] == 0
    assert "HVA-aluetta ei löydy" in q(db, "SELECT message FROM load_log ORDER BY load_id DESC LIMIT 1")[0][0]


def test_idempotent_rerun_is_unchanged_and_tables_identical(db, server):
    code, out, err = run(db, server, "--indicators", "127,171")
    assert code == 0, out + err
    first = data_checksums(db)
    server.clear_log()
    code, out, err = run(db, server, "--indicators", "127,171")
    assert code == 0, out + err
    assert "0 ladattu, 2 ennallaan, 0 epäonnistui" in out
    assert data_checksums(db) == first
    assert server.requests_to("json:127") == [] and server.requests_to("json:171") == []
    assert {k: v[0] for k, v in items(db).items()} == {"127": "unchanged", "171": "unchanged"}
    # a newer data-updated makes it load again
    meta = json.loads((OWN / "indicator_171.json").read_text())
    meta["data-updated"] = "2025-10-01"
    server.state.metadata[171] = json.dumps(meta).encode()
    code, out, err = run(db, server, "--indicators", "127,171")
    assert code == 0 and "1 ladattu, 1 ennallaan" in out
    assert q(db, "SELECT CAST(data_updated AS TEXT) FROM indicator WHERE id = 171") == [("2025-10-01",)]


def test_dump_then_from_dump_gives_identical_tables(db, server, tmp_path):
    other = tmp_path / "other.duckdb"
    shutil.copy2(db, other)
    dump = tmp_path / "dump"
    code, out, err = run(db, server, "--indicators", "127,171", "--dump", str(dump))
    assert code == 0, out + err
    manifest = json.loads((dump / "manifest.json").read_text())
    entries = manifest["entries"]
    assert {e["path"] for e in entries} == {"regions", "indicators/127", "indicators/171", "json"}
    for e in entries:
        assert {"url", "params", "fetched_at", "status", "sha256", "file"} <= set(e)
    data_entry = next(e for e in entries if e["path"] == "json" and ["indicator", "127"] in e["params"])
    assert (dump / data_entry["file"]).read_bytes() == (OWN / "json_127.json").read_bytes()  # byte-for-byte
    server.clear_log()
    code, out, err = run(other, None, "--indicators", "127,171", "--from-dump", str(dump))
    assert code == 0, out + err
    assert server.state.requests == []  # offline
    assert data_checksums(other) == data_checksums(db)
    # a changed file is a clear error, nothing is written
    target = dump / data_entry["file"]
    target.write_bytes(target.read_bytes().replace(b"125000", b"125001"))
    before = data_checksums(other)
    code, out, err = run(other, None, "--indicators", "127,171", "--from-dump", str(dump), "--force")
    assert code == 2
    assert "tarkistussumma ei täsmää" in err and data_entry["file"] in err
    assert data_checksums(other) == before


def test_a_generated_dump_loads_as_demo_data(db, server, tmp_path):
    """A dump whose manifest says it was generated (bench/scale.py writes one) loads its rows as demo data, so
    every page labels them; a recorded dump stays real."""
    dump = tmp_path / "dump"
    code, out, err = run(db, server, "--indicators", "127", "--dump", str(dump))
    assert code == 0, out + err
    manifest = json.loads((dump / "manifest.json").read_text())
    assert "generated" not in manifest
    recorded, generated = tmp_path / "recorded.duckdb", tmp_path / "generated.duckdb"
    shutil.copy2(db, recorded)
    shutil.copy2(db, generated)
    assert run(recorded, None, "--indicators", "127", "--from-dump", str(dump), "--force")[0] == 0
    manifest["generated"] = "Skaala-aineisto (synteettinen)"
    (dump / "manifest.json").write_text(json.dumps(manifest))
    assert run(generated, None, "--indicators", "127", "--from-dump", str(dump), "--force")[0] == 0
    for path, demo in ((recorded, False), (generated, True)):
        con = connect_read(path)
        flags = {r[0] for r in con.execute("SELECT DISTINCT is_demo FROM observation WHERE indicator_id = 127").fetchall()}
        log = con.execute("SELECT is_demo, target FROM load_log WHERE source = 'sotkanet' ORDER BY load_id DESC LIMIT 1").fetchone()
        con.close()
        assert flags == {demo} and log[0] is demo
        assert ("generoitu" in log[1]) is demo


def test_from_dump_without_the_request_fails_that_indicator(db, server, tmp_path):
    dump = tmp_path / "dump"
    code, out, err = run(db, server, "--indicators", "127", "--dump", str(dump))
    assert code == 0
    code, out, err = run(db, None, "--indicators", "127,171", "--from-dump", str(dump), "--force")
    assert code == 1 and "vedoksessa ei ole pyyntöä indicators/171" in out


def test_real_127_csv_lands_under_category_and_code(db, tmp_path):
    meta = json.loads((OWN / "indicator_127.json").read_text())
    meta["range"] = {"start": 1990, "end": 2024}
    state = ReplayState(regions=shared("oskari_regions_2015.json").read_bytes(),
                        metadata={127: json.dumps(meta).encode()},
                        csv_rows={127: shared("oskari_csv_indicator127_2009.csv").read_bytes()})
    expected = {}
    for line in shared("oskari_csv_indicator127_2009.csv").read_text().splitlines()[1:]:
        _, region, _, _, value, _ = line.split(";")
        expected[int(region)] = float(value)
    with ReplayServer(state) as srv:
        code, out, err = run(db, srv, "--indicators", "127", "--years", "2009", "--format", "csv")
    # the 2015 list has no HYVINVOINTIALUE: a clear note, not a crash
    assert "HVA-aluetta ei löydy Sotkanetin aluelistasta; HVA-rivit jäävät pois" in out
    # the real CSV holds three retired region ids (all 0) that the 2015 list lacks: dropped with a note
    assert "455, 456, 730" in out
    assert code == 0, out + err
    assert items(db)["127"][0] == "ok", out + err
    values = dict(((c, k), v) for c, k, v in q(
        db, "SELECT region_category, region_code, value FROM indicator_values WHERE indicator_id = 127"
            " AND year = 2009 AND gender = 'total' AND NOT is_demo"))
    assert values[("KUNTA", "297")] == expected[161]  # Kuopio
    assert values[("KUNTA", "140")] == expected[60]  # Iisalmi
    assert values[("KUNTA", "921")] == expected[420]  # Vesanto
    assert values[("MAAKUNTA", "11")] == expected[497] == 248182
    assert values[("MAA", "358")] == expected[658]
    assert ("HYVINVOINTIALUE", "13") not in values or values[("HYVINVOINTIALUE", "13")] != expected[611]
    assert len([k for k in values if k[0] == "KUNTA"]) == 19


def test_real_json_rows_with_regions_all(db):
    state = ReplayState(regions=shared("oskari_regions_2015.json").read_bytes(),
                        metadata={127: (OWN / "indicator_127.json").read_bytes(),
                                  171: (OWN / "indicator_171.json").read_bytes()},
                        json_rows={127: shared("omsorgsradar_sotkanet_127_g2_fixture.json").read_bytes(),
                                   171: shared("omsorgsradar_sotkanet_171_fixture.json").read_bytes()})
    with ReplayServer(state) as srv:
        code, out, err = run(db, srv, "--indicators", "127,171", "--years", "2019,2023", "--regions", "all")
    assert code == 0, out + err
    got = dict(((i, c, k, y), (v, a)) for i, c, k, y, v, a in q(
        db, "SELECT indicator_id, region_category, region_code, year, value, abs_value FROM indicator_values"))
    assert got[(127, "KUNTA", "091", 2023)] == (674500.0, None)  # Helsinki, no absValue
    assert got[(171, "KUNTA", "091", 2023)] == (8.6, 57877.0)  # with absValue
    assert got[(171, "KUNTA", "853", 2019)] == (9.3, 17865.0)  # Turku
    # unknown municipalities were added to table region so the national comparison works
    assert q(db, "SELECT name_fi, name_sv, sotkanet_id FROM region WHERE category = 'KUNTA' AND code = '091'") == [
        ("Helsinki", "Helsingfors", 46)]
    assert q(db, "SELECT count(*) FROM region WHERE category = 'KUNTA'")[0][0] == 320


def test_metadata_written_without_touching_our_columns(db, server):
    ours = q(db, "SELECT direction, direction_reason, scale, theme, unit, in_catalogue FROM indicator WHERE id = 127")
    server.state.metadata[186] = hus_metadata(186)
    server.state.json_rows[186] = json.dumps([
        {"indicator": 186, "region": 161, "year": 2024, "gender": "total", "value": 1012.5, "absValue": 1290}
    ]).encode()
    code, out, err = run(db, server, "--indicators", "127,186")
    assert code == 0, out + err
    row = q(db, "SELECT title_fi, title_en, decimals, organisation, CAST(data_updated AS TEXT), range_start,"
                " range_end, description_fi, limits_fi, metadata_url, licence FROM indicator WHERE id = 127")[0]
    assert row[:7] == ("Väestö 31.12.", "Population 31 Dec", 0, "Tilastokeskus", "2025-03-28", 2022, 2023)
    assert row[7] == ("Indikaattori ilmaisee väestön määrän vuoden lopussa (31.12.).\n\nTiedot perustuvat "
                      "väestötietojärjestelmään & Tilastokeskuksen väestörakennetilastoon.")
    assert row[8] == "Kuntajako on vuoden 2025 mukainen."
    assert row[9] == "https://sotkanet.fi/sotkanet/fi/metadata/indicators/127"
    assert row[10] == "Sotkanet.fi (THL); tuottaja Tilastokeskus, tuottajan käyttöehdoin"
    assert q(db, "SELECT direction, direction_reason, scale, theme, unit, in_catalogue FROM indicator"
                 " WHERE id = 127") == ours
    new = q(db, "SELECT in_catalogue, direction, unit, licence FROM indicator WHERE id = 186")
    assert new == [(False, "neutral", "Sataa tuhatta asukasta kohden",
                    "Sotkanet.fi (THL); tuottaja Tilastokeskus, tuottajan käyttöehdoin")]


def test_thl_indicator_gets_cc_by_licence(db, server):
    server.state.metadata[5527] = hus_metadata(5527)
    code, out, err = run(db, server, "--indicators", "5527", "--years", "2023-2024")
    assert code == 0, out + err
    assert q(db, "SELECT licence FROM indicator WHERE id = 5527") == [("CC BY 4.0 (THL, Sotkanet.fi)",)]
    assert q(db, "SELECT licence FROM load_log ORDER BY load_id DESC LIMIT 1") == [("CC BY 4.0 (THL, Sotkanet.fi)",)]


def test_real_data_replaces_demo_rows(db, server):
    with writing("demo", path=db, is_demo=True) as load:
        load.con.execute("INSERT INTO observation VALUES (127, 'KUNTA', '297', 2015, 'total', 1, NULL, TRUE, ?),"
                         " (171, 'KUNTA', '297', 2015, 'total', 2, NULL, TRUE, ?)", [load.load_id] * 2)
    code, out, err = run(db, server, "--indicators", "127")
    assert code == 0, out + err
    assert q(db, "SELECT DISTINCT is_demo FROM observation WHERE indicator_id = 127") == [(False,)]
    assert q(db, "SELECT count(*) FROM observation WHERE indicator_id = 127 AND year = 2015")[0][0] == 0
    assert q(db, "SELECT is_demo FROM observation WHERE indicator_id = 171") == [(True,)]  # untouched
    assert q(db, "SELECT count(*) FROM indicator_values WHERE indicator_id = 127 AND is_demo")[0][0] == 0
    # area rollups were refreshed from the real rows
    assert q(db, "SELECT count(*) FROM derived_observation WHERE indicator_id = 127 AND NOT is_demo")[0][0] > 0


def test_default_years_come_from_metadata_range_and_genders(db, server):
    code, out, err = run(db, server, "--indicators", "171", "--genders", "all")
    assert code == 0, out + err
    query = server.requests_to("json:171")[0]["query"]
    assert query["years"] == ["2022", "2023"] and query["genders"] == ["male", "female", "total"]
    code, out, err = run(db, server, "--indicators", "171", "--years", "2015-2022", "--force")
    assert code == 0
    assert server.requests_to("json:171")[-1]["query"]["years"] == ["2022"]  # clipped to the range


def test_progress_summary_and_load_log(db, server):
    code, out, err = run(db, server, "--indicators", "127,171,999")
    assert code == 1
    assert "[3/3]" in err and " s)" in err
    assert "2 ladattu, 0 ennallaan, 1 epäonnistui" in out
    assert "999: metatiedot: HTTP 404" in out
    log = items(db)
    assert log["127"][:3] == ("ok", 44, "2025-03-28")  # 50 rows; SHP 611, Helsinki 46, Uusimaa 488 dropped
    row = q(db, "SELECT source, status, rows, licence FROM load_log ORDER BY load_id DESC LIMIT 1")[0]
    assert row[:3] == ("sotkanet", "partial", log["127"][1] + log["171"][1])


@pytest.mark.parametrize("args, message", [
    (["--years", "2024-2010"], "väärin päin"),
    (["--years", "abc"], "ei ole vuosi"),
    (["--indicators", "12x"], "ei ole indikaattorin numero"),
])
def test_bad_arguments_exit_2(db, server, args, message):
    code, out, err = run(db, server, *args)
    assert code == 2 and message in err


def test_missing_database_exits_2(tmp_path, server):
    code, out, err = run(tmp_path / "missing.duckdb", server, "--indicators", "127")
    assert code == 2 and "tietokantaa ei ole" in err


def test_regions_endpoint_failure_is_setup_error(db, server):
    server.script("regions", [(503, {}, b"down")] * 5)
    code, out, err = run(db, server, "--indicators", "127")
    assert code == 2 and "aluelistaa ei saatu" in err and "HTTP 503" in err
    assert q(db, "SELECT status FROM load_log ORDER BY load_id DESC LIMIT 1") == [("failed",)]
    assert q(db, "SELECT count(*) FROM observation")[0][0] == 0
