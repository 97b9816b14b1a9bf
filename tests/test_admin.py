"""Admin password check and the hash-password command."""
from __future__ import annotations

import argparse

import pytest

from data_sources import admin_auth
from data_sources.admin_auth import (
    ENV_VAR, INVALID_CONFIG, NOT_CONFIGURED, OK, WRONG, check_password, hash_password, verify_password,
)

FAST = 100_000  # the minimum accepted; keeps the tests quick


@pytest.fixture(scope="module")
def stored():
    return hash_password("oikea salasana 123", iterations=FAST)


def test_format(stored):
    algorithm, iterations, salt, digest = stored.split("$")
    assert algorithm == "pbkdf2_sha256" and int(iterations) == FAST and len(bytes.fromhex(salt)) == 16
    assert len(bytes.fromhex(digest)) == 32
    assert hash_password("x" * 12, iterations=FAST) != hash_password("x" * 12, iterations=FAST)  # salted


def test_right_and_wrong_password(stored):
    assert verify_password("oikea salasana 123", stored)
    assert not verify_password("oikea salasana 124", stored)
    assert not verify_password("", stored)
    assert check_password("oikea salasana 123", stored, env={}) == OK
    assert check_password("väärä", stored, env={}) == WRONG


def test_not_configured_and_invalid():
    assert check_password("mitä tahansa", None, env={}) == NOT_CONFIGURED
    assert check_password("mitä tahansa", "   ", env={}) == NOT_CONFIGURED
    assert check_password("x", "plain-text-password", env={}) == INVALID_CONFIG
    assert check_password("x", "pbkdf2_sha256$10$00ff$abcd", env={}) == INVALID_CONFIG  # too few iterations
    assert not verify_password("plain-text-password", "plain-text-password")


def test_env_wins_over_secrets(stored, monkeypatch):
    other = hash_password("ympäristön salasana", iterations=FAST)
    monkeypatch.setenv(ENV_VAR, other)
    assert check_password("ympäristön salasana", stored) == OK
    assert check_password("oikea salasana 123", stored) == WRONG
    monkeypatch.delenv(ENV_VAR)
    assert check_password("oikea salasana 123", stored) == OK


def test_hash_password_command(monkeypatch, capsys):
    answers = iter(["pitkä salasana 42", "pitkä salasana 42"])
    monkeypatch.setattr(admin_auth.getpass, "getpass", lambda prompt="": next(answers))
    parser = argparse.ArgumentParser()
    admin_auth.add_cli(parser.add_subparsers())
    args = parser.parse_args(["hash-password", "--iterations", str(FAST)])
    assert args.func(args) == 0
    printed = capsys.readouterr().out.strip().splitlines()[0]
    assert verify_password("pitkä salasana 42", printed)


def test_hash_password_command_refuses_short_or_mismatch(monkeypatch):
    parser = argparse.ArgumentParser()
    admin_auth.add_cli(parser.add_subparsers())
    args = parser.parse_args(["hash-password", "--iterations", str(FAST)])
    monkeypatch.setattr(admin_auth.getpass, "getpass", lambda prompt="": "lyhyt")
    assert args.func(args) == 1
    answers = iter(["pitkä salasana 42", "eri salasana 42"])
    monkeypatch.setattr(admin_auth.getpass, "getpass", lambda prompt="": next(answers))
    assert args.func(args) == 1


# ---------------------------------------------------------------- the admin page


def _page(monkeypatch, tmp_path, hash_value=None):
    from streamlit.testing.v1 import AppTest

    from tests.survey_fixtures import make_db

    db = make_db(tmp_path)
    monkeypatch.setenv("TILANNEKUVA_DB", str(db))
    if hash_value:
        monkeypatch.setenv(ENV_VAR, hash_value)
    else:
        monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here
    from pathlib import Path

    return AppTest.from_file(str(Path(__file__).resolve().parents[1] / "pages/yllapito.py"), default_timeout=60), db


def test_admin_page_off_without_configuration(monkeypatch, tmp_path):
    at, _ = _page(monkeypatch, tmp_path)
    at.run()
    assert not at.exception
    assert any("pois päältä" in i.value for i in at.info)
    assert any("hash-password" in c.value for c in at.code)
    assert not at.tabs


def test_admin_page_login_and_record_status(monkeypatch, tmp_path, stored):
    from tests.survey_fixtures import query

    at, db = _page(monkeypatch, tmp_path, stored)
    at.run()
    at.text_input[0].input("väärä salasana"); at.button[0].click(); at.run()
    assert [e.value for e in at.error] == ["Väärä salasana."] and not at.tabs
    at.text_input[0].input("oikea salasana 123"); at.button[0].click(); at.run()
    assert not at.exception and len(at.tabs) == 3  # survey, statuses, own metrics
    note = [t for t in at.text_input if t.label.startswith("Edistyminen")][0]
    note.input("<b>ei html:ää</b>")
    [b for b in at.button if b.label == "Tallenna"][0].click()
    at.run()
    assert not at.exception
    assert any("Tallennettu" in s.value for s in at.success)
    assert query(db, "SELECT note, recorded_by FROM action_status") == [("<b>ei html:ää</b>", "ylläpito")]
