"""Admin password check for the admin page (pure: no Streamlit here).

The operator stores only a hash, made with

    python -m data_sources hash-password

in `.streamlit/secrets.toml`:

    [admin]
    password_hash = "pbkdf2_sha256$600000$<salt hex>$<hash hex>"

or in the environment variable TILANNEKUVA_ADMIN_PASSWORD_HASH (which wins over secrets.toml, so a
deployment can override a file). Without either, admin functions are off; the dashboard stays open.

Brute force: `login()` counts failures per account and per client address in one `LoginThrottle` of the
server process (every browser session shares it; a reload starts no new count), with a growing wait, and
checks the throttle before any hashing. At most HASH_SLOTS PBKDF2 checks run at a time (one core of a
small server), so login attempts cannot starve the readers' page runs.

OIDC (`st.login`): an account is an administrator only when its e-mail is verified by the identity
provider and is on the `[admin] allowed_emails` list; without the list nobody is (`oidc_admin`).
"""
from __future__ import annotations

import getpass
import hashlib
import hmac
import os
import secrets
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from common.i18n import t

ENV_VAR = "TILANNEKUVA_ADMIN_PASSWORD_HASH"
ALGORITHM = "pbkdf2_sha256"
DEFAULT_ITERATIONS = 600_000  # OWASP 2023 recommendation for PBKDF2-HMAC-SHA256
MIN_ITERATIONS = 100_000
MAX_ITERATIONS = 10_000_000  # a hash from config must not make each login take minutes
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1_024

# check_password results
OK = "ok"
WRONG = "wrong"
NOT_CONFIGURED = "not_configured"
INVALID_CONFIG = "invalid_config"


