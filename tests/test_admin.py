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
