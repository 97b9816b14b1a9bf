"""One way to open a page in AppTest: the app (app.py) first, then the page, with URL parameters."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def run(page: str | None = None, admin: bool = False, timeout: int = 120, **params) -> AppTest:
    """app.py with `params` in the URL, then `page` (None: the overview); `admin` logs in as a coordinator.
    Fails on any exception the page raised."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = value
    if admin:
        at.session_state["admin_user"] = "testi"
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
