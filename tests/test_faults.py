"""Faults: a multi-indicator Sotkanet load against a local server that misbehaves, a full disk, an
unwritable database path. Every failure is bounded, reported per indicator and loses nothing.

HTTP faults: tests/sotkanet_replay.py's server (imported, extended here with transport faults:
read timeouts, connection resets, bodies shorter than their Content-Length).
Disk full: a real 'No space left on device' on a tiny tmpfs when the test may mount one (root in a
container that allows it); otherwise — and in addition — OSError(ENOSPC) injected into
shutil.copy2 / os.replace by monkeypatching.
"""
from __future__ import annotations

import argparse
import contextlib
import errno
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import duckdb
import pytest

from data_sources import sotkanet_cli
from store.warehouse import WarehouseError, connect_read, interrupted_load, table_checksum, writing
from tests.sotkanet_replay import JSON, PREFIX, ReplayServer, ReplayState, _Handler

PROJECT_ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- a replay server with transport faults


class _FaultHandler(_Handler):
    faults: dict  # route key -> list of actions, consumed one per request

    def do_GET(self):  # noqa: N802
        from urllib.parse import parse_qs, urlsplit

        parts = urlsplit(self.path)
        route = parts.path[len(PREFIX):] if parts.path.startswith(PREFIX) else parts.path
        if route in ("json", "csv"):
            route = f"{route}:{(parse_qs(parts.query).get('indicator') or ['?'])[0]}"
        with self.state.lock:
            queue = self.faults.get(route)
            action = queue.pop(0) if queue else None
        if action is None:
            return super().do_GET()
        kind = action[0]
        with self.state.lock:
            self.state.requests.append({"route": route, "query": {}, "user_agent": self.headers.get("User-Agent"),
                                        "fault": kind})
        if kind == "sleep":  # longer than the client's read timeout
            time.sleep(action[1])
            with contextlib.suppress(OSError):
                self._send(200, b"[]")
        elif kind == "reset":  # close the socket with RST, no response at all
            import socket
            import struct

            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
        elif kind == "short":  # promise more bytes than are sent, then hang up
            body = action[1]
            self.send_response(200)
            self.send_header("Content-Type", JSON)
            self.send_header("Content-Length", str(len(body) * 2))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)


class FaultServer(ReplayServer):
    def __init__(self, state: ReplayState, faults: dict):
        import threading
        from http.server import ThreadingHTTPServer

        self.state = state
        handler = type("Handler", (_FaultHandler,), {"state": state, "faults": faults})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda *a: None  # the sleeping handler's broken pipe is expected
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)


def _state(ids: list[int]) -> ReplayState:
    from bench import scale

    cut = scale.CUTS["0.01"]
    regions, rids, pops = scale.regions_for(cut)
    specs = {s.id: s for s in scale.indicator_specs()}
    return ReplayState(
        regions=json.dumps(regions).encode(),
        metadata={i: scale.metadata_body(specs[i], cut) for i in ids},
        json_rows={i: scale.rows_to_json(i, *scale.data_rows(specs[i], rids, pops, cut)) for i in ids},
    )


