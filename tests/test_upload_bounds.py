"""Hostile files cost bounded work (issue 13, items 7 and 8).

Item 7, wide and long files: every piece of work on a rejected file is bounded by the caps in
data_sources/uploads.py. The widest file under the size cap (1 000 000 columns, ~9 MB) is refused
without a single difflib call; files at the column and row caps call difflib at most MAX_SUGGESTIONS
times; the problem list stops at MAX_PROBLEMS. The counts are the assertions; the wall-clock limit
(`bounded`, 60 s, a SIGALRM) only turns a runaway into a failure instead of a hung suite. Timings are
printed (pytest -s) and belong in bench.

Item 8, special files: /dev/zero, a FIFO and a folder given as a survey file, an action-status import,
a geometry --file or a --db give a Finnish message and a non-zero exit, at once, and nothing is read
past the cap + 1 byte.
"""
from __future__ import annotations

import contextlib
import difflib
import os
import random
import signal
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from data_sources import action_status, uploads
from data_sources.__main__ import main as cli
from data_sources.survey import parse_survey
from data_sources.uploads import (
    MAX_COLUMNS, MAX_FILE_BYTES, MAX_PROBLEMS, MAX_ROWS, MAX_SUGGESTIONS, MunicipalityResolver, UploadRejected,
    UnreadableFile, read_regular_file,
)
from tests.survey_fixtures import ACTIONS, MUNICIPALITIES, QUESTIONS, make_db

GUARD_S = 60  # not a timing assertion: a runaway becomes a failure instead of a hung suite

QUESTION_FRAME = pd.DataFrame(QUESTIONS, columns=["question_id", "text_fi", "type", "metric_id", "respondent", "sort"])
MUNI_FRAME = pd.DataFrame(MUNICIPALITIES, columns=["code", "name_fi", "name_sv"])
ACTION_IDS = {a[0] for a in ACTIONS}


class Runaway(Exception):
    pass


@contextlib.contextmanager
def bounded(seconds: int = GUARD_S, what: str = ""):
    def alarm(signum, frame):
        raise Runaway(f"{what}: still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    started = time.perf_counter()
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        print(f"\n{what}: {time.perf_counter() - started:.2f} s")


@pytest.fixture
def difflib_calls(monkeypatch) -> list[int]:
    """Counts every difflib.get_close_matches call (the loaders call it through the module)."""
    calls = [0]
    real = difflib.get_close_matches

    def counting(*args, **kwargs):
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counting)
    return calls


def _survey(data: bytes, name: str = "kysely_2024.csv") -> list:
    with pytest.raises(UploadRejected) as info:
        parse_survey(data, name, QUESTION_FRAME, MUNI_FRAME)
    return info.value.problems


def _status(data: bytes, name: str = "tilat.csv") -> list:
    resolver = MunicipalityResolver(MUNI_FRAME)
    with pytest.raises(UploadRejected) as info:
        action_status.parse_import(data, name, ACTION_IDS, resolver, default_by="t", today=date(2025, 1, 1))
    return info.value.problems


# ---------------------------------------------------------------- item 7: wide and long files


def test_the_widest_file_under_the_size_cap_is_refused_without_suggestions(difflib_calls):
    names = [f"kys{i}" for i in range(1_000_000)]
    data = (";".join(["Kunta", *names]) + "\nKuopio" + ";kyllä" * 10 + "\n").encode()
    assert MAX_FILE_BYTES * 0.8 < len(data) < MAX_FILE_BYTES
    with bounded(what=f"survey, 1 000 000 columns, {len(data) / 1e6:.1f} MB"):
        problems = _survey(data)
    assert "liikaa sarakkeita" in str(problems[0]) and len(problems) == 1
    with bounded(what="action-status import, 1 000 000 columns"):
        problems = _status(data)
    assert "liikaa sarakkeita" in str(problems[0])
    assert difflib_calls[0] == 0


def _near_misses(n: int, rng: random.Random) -> list[str]:
    """Column names built to pass difflib's quick filters (shuffled question texts): the costly case."""
    out = []
    for i in range(n):
        text = list(rng.choice(QUESTIONS)[1])
        rng.shuffle(text)
        out.append("".join(text).replace(";", ",").replace('"', "'") + str(i))
    return out


def test_unknown_columns_at_the_column_cap_get_bounded_suggestions(difflib_calls):
    names = _near_misses(MAX_COLUMNS - 1, random.Random(13))
    data = (";".join(["Kunta", *names]) + "\nKuopio" + ";x" * len(names) + "\n").encode()
    with bounded(what=f"survey, {MAX_COLUMNS} columns of near misses"):
        problems = _survey(data)
    assert sum(p.message == "tuntematon kysymyssarake" for p in problems) == MAX_COLUMNS - 1
    assert difflib_calls[0] <= MAX_SUGGESTIONS
    assert MAX_COLUMNS > MAX_SUGGESTIONS  # so the test shows the bound, not the column cap


def test_a_header_one_column_over_the_cap_is_refused_before_any_column_is_read(difflib_calls):
    names = _near_misses(MAX_COLUMNS, random.Random(1))
    problems = _survey((";".join(["Kunta", *names]) + "\nKuopio\n").encode())
    assert len(problems) == 1 and f"raja {MAX_COLUMNS}" in str(problems[0])
    assert difflib_calls[0] == 0


