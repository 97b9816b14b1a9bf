"""One polite HTTP session for every outside source.

- a User-Agent that names the product and a contact address (Sotkanet answers 403 to a missing
  User-Agent, to "null" and to python-requests' default);
- bounded retries with exponential backoff for 429/500/502/503/504 and connection errors, GET only,
  honouring Retry-After (capped, so a server cannot park a load for hours);
- a default timeout (connect 10 s, read 60 s) on every request, so nothing waits forever.

Backoff can be tuned with env TILANNEKUVA_HTTP_BACKOFF (seconds; tests set it tiny).
"""
from __future__ import annotations

import os

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from common.i18n import t
from store.config import APP_NAME, APP_VERSION

DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 60.0)  # (connect, read) seconds
DEFAULT_TOTAL_RETRIES = 4
DEFAULT_BACKOFF = 1.0
MAX_RETRY_AFTER_S = 120.0
RETRY_STATUSES = (429, 500, 502, 503, 504)


def user_agent(contact_url: str) -> str:
    return f"{APP_NAME}/{APP_VERSION} (+{contact_url})"


class CappedRetry(Retry):
    """urllib3 Retry whose Retry-After wait is capped at MAX_RETRY_AFTER_S."""

    def get_retry_after(self, response):  # type: ignore[override]
        value = super().get_retry_after(response)
        if value is None:
            return None
        return min(value, MAX_RETRY_AFTER_S)


class TimeoutHTTPAdapter(HTTPAdapter):
    """HTTPAdapter that applies a default timeout when the caller gives none."""

    def __init__(self, *args, timeout: tuple[float, float] = DEFAULT_TIMEOUT, **kwargs):
        self.timeout = timeout
        super().__init__(*args, **kwargs)

    def send(self, request, **kwargs):  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


def backoff_from_env(default: float = DEFAULT_BACKOFF) -> float:
    raw = os.environ.get("TILANNEKUVA_HTTP_BACKOFF")
    if raw is None or raw.strip() == "":
        return default
    try:
        return max(0.0, float(raw))
    except ValueError:
        return default


def make_retry(total: int = DEFAULT_TOTAL_RETRIES, backoff_factor: float | None = None) -> Retry:
    return CappedRetry(
        total=total,
        backoff_factor=backoff_from_env() if backoff_factor is None else backoff_factor,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,  # the caller sees the last response (e.g. 500) and reports it
    )


def make_session(
    user_agent: str,
    *,
    total_retries: int = DEFAULT_TOTAL_RETRIES,
    backoff_factor: float | None = None,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    pool_size: int = 4,
) -> requests.Session:
    """A requests.Session with retries, a default timeout and our User-Agent.

    user_agent: the full header value, e.g. user_agent(config.contact_url).
    """
    if not user_agent or user_agent.strip().lower() in ("null", "none") or user_agent.startswith("python-requests"):
        raise ValueError(t("loaders.http.bad_user_agent"))
    session = requests.Session()
    adapter = TimeoutHTTPAdapter(
        max_retries=make_retry(total_retries, backoff_factor),
        timeout=timeout,
        pool_connections=pool_size,
        pool_maxsize=pool_size,
    )
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = user_agent
    session.headers["Accept-Encoding"] = "gzip, deflate"
    return session