def run_cli(db: Path, base_url: str, *args: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    sotkanet_cli.add_cli(parser.add_subparsers())
    ns = parser.parse_args(["sotkanet", "--db", str(db), "--base-url", base_url, *args])
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = ns.func(ns)
    return code, out.getvalue(), err.getvalue()


def obs_checksum(db: Path, ind: int) -> str:
    con = connect_read(db)
    try:
        return table_checksum(con, "observation", "WHERE indicator_id = ?", [ind])
    finally:
        con.close()


def test_api_faults_are_retried_bounded_and_reported_per_indicator(fresh_db, monkeypatch):
    from bench import scale
    from data_sources import http

    monkeypatch.setenv("TILANNEKUVA_HTTP_BACKOFF", "0.001")
    real_make_session = http.make_session
    monkeypatch.setattr(sotkanet_cli, "make_session",
                        lambda *a, **k: real_make_session(*a, **{**k, "timeout": (2.0, 1.0)}))
    ids = [s.id for s in scale.indicator_specs()[:10]]
    recover_500, recover_429, recover_timeout, meta_503, clean = ids[1], ids[2], ids[3], ids[0], ids[9]
    reset, short, truncated, html, down = ids[4], ids[5], ids[6], ids[7], ids[8]
    state = _state(ids)
    half = state.json_rows[truncated][: len(state.json_rows[truncated]) // 2]
    state.scripts = {
        f"json:{recover_500}": [(500, {}, b"{}"), (500, {}, b"{}")],
        f"json:{recover_429}": [(429, {"Retry-After": "1"}, b"")],
        f"json:{truncated}": [(200, {}, half)],
        f"json:{html}": [(200, {"Content-Type": "text/html; charset=utf-8"}, b"<html>huoltokatko</html>")],
        f"json:{down}": [(500, {}, b"{}")] * 20,
        f"indicators/{meta_503}": [(503, {}, b"")],
    }
    faults = {f"json:{recover_timeout}": [("sleep", 3.0)], f"json:{reset}": [("reset",)] * 20,
              f"json:{short}": [("short", b'[{"indicator": 1')] * 20}
    before = {i: obs_checksum(fresh_db, i) for i in ids}
    with FaultServer(state, faults) as srv:
        code, out, err = run_cli(fresh_db, srv.base_url, "--indicators", ",".join(map(str, ids)), "--workers", "3")
        counts = {}
        for r in srv.state.requests:
            counts[r["route"]] = counts.get(r["route"], 0) + 1
    assert code == 1, out + err
    # bounded retries: at most 1 + 4 (DEFAULT_TOTAL_RETRIES) requests per route
    assert max(counts.values()) <= 5, counts
    assert counts[f"json:{down}"] == 5
    assert counts[f"json:{recover_500}"] == 3

    con = connect_read(fresh_db)
    load_id, status, message = con.execute(
        "SELECT load_id, status, message FROM load_log WHERE source = 'sotkanet' ORDER BY load_id DESC LIMIT 1").fetchone()
    items = {int(r[0]): (r[1], r[2] or "") for r in con.execute(
        "SELECT item, status, message FROM load_item WHERE load_id = ?", [load_id]).fetchall()}
    con.close()
    assert status == "partial"
    assert set(items) == set(ids), "every indicator gets its line in the report"
    for ok in (recover_500, recover_429, recover_timeout, meta_503, clean):
        assert items[ok][0] == "ok", (ok, items[ok])
        assert obs_checksum(fresh_db, ok) != before[ok]
    expected_failures = {
        reset: "yhteys", short: "", truncated: "katkeaa kesken", html: "text/html", down: "HTTP 500",
    }
    for bad, words in expected_failures.items():
        assert items[bad][0] == "failed", (bad, items[bad])
        assert items[bad][1].startswith("data:") and words in items[bad][1], items[bad]
        assert obs_checksum(fresh_db, bad) == before[bad], "a failed indicator keeps its previous rows"
        assert str(bad) in out
    assert "Epäonnistuneet (niiden aiemmat tiedot jäivät ennalleen)" in out


# ---------------------------------------------------------------- disk full, unwritable path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextlib.contextmanager
def tmpfs(size_bytes: int):
    """A tiny tmpfs (needs root and a container that allows mount); skips otherwise."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("tmpfs needs root; the monkeypatched ENOSPC tests cover this path")
    point = Path(f"/tmp/tilannekuva-tmpfs-{uuid.uuid4().hex[:8]}")
    point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_bytes}", "tmpfs", str(point)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        point.rmdir()
        pytest.skip(f"cannot mount tmpfs here: {done.stderr.strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)
        with contextlib.suppress(OSError):
            point.rmdir()


def _assert_intact(db: Path, sha: str) -> None:
    assert _sha(db) == sha
    assert interrupted_load(db) is None
    assert not list(db.parent.glob(".*.tmp"))
    connect_read(db).close()


def test_disk_full_during_copy_real_enospc(fresh_db):
    size = fresh_db.stat().st_size
    with tmpfs(int(size * 1.5)) as point:
        db = point / "t.duckdb"
        shutil.copy2(fresh_db, db)
        sha = _sha(db)
        with pytest.raises(WarehouseError, match="Latausta ei voitu aloittaa.*Tietokanta on ennallaan"):
            with writing("test", path=db) as load:
                load.con.execute("DELETE FROM observation")
        _assert_intact(db, sha)


def test_disk_full_while_writing_real_enospc(fresh_db):
    size = fresh_db.stat().st_size
    with tmpfs(2 * size + 4 * 1024 * 1024) as point:
        db = point / "t.duckdb"
        shutil.copy2(fresh_db, db)
        sha = _sha(db)
        with pytest.raises(WarehouseError, match="Tietokanta on ennallaan"):
            with writing("test", path=db) as load:
                load.con.execute("CREATE TABLE filler AS SELECT random() AS a, random() AS b, md5(random()::TEXT) AS c "
                                 "FROM range(3000000)")
        _assert_intact(db, sha)


@pytest.mark.parametrize("target", ["shutil.copy2", "os.replace"])
def test_disk_full_injected_enospc(fresh_db, monkeypatch, target):
    sha = _sha(fresh_db)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(args[-1]))

    module, name = target.split(".")
    monkeypatch.setattr(__import__(module), name, full)
    with pytest.raises(WarehouseError, match="ennallaan") as info:
        with writing("test", path=fresh_db) as load:
            load.con.execute("DELETE FROM observation")
    monkeypatch.undo()
    assert "No space left on device" in str(info.value)
    _assert_intact(fresh_db, sha)


def test_unwritable_database_path_is_a_clear_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(WarehouseError, match="Tietokannan kansioon ei voi kirjoittaa"):
        with writing("test", path=blocker / "t.duckdb"):
            pass
    done = subprocess.run([sys.executable, "-m", "data_sources", "catalogue", "--db", str(blocker / "t.duckdb")],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "virhe: Tietokannan kansioon ei voi kirjoittaa" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_read_only_filesystem_leaves_database_intact(fresh_db):
    """As root, chmod does not stop writes; a read-only mount does."""
    with tmpfs(4 * fresh_db.stat().st_size) as point:
        db = point / "t.duckdb"
        shutil.copy2(fresh_db, db)
        sha = _sha(db)
        assert subprocess.run(["mount", "-o", "remount,ro", str(point)], capture_output=True).returncode == 0
        with pytest.raises(WarehouseError, match="ei voi kirjoittaa"):
            with writing("test", path=db) as load:
                load.con.execute("DELETE FROM observation")
        assert _sha(db) == sha
        connect_read(db).close()


def test_a_failed_load_does_not_swallow_an_earlier_interrupted_report(fresh_db):
    """A killed load leaves its marker; if the next load fails, the next successful one must still
    record the killed load as interrupted (warehouse.writing restores the marker on failure)."""
    marker = fresh_db.with_name(fresh_db.name + ".inflight")
    marker.write_text('{"source": "sotkanet", "started_at": "2026-01-01T00:00:00"}', encoding="utf-8")
    with pytest.raises(RuntimeError):
        with writing("test-fails", path=fresh_db):
            raise RuntimeError("boom")
    assert interrupted_load(fresh_db)["source"] == "sotkanet"
    with writing("test-ok", path=fresh_db):
        pass
    con = connect_read(fresh_db)
    rows = con.execute("SELECT source FROM load_log WHERE status = 'interrupted'").fetchall()
    con.close()
    assert rows == [("sotkanet",)]
    assert not marker.exists()


def test_duckdb_io_error_inside_a_load_is_a_warehouse_error(fresh_db):
    sha = _sha(fresh_db)
    with pytest.raises(WarehouseError, match="ennallaan"):
        with writing("test", path=fresh_db) as load:
            raise duckdb.IOException("simulated I/O error")
    _assert_intact(fresh_db, sha)
