"""`python -m data_sources refresh` (the monthly job) against the local Sotkanet replay server, no network."""
from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from data_sources import __main__ as cli
from data_sources import refresh
from store.warehouse import connect_read
from tests.sotkanet_replay import ReplayServer, ReplayState

OWN = Path(__file__).resolve().parent / "fixtures" / "sotkanet"
SECRET = "s3cr3t-Hunter2-value"


pytestmark = pytest.mark.usefixtures("fast_backoff")


@pytest.fixture
def db(catalogue_copy) -> Path:
    return catalogue_copy


@pytest.fixture
def server():
    state = ReplayState(
        regions=(OWN / "regions_pohjois_savo.json").read_bytes(),
        metadata={i: (OWN / f"indicator_{i}.json").read_bytes() for i in (127, 171)},
        json_rows={i: (OWN / f"json_{i}.json").read_bytes() for i in (127, 171)},
    )
    with ReplayServer(state) as srv:
        yield srv


def run(capsys, *argv: str) -> tuple[int, str, list[dict]]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    events = [json.loads(line) for line in captured.err.splitlines() if line.strip()]  # every line is JSON
    return code, captured.out, events


def names(events: list[dict]) -> list[str]:
    return [e["event"] for e in events]


def test_refresh_ok_logs_json_lines_and_prints_one_paragraph(db, server, capsys):
    code, out, events = run(capsys, "--db", str(db), "refresh", "--base-url", server.base_url,
                            "--indicators", "127,171")
    assert code == 0, out
    assert all({"ts", "event", "level"} <= e.keys() and e["ts"].endswith("+00:00") for e in events)
    for step in ("refresh.start", "schema", "sotkanet.start", "sotkanet.done", "derived", "digest", "refresh.done"):
        assert step in names(events)
    done = next(e for e in events if e["event"] == "sotkanet.done")
    assert done["loaded"] == 2 and done["failed"] == 0 and done["level"] == "info"
    digest = next(e for e in events if e["event"] == "digest")
    assert "skipped" in digest or "changes" in digest
    assert len(out.strip().splitlines()) == 1 and out.startswith("Tilannekuvan päivitys ") and ") valmistui." in out
    assert "2 indikaattoria ladattu" in out and "Johdetut tiedot ovat ajan tasalla" in out
    with connect_read(db) as con:
        assert con.execute("SELECT count(*) FROM observation WHERE indicator_id IN (127, 171)").fetchone()[0] > 0

    # A second run: unchanged indicators are skipped, still exit 0.
    code, out, events = run(capsys, "refresh", "--db", str(db), "--base-url", server.base_url, "--indicators", "127,171")
    assert code == 0 and "2 ennallaan" in out


def test_failed_indicator_exits_1_with_a_finnish_summary(db, server, capsys):
    code, out, events = run(capsys, "refresh", "--db", str(db), "--base-url", server.base_url,
                            "--indicators", "127,171,999")
    assert code == 1
    paragraph = out.strip()
    assert len(paragraph.splitlines()) == 1
    assert "osa epäonnistui" in paragraph and "1 epäonnistui" in paragraph and "999: metatiedot: HTTP 404" in paragraph
    assert "aiemmat tiedot jäivät ennalleen" in paragraph and "journalctl" in paragraph
    failed = [e for e in events if e["event"] == "sotkanet.indicator_failed"]
    assert [e["indicator"] for e in failed] == ["999"] and failed[0]["level"] == "warning"


def test_unreachable_region_list_exits_2(db, server, capsys):
    server.script("regions", [(503, {}, b"down")] * 6)
    code, out, events = run(capsys, "refresh", "--db", str(db), "--base-url", server.base_url, "--indicators", "127")
    assert code == 2
    assert ") EPÄONNISTUI." in out and "HTTP 503" in out and "ennallaan" in out


def test_missing_database_exits_2(tmp_path, capsys):
    code, out, events = run(capsys, "refresh", "--db", str(tmp_path / "none.duckdb"))
    assert code == 2 and "ei ole" in out and "catalogue" in out
    assert next(e for e in events if e["event"] == "schema")["level"] == "error"


def test_no_secret_in_logs_or_summary(db, server, capsys, monkeypatch):
    monkeypatch.setenv("TILANNEKUVA_ADMIN_PASSWORD_HASH", SECRET)
    monkeypatch.setenv("HTTPS_PROXY_PASSWORD", SECRET + "x")
    # The secret also rides in the URL's user-info, which the loader's progress line names.
    url = server.base_url.replace("http://", f"http://datateam:{SECRET}@")
    code, out, events = run(capsys, "refresh", "--db", str(db), "--base-url", url, "--indicators", "127,171,999")
    text = out + json.dumps(events, ensure_ascii=False)
    assert code == 1
    assert SECRET not in text and "Hunter2" not in text
    assert "***@" in text  # redacted, not dropped: the operator still sees which host was used


def test_redact_covers_env_values_and_url_userinfo():
    secrets = refresh.secret_values({"API_TOKEN": "abcd1234", "PATH": "/usr/bin", "X_KEY": "no"})
    assert secrets == ["abcd1234"]
    assert refresh.redact("t=abcd1234 https://u:p@h/x", secrets) == "t=*** https://***@h/x"


def _args(db: Path, base_url: str, indicators: str = "127,171") -> argparse.Namespace:
    return argparse.Namespace(db=str(db), region=None, base_url=base_url, indicators=indicators, regions=None,
                              force=False, workers=2)


def test_digest_line_and_failing_digest(db, server):
    out, err = io.StringIO(), io.StringIO()
    code = refresh.run_refresh(_args(db, server.base_url), digest=lambda path: ["3 muutosta", "a", "b"],
                               out=out, err=err)
    assert code == 0 and "Muutoskooste: 3 muutosta (+2 riviä)" in out.getvalue()

    def broken(path):
        raise RuntimeError("boom")

    out = io.StringIO()
    code = refresh.run_refresh(_args(db, server.base_url), digest=broken, out=out, err=io.StringIO())
    assert code == 1 and "Muutoskoostetta ei saatu" in out.getvalue()


def test_db_before_the_subcommand(db, capsys):
    assert cli.main(["--db", str(db), "status"]) == 0
    assert str(db) in capsys.readouterr().out