def test_rows_of_unknown_municipalities_get_bounded_suggestions(difflib_calls):
    rows = "".join(f"Kuopiop{i};kyllä\n" for i in range(MAX_ROWS))
    data = ("Kunta;Q-YN\n" + rows).encode()
    with bounded(what=f"survey, {MAX_ROWS} rows of unknown municipalities"):
        problems = _survey(data)
    assert len(problems) == MAX_PROBLEMS + 1 and "muuta ongelmaa" in problems[-1].message
    assert [p.suggestion for p in problems[:3]] == ["tarkoititko Kuopio?"] * 3
    assert difflib_calls[0] <= MAX_SUGGESTIONS


def test_action_status_import_of_a_wrong_file_stops_at_the_problem_cap(difflib_calls):
    rows = "".join(f"X-{i}-1;Kuopiop{i};kyllä\n" for i in range(MAX_ROWS))
    data = ("toimenpide;kunta;tila\n" + rows).encode()
    with bounded(what=f"action-status import, {MAX_ROWS} wrong rows"):
        problems = _status(data)
    assert MAX_PROBLEMS <= len(problems) <= MAX_PROBLEMS + 3
    assert "tarkistus lopetettiin" in problems[-1].message
    assert problems[0].suggestion is not None  # the first problems still get their suggestion
    assert difflib_calls[0] <= 2 * MAX_SUGGESTIONS  # actions and municipalities: each bounded


def test_trailing_empty_header_cells_are_trimmed_in_linear_time():
    # 2 000 000 empty header cells and 50 000 rows: trimming them one at a time against every row was
    # 10^11 steps; one pass over the cells is enough.
    data = ("Kunta;Q-YN" + ";" * 2_000_000 + "\n" + "Kuopio;kyllä\n" * (MAX_ROWS - 1)).encode()
    with bounded(what="survey, 2 000 000 empty header cells x 50 000 rows"):
        problems = _survey(data)
    assert any("kaksoiskappale" in p.message for p in problems)  # it got as far as the rows


# ---------------------------------------------------------------- item 8: special files


@pytest.fixture
def specials(tmp_path) -> dict[str, Path]:
    fifo = tmp_path / "putki.csv"
    os.mkfifo(fifo)
    folder = tmp_path / "kansio.csv"
    folder.mkdir()
    return {"laite": Path("/dev/zero"), "nimetty putki": fifo, "kansio": folder}


def test_read_regular_file_refuses_special_files_at_once(specials):
    for kind, path in specials.items():
        with bounded(10, f"read_regular_file({kind})"), pytest.raises(UnreadableFile) as info:
            read_regular_file(path)
        assert kind in str(info.value) and "ei ole tavallinen tiedosto" in str(info.value)


def test_read_regular_file_reads_at_most_the_cap_plus_one_byte(tmp_path, monkeypatch):
    # /proc files are regular files that say size 0 (like a file that grows after fstat): the read
    # itself must stop at the cap.
    proc = Path("/proc/self/maps")
    if not proc.exists():
        pytest.skip("no /proc")
    read = [0]
    real_read = os.read

    def counting(fd, n):
        chunk = real_read(fd, n)
        read[0] += len(chunk)
        return chunk

    monkeypatch.setattr(os, "read", counting)
    with pytest.raises(UnreadableFile, match="liian suuri"):
        read_regular_file(proc, limit=100)
    assert read[0] == 101
    big = tmp_path / "iso.csv"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse
    read[0] = 0
    with pytest.raises(UnreadableFile, match="liian suuri"):
        read_regular_file(big)
    assert read[0] == 0  # refused by its size, unread
    ok = tmp_path / "ok.csv"
    ok.write_bytes(b"a;b\n1;2\n")
    assert read_regular_file(ok) == b"a;b\n1;2\n"


def _run(argv: list[str], capsys) -> tuple[int, str]:
    with bounded(20, " ".join(argv[:3])):
        code = cli(argv)
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def test_cli_refuses_special_files_as_input(specials, fresh_db, capsys):
    before = fresh_db.stat().st_mtime_ns
    for kind, path in specials.items():
        for argv in (["survey", str(path), "--year", "2024", "--db", str(fresh_db)],
                     ["action-status", "import", str(path), "--db", str(fresh_db)],
                     ["geometry", "--file", str(path), "--db", str(fresh_db)]):
            code, err = _run(argv, capsys)
            assert code != 0, argv
            assert "ei ole tavallinen tiedosto" in err and kind in err, (argv, err)
            assert "Traceback" not in err
    assert fresh_db.stat().st_mtime_ns == before


def test_cli_refuses_a_special_file_as_database(specials, tmp_path, capsys):
    survey_file = tmp_path / "kysely_2024.csv"
    survey_file.write_text("Kunta;Q-YN\nKuopio;kyllä\n", encoding="utf-8")
    for kind, path in specials.items():
        for argv in (["status", "--db", str(path)],
                     ["survey", "--list", "--db", str(path)],
                     ["survey", str(survey_file), "--db", str(path)],
                     ["action-status", "export", "--db", str(path)],
                     ["action-status", "set", "--action", "J-1-1", "--municipality", "Kuopio", "--status", "ei",
                      "--db", str(path)],
                     ["demo", "--db", str(path)]):
            code, err = _run(argv, capsys)
            assert code != 0, argv
            assert "ei ole tavallinen tiedosto" in err and kind in err, (argv, err)
    assert not list(Path("/dev").glob("zero.*")), "nothing is written next to a device"


def test_uploaded_bytes_over_the_cap_are_refused(tmp_path):
    db = make_db(tmp_path)
    with pytest.raises(UploadRejected, match="liian suuri"):
        action_status.import_status_bytes(b"x" * (MAX_FILE_BYTES + 1), "tilat.csv", db=db)
    with pytest.raises(UploadRejected, match="liian suuri"):
        uploads.read_table(b"x" * (MAX_FILE_BYTES + 1), "kysely.csv")
