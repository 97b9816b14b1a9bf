"""The data team's command line in Swedish (issue 16): refresh's summary paragraph, status, the top-level help and
hash-password come from common/strings/cli.toml, so TILANNEKUVA_LANG=sv gives them in Swedish; Finnish stays the
default, word for word. Runs `data_sources.__main__.main` in-process (no network: the Sotkanet replay server)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from common import i18n
from data_sources import __main__ as cli
from data_sources import admin_auth
from tests.test_refresh import server  # noqa: F401  (the same replay of the region's Sotkanet)

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.usefixtures("fast_backoff")


@pytest.fixture
def swedish(monkeypatch):
    """TILANNEKUVA_LANG=sv, and this test's context in Swedish too (another test may have set the context's
    language; the environment itself is checked in a subprocess below)."""
    monkeypatch.setenv("TILANNEKUVA_LANG", "sv")
    with i18n.in_language("sv"):
        yield




def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_refresh_without_a_database_says_so_in_swedish(tmp_path, capsys, swedish):
    missing = tmp_path / "none.duckdb"
    code, out, err = run(capsys, "refresh", "--db", str(missing))
    assert code == 2
    paragraph = out.strip()
    assert len(paragraph.splitlines()) == 1
    assert paragraph.startswith("Uppdateringen av Lägesbild ") and ") MISSLYCKADES. " in paragraph
    assert f"Databasen {missing} finns inte, så inget uppdaterades" in paragraph
    assert f"python -m data_sources catalogue --db {missing}" in paragraph
    assert "Detaljer: loggens JSON-rader" in paragraph
    assert "Tietokanta" not in paragraph and "EPÄONNISTUI" not in paragraph
    events = [json.loads(line) for line in err.splitlines() if line.strip()]
    schema = next(e for e in events if e["event"] == "schema")
    assert schema["message"] == "tietokantaa ei ole"  # the events are for machines: they do not change language


def test_refresh_with_a_failing_indicator_in_swedish(catalogue_copy, server, capsys, swedish):
    code, out, _ = run(capsys, "refresh", "--db", str(catalogue_copy), "--base-url", server.base_url,
                       "--indicators", "127,171,999")
    assert code == 1
    paragraph = out.strip()
    assert ") slutfördes, men en del misslyckades. " in paragraph
    assert "Sotkanet (laddning #" in paragraph and "2 indikatorer laddades (" in paragraph
    assert "1 misslyckades (999: " in paragraph
    assert "de misslyckade indikatorernas tidigare uppgifter blev kvar." in paragraph
    assert "De härledda uppgifterna är aktuella (" in paragraph


def test_refresh_with_sotkanet_down_in_swedish(catalogue_copy, server, capsys, swedish):
    server.script("regions", [(503, {}, b"down")] * 6)
    code, out, _ = run(capsys, "refresh", "--db", str(catalogue_copy), "--base-url", server.base_url,
                       "--indicators", "127")
    assert code == 2
    assert ") MISSLYCKADES. Sotkanet-laddningen " in out and "HTTP 503" in out and "uppgifterna är oförändrade" in out
    assert "orsaken finns i loggen" not in out  # the reason was found in the load's error line


def test_status_of_the_demo_database_in_swedish(demo_db, capsys, swedish):
    code, out, _ = run(capsys, "status", "--db", str(demo_db))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"Databas: {demo_db} (schema {lines[0].rsplit(' ', 1)[1]}"
    assert lines[1].startswith("Kataloger: ") and " kommuner, " in lines[1] and " enkätfrågor" in lines[1]
    assert "Indikatorobservationer (Sotkanet):" in lines
    assert any(line.startswith("  EXEMPEL (inte verkliga siffror): ") and " rader, " in line for line in lines)
    assert "Kompassenkäten:" in lines and "Laddningslogg (senaste):" in lines
    assert "Exempeldata — inte verkliga siffror" in out  # the stored demo phrase, read back in Swedish
    assert "riviä" not in out and "Luettelot" not in out


def test_status_in_finnish_is_unchanged(demo_db, capsys, monkeypatch):
    monkeypatch.delenv("TILANNEKUVA_LANG", raising=False)
    with i18n.in_language("fi"):
        code, out, _ = run(capsys, "status", "--db", str(demo_db))
    assert code == 0
    assert "Indikaattorihavainnot (Sotkanet):" in out.splitlines()
    assert "Esimerkkiaineisto — ei todellisia lukuja" in out and "Latausloki (uusimmat):" in out


def test_top_level_help_in_swedish(capsys, swedish):
    with pytest.raises(SystemExit) as done:
        cli.main(["--help"])
    assert done.value.code == 0
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    assert "Lägesbild: dataladdning och status." in out and "KOMMANDO" in out
    assert "databasfil (för alla kommandon)" in out
    assert "månadsuppdatering: Sotkanet för katalogen" in out
    assert "vad som har laddats:" in out and "gör en hash av administrationssidans lösenord" in out
    assert "Tilannekuva: tietojen lataus" not in out


def test_refresh_help_in_swedish(capsys, swedish):
    with pytest.raises(SystemExit):
        cli.main(["refresh", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "Schemalagd uppdatering (deploy/systemd, deploy/cron)." in out
    assert "ladda även oförändrade indikatorer" in out and "samtidiga begäranden (1–" in out


def test_the_environment_variable_alone_gives_swedish_help():
    env = {**os.environ, "TILANNEKUVA_LANG": "sv"}
    done = subprocess.run([sys.executable, "-m", "data_sources", "--help"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0
    assert "Lägesbild: dataladdning och status." in " ".join(done.stdout.split())


def test_hash_password_prompts_and_errors_in_swedish(capsys, monkeypatch, swedish):
    prompts = []
    answers = iter(["ett långt lösenord", "ett annat lösenord"])
    monkeypatch.setattr(admin_auth.getpass, "getpass", lambda prompt: prompts.append(prompt) or next(answers))
    assert cli.main(["hash-password"]) == 1
    assert prompts == ["Administrationens lösenord: ", "Samma igen: "]
    assert capsys.readouterr().err.strip() == "fel: lösenorden stämmer inte överens"
    monkeypatch.setattr(admin_auth.getpass, "getpass", lambda prompt: "kort")
    assert cli.main(["hash-password"]) == 1
    assert capsys.readouterr().err.strip() == f"fel: lösenordet måste ha minst {admin_auth.MIN_PASSWORD_LENGTH} tecken"


def test_hash_password_in_finnish_is_unchanged(capsys, monkeypatch):
    monkeypatch.delenv("TILANNEKUVA_LANG", raising=False)
    monkeypatch.setattr(admin_auth.getpass, "getpass", lambda prompt: "kort")
    with i18n.in_language("fi"):
        assert cli.main(["hash-password"]) == 1
    assert capsys.readouterr().err.strip() == f"virhe: salasanan on oltava vähintään {admin_auth.MIN_PASSWORD_LENGTH} merkkiä"


def test_error_reason_is_found_in_either_language():
    from data_sources.refresh import _error_reason
    assert _error_reason(["ok", "virhe: HTTP 503"]) == "HTTP 503"
    assert _error_reason(["fel: HTTP 503", "ok"]) == "HTTP 503"
    assert _error_reason(["ok"]) is None
