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

The same kill test covers the other loads (issue 13, items 9 and 10): `demo` on a fresh path and over an
existing database, a survey file and an action-status import (CI: 6 kills each; the long variant: 24
each). After every kill the database equals the pre- or the post-state as a whole (every table in the
same one), and after the next load no temporary file of the killed load survives (`.NAME.*.tmp` and
its DuckDB sidecars such as `.tmp.wal`).
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
from tests.survey_fixtures import query

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
        try:  # a zombie still answers signal 0; the launcher may reap it between the two probes
            return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
        except (FileNotFoundError, ProcessLookupError):
            return False
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


def timed_reference_run(launcher, args: list[str], db: Path) -> tuple[float, float | None, float]:
    """Run a load to its end once, watching when its write phase starts (the `.inflight` marker): the kill
    points of the trials are spread over that run's length. -> (total s, marker seen at, start)."""
    t0 = time.monotonic()
    pid = launcher.start(args)
    marker = db.with_name(db.name + ".inflight")
    marker_at = None
    while _alive(pid):
        if marker_at is None and marker.exists():
            marker_at = time.monotonic()
        time.sleep(0.002)
    total = time.monotonic() - t0
    assert launcher.exit_code() == 0
    return total, marker_at, t0


def leftovers(db: Path) -> list[str]:
    """Temporary files of loads next to the database: the copy and any DuckDB sidecar of it."""
    return sorted(p.name for p in db.parent.glob(f".{db.name}.*") if ".tmp" in p.name)


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
    total, marker_at, t0 = timed_reference_run(launcher, argv(ref, folder, ids), ref)
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
            assert not leftovers(db), "the next load must clean the killed load's temporary files"
            assert state(db) == pre  # the data is still the pre-load data
        else:
            # Killed before writing() began (start-up, checksums, parsing): the file was never touched.
            assert not with_marker_before_kill
            outcomes["pre, before the write phase"] += 1
            assert _sha(db) == original
    launcher.close()
    print(f"\nkill outcomes over {TRIALS} trials: {outcomes} (run {total:.2f} s, write phase {write_window:.2f} s)")
    assert outcomes["pre, killed while writing"] >= max(3, TRIALS // 10), outcomes


# ---------------------------------------------------------------- demo, survey and action-status loads

OTHER_TRIALS = 24 if LONG else 6
# What a load may change, without the columns that differ between two runs of the same load (times).
STATE_SQL = {
    "observation": "SELECT * FROM observation",
    "derived_observation": "SELECT * FROM derived_observation",
    "indicator": "SELECT * EXCLUDE (data_updated) FROM indicator",
    "region": "SELECT * FROM region",
    "action": "SELECT * FROM action",
    "survey_question": "SELECT * FROM survey_question",
    "survey_file": "SELECT * EXCLUDE (loaded_at) FROM survey_file",
    "survey_response": "SELECT * FROM survey_response",
    "survey_answer": "SELECT * FROM survey_answer",
    "action_status": "SELECT * EXCLUDE (entry_id) FROM action_status",
    "load_log": "SELECT load_id, source, target, rows, status, is_demo FROM load_log WHERE source <> 'test-next-load'",
}


def whole_state(db: Path) -> dict | None:
    """Per table an order-independent fingerprint; None when there is no database file."""
    if not db.exists():
        return None
    con = connect_read(db)
    try:
        return {t: con.execute(f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM ({sql}) t").fetchone()
                for t, sql in STATE_SQL.items()}
    finally:
        con.close()


def _demo_survey_file(db: Path, folder: Path, year: int) -> Path:
    from data_sources.demo import write_demo_survey
    from data_sources.survey import catalogue_frames

    con = connect_read(db)
    try:
        questions, munis, _, hva_names = catalogue_frames(con)
    finally:
        con.close()
    return write_demo_survey(questions, munis, year, folder, hva_names[0])


def _status_file(db: Path, folder: Path) -> Path:
    from data_sources.action_status import export_csv_bytes, owners_by_action

    con = connect_read(db)
    actions = [r[0] for r in con.execute("SELECT action_id FROM action ORDER BY 1").fetchall()]
    munis = con.execute("SELECT code, name_fi FROM own_municipality ORDER BY 1").fetchall()
    owners = owners_by_action(con)  # a status is recorded only for a party that answers for the action (issue 12)
    con.close()
    rows = [{"toimenpide": a, "kunta": name, "kuntakoodi": code, "tila": ("kyllä", "osittain", "ei")[i % 3],
             "päivämäärä": "2025-01-02", "huomio": f"= tilanne {i}; odottaa", "kirjaaja": "kill-test",
             "kirjattu": f"2025-01-02 10:{i // 60 % 60:02d}:{i % 60:02d}", "esimerkki": False}
            for i, (a, (code, name)) in enumerate((a, m) for a in actions for m in munis
                                                  if owners is None or m[0] in owners.get(a, {}))]
    path = folder / "tilat.csv"
    path.write_bytes(export_csv_bytes(__import__("pandas").DataFrame(rows)))
    return path


def _old_demo(db: Path) -> None:
    """An existing database that the demo rebuild changes in every table it writes."""
    with writing("test-setup", path=db) as load:
        for sql in ("DELETE FROM survey_answer", "DELETE FROM survey_response", "DELETE FROM survey_file",
                    "UPDATE indicator SET title_fi = 'vanha ' || title_fi",
                    "DELETE FROM observation WHERE region_code = '297'", "DELETE FROM action_status"):
            load.con.execute(sql)


SCENARIOS = ["demo-fresh", "demo-existing", "survey", "action-status"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_sigkill_of_other_loads_leaves_pre_or_post_state_and_no_temporary_file(scenario, demo_db, tmp_path):
    rng = random.Random(f"{os.environ.get('TILANNEKUVA_KILL_SEED', '7')}-{scenario}")
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    template = tmp_path / "template" / "t.duckdb"
    template.parent.mkdir()
    shutil.copy2(demo_db, template)
    if scenario == "demo-existing":
        _old_demo(template)
    if scenario == "survey":
        source = _demo_survey_file(template, inputs, 2026)
        command = lambda db: ["survey", str(source), "--year", "2026", "--db", str(db)]  # noqa: E731
    elif scenario == "action-status":
        source = _status_file(template, inputs)
        command = lambda db: ["action-status", "import", str(source), "--db", str(db), "--by", "kill-test"]  # noqa: E731
    else:
        command = lambda db: ["demo", "--db", str(db)]  # noqa: E731

    def prepare(folder: Path) -> Path:
        folder.mkdir()
        db = folder / "t.duckdb"
        if scenario != "demo-fresh":
            shutil.copy2(template, db)
        return db

    launcher = Launcher()
    ref = prepare(tmp_path / "ref")
    pre = whole_state(ref)
    total, marker_at, t0 = timed_reference_run(launcher, command(ref), ref)
    post = whole_state(ref)
    assert post is not None and post != pre
    changed = [t for t in STATE_SQL if (pre or {}).get(t) != post[t]]
    write_window = total - (marker_at - t0 if marker_at else 0)

    outcomes = {"pre": 0, "pre, killed while writing": 0, "post": 0}
    wal_left = 0
    for trial in range(OTHER_TRIALS):
        db = prepare(tmp_path / f"trial{trial}")
        marker = db.with_name(db.name + ".inflight")
        pid = launcher.start(command(db))
        started = time.monotonic()
        # Stratified: the k-th kill of each half falls in the k-th slice of its window, so even a few
        # kills reach every part of the run (the last part of `demo` is where its survey files are written).
        k, slices = trial // 2, (OTHER_TRIALS + 1) // 2
        if trial % 2 == 0:
            time.sleep(total * 1.05 * (k + rng.random()) / slices)
        else:
            while not marker.exists() and _alive(pid) and time.monotonic() < started + 60:
                time.sleep(0.001)
            time.sleep(write_window * (k + rng.random()) / slices)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        launcher.exit_code()

        now = whole_state(db)
        if now == post:
            outcomes["post"] += 1
        else:
            mixed = {t: ("pre" if now and now[t] == (pre or {}).get(t) else "post" if now and now[t] == post[t]
                         else "neither") for t in changed}
            assert now == pre, f"{scenario} trial {trial}: not the pre- or post-state: {mixed}"
            outcomes["pre, killed while writing" if marker.exists() else "pre"] += 1
        marker_was_there = marker.exists() and now != post
        wal_left += any(name.endswith(".wal") for name in leftovers(db))
        # The next load cleans whatever the killed one left, sidecars included.
        with writing("test-next-load", path=db):
            pass
        assert not leftovers(db), f"{scenario} trial {trial}: {leftovers(db)}"
        assert not marker.exists()
        after = whole_state(db)
        assert {t: v for t, v in after.items() if t != "load_log"} == {
            t: v for t, v in (now or after).items() if t != "load_log"}, "the next load changes no data"
        interrupted = query(db, "SELECT source FROM load_log WHERE status = 'interrupted'")
        if now == post:
            assert interrupted == []
        elif outcomes["pre, killed while writing"] and marker_was_there:
            assert [r[0] for r in interrupted] == [command(db)[0]]
    launcher.close()
    print(f"\n{scenario}: {OTHER_TRIALS} kills: {outcomes}; a .tmp.wal was left by {wal_left} "
          f"(run {total:.2f} s, write phase {write_window:.2f} s)")
    assert outcomes["pre, killed while writing"] >= 1, outcomes
