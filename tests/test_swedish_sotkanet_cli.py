"""The Sotkanet loader's command line in Swedish (issue 16): with TILANNEKUVA_LANG=sv its progress lines, notes,
summary, dump lines and errors (common/strings/sotkanet.toml) are Swedish, while what it stores in the load log
stays Finnish with its key beside (so the Tietolähteet page and `refresh` read it back in Swedish); Finnish stays
the default, word for word. Every sub-command's --help is the project's own texts in Swedish (argparse's own
"usage:"/"options:" are English upstream and stay). Runs against the local Sotkanet replay server, no network."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from common import i18n
from data_sources import __main__ as cli
from tests.test_sotkanet import OWN, items, q, run, server  # noqa: F401  (the replay server of the region)
from tests.test_swedish_cli import swedish  # noqa: F401  (TILANNEKUVA_LANG=sv and this context in Swedish)

ROOT = Path(__file__).resolve().parents[1]
FINNISH = ("ladattu", "EPÄONNISTUI", "Huomio", "Vedos", "vedos", "Tietokanta", "tietokanta", "riviä", "ennallaan",
           "metatiedot", "virhe", "aluelista", "Epäonnistuneet")

pytestmark = pytest.mark.usefixtures("fast_backoff")


def no_finnish(text: str) -> list[str]:
    return [word for word in FINNISH if word in text]


@pytest.fixture
def db(catalogue_copy) -> Path:
    return catalogue_copy


@pytest.fixture
def finnish(monkeypatch):
    monkeypatch.delenv("TILANNEKUVA_LANG", raising=False)
    with i18n.in_language("fi"):
        yield


def test_progress_summary_and_failure_in_swedish(db, server, swedish):
    code, out, err = run(db, server, "--indicators", "127,171,999")
    assert code == 1
    assert err.startswith("Sotkanet: 3 indikatorer, källa http://127.0.0.1:")
    assert "127 Befolkning 31.12: laddad – 44 rader (" in err  # Sotkanet's own Swedish name of the indicator
    assert "999: MISSLYCKADES – metadata: HTTP 404 – hittades inte (" in err
    assert "[3/3]" in err and " s)" in err
    lines = out.splitlines()
    assert lines[0].startswith("Sotkanet-laddning #") and " klar (" in lines[0]
    assert "2 laddade, 0 oförändrade, 1 misslyckades; " in lines[0] and lines[0].endswith(" rader")
    assert "Misslyckade (deras tidigare uppgifter blev kvar):" in lines
    assert any(line.startswith("  999: metadata: HTTP 404 – hittades inte (") for line in lines)
    assert not no_finnish(out + err), no_finnish(out + err)
    # what is stored stays Finnish (the journal, old readers), with its key beside for the reader's language
    log = items(db)
    assert log["999"][3].startswith("metatiedot: HTTP 404 – ei löydy (")
    assert log["127"][3].startswith("44 riviä (")
    message, phrase = q(db, "SELECT message, message_phrase FROM load_log ORDER BY load_id DESC LIMIT 1")[0]
    assert message.startswith("2 ladattu, 0 ennallaan, 1 epäonnistui; ") and "999: metatiedot: HTTP 404" in message
    assert i18n.stored_text(message, phrase).startswith("2 laddade, 0 oförändrade, 1 misslyckades; ")
    assert "999: metadata: HTTP 404 – hittades inte" in i18n.stored_text(message, phrase)


def test_unchanged_rerun_and_notes_in_swedish(db, server, swedish):
    regions = json.loads((OWN / "regions_pohjois_savo.json").read_text())
    server.state.regions = json.dumps([r for r in regions if r["category"] != "HYVINVOINTIALUE"]).encode()
    rows = [r for r in json.loads((OWN / "json_127.json").read_text()) if r["region"] != 974]
    rows.append({"indicator": 127, "region": 999999, "year": 2023, "gender": "total", "value": 0})  # a retired one
    server.state.json_rows[127] = json.dumps(rows).encode()
    code, out, err = run(db, server, "--indicators", "127")
    assert code == 0, out + err
    assert "Obs: Välfärdsområdet finns inte i Sotkanets regionlista; välfärdsområdets rader lämnas bort." in out
    assert ("Obs: 127: 1 rader för områden som saknas i regionlistan (999999), alla värden 0 eller tomma; "
            "hoppades över.") in out
    code, out, err = run(db, server, "--indicators", "127")
    assert code == 0, out + err
    assert "127 Befolkning 31.12: oförändrad – data-updated 2025-03-28 oförändrat (" in err
    assert "0 laddade, 1 oförändrade, 0 misslyckades" in out
    assert not no_finnish(out + err), no_finnish(out + err)
    assert items(db)["127"][3] == "data-updated 2025-03-28 ennallaan"


def test_a_bad_response_names_row_and_value_in_swedish(db, server, swedish):
    rows = json.loads((OWN / "json_127.json").read_text())
    rows.append({"indicator": 127, "region": 123456, "year": 2023, "gender": "total", "value": 42})
    server.state.json_rows[127] = json.dumps(rows).encode()
    server.script("json:171", [(200, {}, (OWN / "json_171.json").read_bytes()[:1000])])
    code, out, err = run(db, server, "--indicators", "127,171")
    assert code == 1
    assert ("  127: data: svaret har värden för områden som inte finns i Sotkanets regionlista: 123456 (1 rader); "
            "regionlistan och datan stämmer inte överens (gammal regionlista?)") in out
    assert "  171: data: dataraderna: JSON tar slut mitt i (1000 byte; svaret blev ofullständigt)" in out
    assert not no_finnish(out + err), no_finnish(out + err)
    assert items(db)["171"][3] == "data: datarivit: JSON katkeaa kesken (1000 tavua; vastaus jäi vajaaksi)"


def test_dump_and_a_broken_dump_in_swedish(db, server, tmp_path, swedish):
    dump = tmp_path / "dump"
    code, out, err = run(db, server, "--indicators", "127", "--dump", str(dump))
    assert code == 0, out + err
    assert f"Dumpen sparades: {dump / 'manifest.json'} (3 svar)" in err
    code, out, err = run(db, None, "--indicators", "127,171", "--from-dump", str(dump), "--force")
    assert code == 1
    assert err.startswith(f"Sotkanet: 2 indikatorer, källa dump {dump} (ursprungligen http://127.0.0.1:")
    assert "  171: metadata: dumpen har ingen begäran indicators/171" in out
    entry = next(e for e in json.loads((dump / "manifest.json").read_text())["entries"] if e["path"] == "json")
    target = dump / entry["file"]
    target.write_bytes(target.read_bytes() + b" ")
    code, out, err = run(db, None, "--indicators", "127", "--from-dump", str(dump), "--force")
    assert code == 2
    assert err.startswith(f"fel: Dumpen duger inte:\n  - {entry['file']}: kontrollsumman stämmer inte (manifest ")
    assert "filen har ändrats eller är skadad" in err
    code, out, err = run(db, None, "--indicators", "127", "--from-dump", str(tmp_path / "none"))
    assert code == 2 and err.strip() == f"fel: manifest.json saknas i dumpmappen: {tmp_path / 'none'}"
    assert not no_finnish(out + err), no_finnish(out + err)


@pytest.mark.parametrize("args, message", [
    (["--years", "2024-2010"], "fel: --years: intervallet '2024-2010' är omvänt"),
    (["--years", "abc"], "fel: --years: 'abc' är inte ett år"),
    (["--indicators", "12x"], "fel: --indicators: '12x' är inte ett indikatornummer (t.ex. 127,171 eller catalogue)"),
    (["--workers", "9"], "fel: --workers: 1–4"),
])
def test_bad_arguments_in_swedish(db, server, args, message, swedish):
    code, out, err = run(db, server, *args)
    assert code == 2 and err.strip() == message


def test_setup_errors_in_swedish(db, server, tmp_path, swedish):
    missing = tmp_path / "missing.duckdb"
    code, out, err = run(missing, server, "--indicators", "127")
    assert code == 2
    assert err.strip() == (f"fel: databasen finns inte: {missing}. Bygg den först: python -m data_sources catalogue "
                           f"--db {missing}")
    server.script("regions", [(503, {}, b"down")] * 5)
    code, out, err = run(db, server, "--indicators", "127")
    assert code == 2
    assert "fel: Sotkanets regionlista kunde inte hämtas: HTTP 503 – serverfel, de nya försöken tog slut (" in err
    assert not no_finnish(out + err), no_finnish(out + err)
    stored = q(db, "SELECT message FROM load_log ORDER BY load_id DESC LIMIT 1")[0][0]
    assert stored.startswith("Sotkanetin aluelistaa ei saatu: HTTP 503 – palvelinvirhe")  # the log stays Finnish


def test_refresh_names_the_failed_indicators_reason_in_swedish(db, server, capsys, swedish):
    code = cli.main(["refresh", "--db", str(db), "--base-url", server.base_url, "--indicators", "127,171,999"])
    captured = capsys.readouterr()
    assert code == 1
    assert "1 misslyckades (999: metadata: HTTP 404 – hittades inte (" in captured.out
    events = [json.loads(line) for line in captured.err.splitlines() if line.strip()]
    failed = next(e for e in events if e["event"] == "sotkanet.indicator_failed")
    assert failed["message"].startswith("metatiedot: HTTP 404 – ei löydy")  # the events are for machines


def test_the_default_stays_finnish(db, server, finnish):
    code, out, err = run(db, server, "--indicators", "127,171,999")
    assert code == 1
    assert err.startswith("Sotkanet: 3 indikaattoria, lähde http://127.0.0.1:")
    assert "127 Väestö 31.12.: ladattu – 44 riviä (" in err
    assert "999: EPÄONNISTUI – metatiedot: HTTP 404 – ei löydy (" in err
    lines = out.splitlines()
    assert lines[0].startswith("Sotkanet-lataus #") and " valmis (" in lines[0]
    assert "2 ladattu, 0 ennallaan, 1 epäonnistui; " in lines[0]
    assert "Epäonnistuneet (niiden aiemmat tiedot jäivät ennalleen):" in lines
    code, out, err = run(db, server, "--years", "2024-2010")
    assert err.strip() == "virhe: --years: väli '2024-2010' on väärin päin"


# ---------------------------------------------------------------- every sub-command's help


def parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """(command path, parser, [its own help texts]) of the parser and every sub-parser below it, in order."""
    texts = [parser.description]
    children = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue  # argparse's own "show this help message and exit"
        if isinstance(action, argparse._SubParsersAction):
            texts += [a.help for a in action._choices_actions] + [action.metavar]
            children += list(action.choices.items())
        else:
            texts += [action.help, action.metavar if isinstance(action.metavar, str) else None]
    yield path, parser, [x for x in texts if x]
    for name, child in children:
        yield from parsers(child, (*path, name))


def helps_in(lang: str) -> dict[tuple[str, ...], list[str]]:
    with i18n.in_language(lang):
        return {path: texts for path, _, texts in parsers(cli.build_parser())}


def test_every_sub_commands_help_is_swedish(swedish):
    finnish, swedish_ = helps_in("fi"), helps_in("sv")
    assert len(finnish) >= 25  # every command and its actions (the walk finds them)
    assert set(finnish) == set(swedish_)
    # metavars that are names, not words, in either language (the descriptions say "--db PATH" in both)
    names = ("PATH", "LOAD_ID", "N")
    same = {path: [(fi, sv) for fi, sv in zip(finnish[path], swedish_[path]) if fi == sv and fi not in names]
            for path in finnish}
    same = {path: pairs for path, pairs in same.items() if pairs}
    assert not same, f"help still the same in Finnish and Swedish: {same}"
    finnish_words = {path: no_finnish(" ".join(texts)) for path, texts in swedish_.items()}
    assert not any(finnish_words.values()), finnish_words
    with i18n.in_language("sv"):
        sotkanet = next(p for path, p, _ in parsers(cli.build_parser()) if path == ("sotkanet",))
        text = " ".join(sotkanet.format_help().split())
    assert "Laddar Sotkanets indikatorer." in text and "--dump MAPP" in text
    assert "ladda även oförändrade indikatorer" in text and "samtidiga begäranden (1–4, standard 3)" in text


SUBCOMMANDS = [["sotkanet"], ["survey"], ["action-status", "set"], ["meeting", "add"], ["own-metric"], ["geometry"],
               ["forum"], ["changes"], ["take-home"]]


@pytest.mark.parametrize("argv", SUBCOMMANDS, ids=" ".join)
def test_the_environment_variable_alone_gives_swedish_sub_command_help(argv):
    env = {**os.environ, "TILANNEKUVA_LANG": "sv"}
    done = subprocess.run([sys.executable, "-m", "data_sources", *argv, "--help"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with i18n.in_language("sv"):
        expected = next(p for path, p, _ in parsers(cli.build_parser()) if list(path) == argv).format_help()
    assert " ".join(done.stdout.split()) == " ".join(expected.split())
    assert not no_finnish(done.stdout), no_finnish(done.stdout)
