"""Brute force and identity (issue 13, items 4-5): a lockout that holds across sessions, hashing that cannot
starve readers, and st.login admitting only verified, listed e-mail addresses."""
from __future__ import annotations

import threading

import pytest

from data_sources import admin_auth
from data_sources.admin_auth import LOCKED, OK, WRONG, LoginThrottle, hash_password, login, oidc_admin

FAST_HASH = hash_password("oikea salasana 123", iterations=admin_auth.MIN_ITERATIONS)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def throttle(monkeypatch):
    clock = Clock()
    fresh = LoginThrottle(clock)
    monkeypatch.setattr(admin_auth, "THROTTLE", fresh)
    monkeypatch.delenv(admin_auth.ENV_VAR, raising=False)
    return fresh


def test_failures_lock_the_account_with_a_growing_wait(throttle):
    for _ in range(LoginThrottle.FREE_ATTEMPTS - 1):
        assert login("väärä", FAST_HASH).status == WRONG
    result = login("väärä", FAST_HASH)
    assert result.status == WRONG and result.wait_seconds == LoginThrottle.BASE_DELAY
    assert login("oikea salasana 123", FAST_HASH).status == LOCKED  # even the right password waits
    waits = []
    for _ in range(4):
        throttle.clock.now += throttle.wait_seconds([admin_auth.ACCOUNT_KEY]) + 0.1
        waits.append(login("väärä", FAST_HASH).wait_seconds)
    assert waits == [60.0, 120.0, 240.0, 480.0]
    throttle.clock.now += 480.1
    assert login("oikea salasana 123", FAST_HASH).status == OK
    assert throttle.wait_seconds([admin_auth.ACCOUNT_KEY]) == 0  # a success clears the count


def test_a_locked_attempt_computes_no_hash(throttle, monkeypatch):
    for _ in range(LoginThrottle.FREE_ATTEMPTS):
        login("väärä", FAST_HASH)
    calls = []
    monkeypatch.setattr(admin_auth, "verify_password", lambda *a: calls.append(a) or False)
    assert login("väärä", FAST_HASH).status == LOCKED
    assert calls == []


def test_the_client_address_is_counted_too(throttle):
    for _ in range(LoginThrottle.FREE_ATTEMPTS):
        login("väärä", FAST_HASH, client_address="10.0.0.9")
    throttle.record_success([admin_auth.ACCOUNT_KEY])  # the account's count cleared: the address still waits
    assert login("oikea salasana 123", FAST_HASH, client_address="10.0.0.9").status == LOCKED
    assert login("oikea salasana 123", FAST_HASH, client_address="10.0.0.10").status == OK


def test_remembered_keys_are_bounded(monkeypatch):
    small = LoginThrottle(Clock())
    monkeypatch.setattr(LoginThrottle, "MAX_KEYS", 100)
    for i in range(1000):
        small.record_failure([f"address:{i}"])
    assert len(small._failures) == 100


def test_concurrent_attempts_hash_one_at_a_time_and_stop_at_the_limit(throttle, monkeypatch):
    """Eight clients at once: never more than HASH_SLOTS hashes in parallel, and no more than FREE_ATTEMPTS
    passwords checked before the lockout (the failure is counted before the hash)."""
    running, peak, checked = [0], [0], [0]
    guard = threading.Lock()
    real_verify = admin_auth.verify_password

    def counting_verify(password, stored):
        with guard:
            running[0] += 1
            checked[0] += 1
            peak[0] = max(peak[0], running[0])
        try:
            return real_verify(password, stored)
        finally:
            with guard:
                running[0] -= 1

    monkeypatch.setattr(admin_auth, "verify_password", counting_verify)
    results = []

    def client():
        for _ in range(10):
            results.append(login("väärä", FAST_HASH).status)

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak[0] == 1
    assert checked[0] == LoginThrottle.FREE_ATTEMPTS
    assert results.count(LOCKED) == 80 - LoginThrottle.FREE_ATTEMPTS


