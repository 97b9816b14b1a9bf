"""Kill-safety: SIGKILL a real loader process at random points; the database must survive whole.

The loader is the real CLI (`data_sources.__main__.main(["sotkanet", "--from-dump", DUMP, "--db", DB,
...])`, the real writing() path) on a copy of the demo database, replaying a small dump written by
bench/scale.py, each run in its own process: a launcher that has imported everything forks one child
per trial (so a trial costs the load, not the interpreter start-up) and the test SIGKILLs the child.
This helper lives in this test only; product code has no hook. Half of the trials kill at a random time after the
start signal, half at a random time after the load's in-flight marker appears (inside the write
phase: copy, transaction, rollups, checkpoint, swap).

After every kill: the database opens, every indicator is in its pre-load or its post-load state and
all of them in the same one (one transaction); when the kill hit the write phase, `status` reports
the load as interrupted and the next load writes an 'interrupted' row into load_log.

CI runs 20 trials; TILANNEKUVA_LONG_TESTS=1 runs 200.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from data_sources.commands import status_report
from store.warehouse import connect_read, table_checksum, writing

PROJECT_ROOT = Path(__file__).resolve().parents[1]
LONG = os.environ.get("TILANNEKUVA_LONG_TESTS") == "1"
TRIALS = 200 if LONG else 20
N_INDICATORS = 12

# A pre-imported launcher: for each command line it reads, it forks a child that runs the real CLI
# (`python -m data_sources ...` without paying the interpreter start-up each time) and reports the
# child's pid, then its exit status. The test SIGKILLs the child, never the launcher.
LAUNCHER = (
    "import os, sys, json\n"
    "import pandas, duckdb\n"
    "import data_sources.sotkanet_cli, data_sources.rollup, store.warehouse\n"
    "from data_sources.__main__ import main\n"
    "print('ready', flush=True)\n"
    "for line in sys.stdin:\n"
    "    pid = os.fork()\n"
    "    if pid == 0:\n"
    "        sys.stdout = open(os.devnull, 'w'); sys.stderr = open(os.devnull, 'w')\n"
    "        os._exit(main(json.loads(line)))\n"
    "    print(pid, flush=True)\n"
    "    _, status = os.waitpid(pid, 0)\n"
    "    print(os.waitstatus_to_exitcode(status), flush=True)\n"
)


class Launcher:
    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, "-c", LAUNCHER], cwd=PROJECT_ROOT, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready"

    def start(self, args: list[str]) -> int:
        self.proc.stdin.write(json.dumps(args) + "\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def exit_code(self) -> int:
        return int(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(30)


def _alive(pid: int) -> bool:
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:  # not our child: the launcher reaps it; probe with signal 0
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return Path(f"/proc/{pid}/stat").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    return waited == 0


@pytest.fixture(scope="module")
def dump(tmp_path_factory) -> tuple[Path, list[int]]:
    from bench import scale

    folder = tmp_path_factory.mktemp("killdump") / "dump"
    scale.build_dump("0.01", folder, workers=1, indicators=N_INDICATORS)
    ids = [s.id for s in scale.indicator_specs()[:N_INDICATORS]]
    return folder, ids


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def state(db: Path) -> dict:
    """Per indicator: a fingerprint of its observations (without load_id), rollups and metadata row
    (the same order-independent hash as warehouse.table_checksum, grouped by indicator)."""
    con = connect_read(db)
    try:
        out: dict = {}
        for sql in ("SELECT indicator_id, count(*), sum(hash(t)) FROM (SELECT * EXCLUDE (load_id) FROM observation) t"
                    " GROUP BY ALL",
                    "SELECT indicator_id, count(*), sum(hash(t)) FROM derived_observation t GROUP BY ALL",
                    "SELECT id, count(*), sum(hash(t)) FROM (SELECT * EXCLUDE (data_updated) FROM indicator) t"
                    " GROUP BY ALL"):
            for i, n, h in con.execute(sql).fetchall():
                out.setdefault(i, []).append(f"{n}:{h}")
        out = {i: tuple(v) for i, v in out.items()}
        out["region"] = table_checksum(con, "region")
        return out
    finally:
        con.close()


def argv(db: Path, folder: Path, ids: list[int]) -> list[str]:
    return ["sotkanet", "--from-dump", str(folder), "--db", str(db), "--indicators", ",".join(map(str, ids)),
            "--force", "--workers", "2"]


def test_sigkill_at_random_points_leaves_pre_or_post_state(demo_db, dump, tmp_path):
    folder, ids = dump
    rng = random.Random(int(os.environ.get("TILANNEKUVA_KILL_SEED", "7")))

    # Reference: the same load run to completion gives the post-load state and its timing.
    ref = tmp_path / "ref" / "t.duckdb"
    ref.parent.mkdir()
    shutil.copy2(demo_db, ref)
    pre = state(ref)
    launcher = Launcher()
    t0 = time.monotonic()
    pid = launcher.start(argv(ref, folder, ids))
    marker = ref.with_name(ref.name + ".inflight")
    marker_at = None
    while _alive(pid):
        if marker_at is None and marker.exists():
            marker_at = time.monotonic()
        time.sleep(0.002)
    total = time.monotonic() - t0
    assert launcher.exit_code() == 0
    post = state(ref)
    changed = [i for i in ids if pre.get(i) != post.get(i)]
    assert len(changed) == len(ids), "the reference load must change every indicator it loads"
    write_window = total - (marker_at - t0 if marker_at else 0)

    outcomes = {"pre, before the write phase": 0, "pre, killed while writing": 0, "post": 0}
    for trial in range(TRIALS):
        db = tmp_path / f"trial{trial}" / "t.duckdb"
        db.parent.mkdir()
        shutil.copy2(demo_db, db)
        original = _sha(db)
        marker = db.with_name(db.name + ".inflight")
        pid = launcher.start(argv(db, folder, ids))
        started = time.monotonic()
        if trial % 2 == 0:  # anywhere in the run
            time.sleep(rng.uniform(0, total * 1.1))
        else:  # inside the write phase
            while not marker.exists() and _alive(pid) and time.monotonic() < started + 60:
                time.sleep(0.001)
            time.sleep(rng.uniform(0, write_window))
        with_marker_before_kill = marker.exists()
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        launcher.exit_code()

        now = state(db)  # opens read-only: the file is a valid database
        in_pre = [i for i in pre if now.get(i) == pre[i]]
        in_post = [i for i in post if now.get(i) == post[i]]
        assert len(in_pre) == len(pre) or len(in_post) == len(post), (
            f"trial {trial}: mixed state: {len(in_pre)} indicators as before, {len(in_post)} as after")
        if len(in_post) == len(post) and pre != post:
            outcomes["post"] += 1
            con = connect_read(db)
            assert con.execute("SELECT count(*) FROM load_log WHERE source = 'sotkanet' AND status = 'ok'"
                               ).fetchone()[0] == 1
            con.close()
            continue
        if marker.exists():
            outcomes["pre, killed while writing"] += 1
            report = status_report(db)
            assert report["interrupted"] and report["interrupted"]["source"] == "sotkanet"
            with writing("test-next-load", path=db):
                pass
            con = connect_read(db)
            rows = con.execute("SELECT source, status, message FROM load_log WHERE status = 'interrupted'").fetchall()
            con.close()
            assert [(r[0], r[1]) for r in rows] == [("sotkanet", "interrupted")], rows
            assert "keskeytyi" in rows[0][2]
            assert not marker.exists()
            assert not list(db.parent.glob(".*.tmp")), "the next load must clean the killed load's temporary file"
            assert state(db) == pre  # the data is still the pre-load data
        else:
            # Killed before writing() began (start-up, checksums, parsing): the file was never touched.
            assert not with_marker_before_kill
            outcomes["pre, before the write phase"] += 1
            assert _sha(db) == original
    launcher.close()
    print(f"\nkill outcomes over {TRIALS} trials: {outcomes} (run {total:.2f} s, write phase {write_window:.2f} s)")
    assert outcomes["pre, killed while writing"] >= max(3, TRIALS // 10), outcomes