def hash_password(password: str, *, iterations: int = DEFAULT_ITERATIONS, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{ALGORITHM}${iterations}${salt.hex()}${digest.hex()}"


def parse_hash(stored: str) -> tuple[int, bytes, bytes] | None:
    """(iterations, salt, digest) of a well-formed hash string, else None."""
    parts = (stored or "").strip().split("$")
    if len(parts) != 4 or parts[0] != ALGORITHM:
        return None
    try:
        iterations = int(parts[1])
        salt, digest = bytes.fromhex(parts[2]), bytes.fromhex(parts[3])
    except ValueError:
        return None
    if not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS or len(salt) < 8 or len(digest) != 32:
        return None
    return iterations, salt, digest


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of a password against a stored hash; a malformed hash never matches."""
    parsed = parse_hash(stored)
    if parsed is None or not isinstance(password, str) or len(password) > MAX_PASSWORD_LENGTH:
        return False
    iterations, salt, digest = parsed
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return hmac.compare_digest(candidate, digest)


def configured_hash(secrets_value: str | None = None, env: dict | None = None) -> str | None:
    """The hash to check against: env TILANNEKUVA_ADMIN_PASSWORD_HASH, else the secrets.toml value."""
    env = os.environ if env is None else env
    for value in (env.get(ENV_VAR), secrets_value):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def auth_state(secrets_value: str | None = None, env: dict | None = None) -> str:
    """NOT_CONFIGURED, INVALID_CONFIG or OK (configured and well-formed)."""
    stored = configured_hash(secrets_value, env)
    if stored is None:
        return NOT_CONFIGURED
    return OK if parse_hash(stored) else INVALID_CONFIG


def check_password(password: str, secrets_value: str | None = None, env: dict | None = None) -> str:
    """OK, WRONG, NOT_CONFIGURED or INVALID_CONFIG."""
    state = auth_state(secrets_value, env)
    if state != OK:
        return state
    return OK if verify_password(password, configured_hash(secrets_value, env)) else WRONG


# ---------------------------------------------------------------- brute force: one throttle per server process

LOCKED = "locked"  # login() result: the account or the address waits; no password was checked
BUSY = "busy"      # login() result: the hashing slots stayed taken; no password was checked
ACCOUNT_KEY = "account:admin"  # the one password account


class LoginThrottle:
    """Failed logins per key (the account, a client address): after FREE_ATTEMPTS failures in a row a key
    waits BASE_DELAY seconds, doubling with each further failure up to MAX_DELAY. A success clears the keys.
    At most MAX_KEYS keys are remembered (the oldest forgotten first), so many addresses cannot fill memory."""

    FREE_ATTEMPTS = 5
    BASE_DELAY = 30.0
    MAX_DELAY = 3600.0
    MAX_KEYS = 10_000

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._lock = threading.Lock()
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()  # key -> (failures, locked until)

    def wait_seconds(self, keys: Iterable[str]) -> float:
        now = self.clock()
        with self._lock:
            return max([until - now for _, until in (self._failures.get(k, (0, 0.0)) for k in keys)] + [0.0])

    def delay_after(self, failures: int) -> float:
        over = failures - self.FREE_ATTEMPTS
        return 0.0 if over < 0 else min(self.BASE_DELAY * 2 ** over, self.MAX_DELAY)

    def record_failure(self, keys: Iterable[str]) -> float:
        """Count one failure on every key; the wait that now applies."""
        now = self.clock()
        with self._lock:
            for key in keys:
                failures = self._failures.pop(key, (0, 0.0))[0] + 1
                self._failures[key] = (failures, now + self.delay_after(failures))
                while len(self._failures) > self.MAX_KEYS:
                    self._failures.popitem(last=False)
        return self.wait_seconds(keys)

    def record_success(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


THROTTLE = LoginThrottle()
HASH_SLOTS = threading.BoundedSemaphore(1)
HASH_SLOT_TIMEOUT = 5.0


@dataclass(frozen=True)
class LoginResult:
    status: str            # OK, WRONG, LOCKED, BUSY, NOT_CONFIGURED or INVALID_CONFIG
    wait_seconds: float = 0.0


def throttle_keys(client_address: str | None) -> list[str]:
    return [ACCOUNT_KEY] + ([f"address:{client_address}"] if client_address else [])


def login(password: str, secrets_value: str | None = None, *, client_address: str | None = None,
          throttle: LoginThrottle | None = None, env: dict | None = None) -> LoginResult:
    """A password login through the process-wide throttle. The failure is counted before the hash is
    computed (and cleared on success), so concurrent attempts cannot slip past the count."""
    throttle = throttle or THROTTLE
    state = auth_state(secrets_value, env)
    if state != OK:
        return LoginResult(state)
    keys = throttle_keys(client_address)
    wait = throttle.wait_seconds(keys)
    if wait > 0:
        return LoginResult(LOCKED, wait)
    wait = throttle.record_failure(keys)
    if not HASH_SLOTS.acquire(timeout=HASH_SLOT_TIMEOUT):
        return LoginResult(BUSY, wait)
    try:
        matched = verify_password(password, configured_hash(secrets_value, env))
    finally:
        HASH_SLOTS.release()
    if matched:
        throttle.record_success(keys)
        return LoginResult(OK)
    return LoginResult(WRONG, wait)


def oidc_admin(user: Mapping, allowed_emails: Iterable[str] | None) -> str | None:
    """The administrator's e-mail when the OIDC account may administer, else None: a list of allowed
    addresses is required, the e-mail claim must be present and verified by the provider (email_verified
    true), and only the e-mail is compared (case-insensitively) — never a display name."""
    if isinstance(allowed_emails, str):  # `allowed_emails = "a@b.fi"` in secrets.toml: one address
        allowed_emails = [allowed_emails]
    allowed = {str(a).strip().casefold() for a in (allowed_emails or []) if str(a).strip()}
    if not allowed:
        return None
    email = user.get("email")
    verified = user.get("email_verified")
    if not isinstance(email, str) or not (verified is True or (isinstance(verified, str) and verified.lower() == "true")):
        return None
    return email.strip() if email.strip().casefold() in allowed else None


# ---------------------------------------------------------------- CLI


def _cmd_hash_password(args) -> int:
    password = getpass.getpass(t("cli.hash.prompt"))
    if len(password) < MIN_PASSWORD_LENGTH:
        print(t("cli.error", message=t("cli.hash.too_short", min=MIN_PASSWORD_LENGTH)), file=sys.stderr)
        return 1
    if len(password) > MAX_PASSWORD_LENGTH:
        print(t("cli.error", message=t("cli.hash.too_long")), file=sys.stderr)
        return 1
    if getpass.getpass(t("cli.hash.again")) != password:
        print(t("cli.error", message=t("cli.hash.mismatch")), file=sys.stderr)
        return 1
    value = hash_password(password, iterations=args.iterations)
    print(value)
    print(t("cli.hash.instructions", value=value, env=ENV_VAR), file=sys.stderr)
    return 0


def add_cli(subparsers) -> None:
    p = subparsers.add_parser("hash-password", help=t("cli.hash.help"), description=t("cli.hash.description"))
    p.add_argument("--iterations", type=int, default=DEFAULT_ITERATIONS,
                   choices=range(MIN_ITERATIONS, MAX_ITERATIONS + 1), metavar="N",
                   help=t("cli.hash.iterations_help", default=DEFAULT_ITERATIONS))
    p.add_argument("--db", help=t("cli.hash.db_help"))
    p.set_defaults(func=_cmd_hash_password)