def test_a_reload_does_not_reset_the_lockout(throttle, monkeypatch, tmp_path):
    """Two AppTest sessions of the admin page stand for a reload: the second starts locked."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from tests.survey_fixtures import make_db

    monkeypatch.setenv("TILANNEKUVA_DB", str(make_db(tmp_path)))
    monkeypatch.setenv(admin_auth.ENV_VAR, FAST_HASH)
    monkeypatch.chdir(tmp_path)
    page = str(Path(__file__).resolve().parents[1] / "pages/yllapito.py")
    first = AppTest.from_file(page, default_timeout=60)
    first.run()
    for _ in range(LoginThrottle.FREE_ATTEMPTS):
        first.text_input[0].input("väärä"); first.button[0].click(); first.run()
    assert "Väärä salasana" in first.error[0].value
    reloaded = AppTest.from_file(page, default_timeout=60)
    reloaded.run()
    reloaded.text_input[0].input("oikea salasana 123"); reloaded.button[0].click(); reloaded.run()
    assert not reloaded.tabs
    assert "Liian monta väärää yritystä" in reloaded.error[0].value


# ---------------------------------------------------------------- st.login


ALLOWED = ["koordinaattori@hva.example"]


@pytest.mark.parametrize("user, allowed, expected", [
    ({"email": "koordinaattori@hva.example", "email_verified": True}, ALLOWED, "koordinaattori@hva.example"),
    ({"email": "Koordinaattori@HVA.example", "email_verified": True}, ALLOWED, "Koordinaattori@HVA.example"),
    ({"email": "koordinaattori@hva.example", "email_verified": "true"}, "koordinaattori@hva.example",
     "koordinaattori@hva.example"),
    ({"email": "koordinaattori@hva.example", "email_verified": True}, None, None),   # no allowlist: nobody
    ({"email": "koordinaattori@hva.example", "email_verified": True}, [], None),
    ({"email": "koordinaattori@hva.example", "email_verified": False}, ALLOWED, None),
    ({"email": "koordinaattori@hva.example"}, ALLOWED, None),                         # no verification claim
    ({"name": "koordinaattori@hva.example", "email_verified": True}, ALLOWED, None),  # a name is not an e-mail
    ({"email": "muu@hva.example", "email_verified": True}, ALLOWED, None),
    ({"email": ["koordinaattori@hva.example"], "email_verified": True}, ALLOWED, None),
])
def test_oidc_admits_only_a_verified_listed_email(user, allowed, expected):
    assert oidc_admin(user, allowed) == expected


def test_measured_attempt_rate_through_the_lockout(throttle):
    """The figure for the closing note: real password checks per minute an attacker gets (fake clock, one
    simulated hour of continuous attempts from one address)."""
    checked = 0
    start = throttle.clock.now
    while throttle.clock.now - start < 3600:
        result = login("väärä", FAST_HASH, client_address="10.0.0.1")
        checked += result.status == WRONG
        throttle.clock.now += max(throttle.wait_seconds(admin_auth.throttle_keys("10.0.0.1")), 0.5)
    print(f"\npassword checks in one hour of attempts: {checked}")
    assert checked <= LoginThrottle.FREE_ATTEMPTS + 8  # 5 free, then 30 s, 60 s, … doubling


def test_pdf_prints_run_at_most_two_at_a_time(monkeypatch):
    """Eight readers toggling 'Valmistele PDF' at once start at most PDF_SLOTS Chromium processes."""
    from documents import brief

    running, peak = [0], [0]
    guard = threading.Lock()

    def fake_print(binary, document, timeout):
        with guard:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        threading.Event().wait(0.05)
        with guard:
            running[0] -= 1
        return b"%PDF"

    monkeypatch.setattr(brief, "chromium_binary", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(brief, "_print", fake_print)
    results = []
    threads = [threading.Thread(target=lambda: results.append(brief.html_to_pdf("<p>x</p>"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [b"%PDF"] * 8 and peak[0] == 2
