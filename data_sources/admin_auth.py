"""Admin password check for the admin page (pure: no Streamlit here).

The operator stores only a hash, made with

    python -m data_sources hash-password

in `.streamlit/secrets.toml`:

    [admin]
    password_hash = "pbkdf2_sha256$600000$<salt hex>$<hash hex>"

or in the environment variable TILANNEKUVA_ADMIN_PASSWORD_HASH (which wins over secrets.toml, so a
deployment can override a file). Without either, admin functions are off; the dashboard stays open.
"""
from __future__ import annotations

import getpass
import hashlib
import hmac
import os
import secrets
import sys

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


# ---------------------------------------------------------------- CLI


def _cmd_hash_password(args) -> int:
    password = getpass.getpass("Ylläpidon salasana: ")
    if len(password) < MIN_PASSWORD_LENGTH:
        print(f"virhe: salasanan on oltava vähintään {MIN_PASSWORD_LENGTH} merkkiä", file=sys.stderr)
        return 1
    if len(password) > MAX_PASSWORD_LENGTH:
        print("virhe: salasana on liian pitkä", file=sys.stderr)
        return 1
    if getpass.getpass("Sama uudelleen: ") != password:
        print("virhe: salasanat eivät täsmää", file=sys.stderr)
        return 1
    value = hash_password(password, iterations=args.iterations)
    print(value)
    print("\nLisää tiedostoon .streamlit/secrets.toml:\n\n[admin]\n"
          f'password_hash = "{value}"\n\ntai aseta ympäristömuuttuja {ENV_VAR}.', file=sys.stderr)
    return 0


def add_cli(subparsers) -> None:
    p = subparsers.add_parser("hash-password", help="tee ylläpitosivun salasanasta tiiviste (secrets.toml)",
                              description="Kysyy salasanan (ei näy ruudulla) ja tulostaa sen PBKDF2-tiivisteen.")
    p.add_argument("--iterations", type=int, default=DEFAULT_ITERATIONS,
                   choices=range(MIN_ITERATIONS, MAX_ITERATIONS + 1), metavar="N",
                   help=f"PBKDF2-kierrokset (oletus {DEFAULT_ITERATIONS})")
    p.add_argument("--db", help="(ei käytössä; kaikki komennot hyväksyvät sen)")
    p.set_defaults(func=_cmd_hash_password)
