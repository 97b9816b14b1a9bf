"""One way to open a page in AppTest: the app (app.py) first, then the page, with URL parameters."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def run(page: str | None = None, admin: bool = False, timeout: int = 120, opened: tuple[str, ...] = (),
        **params) -> AppTest:
    """app.py with `params` in the URL, then `page` (None: the overview); `admin` logs in as a coordinator;
    `opened`: keys of expanders to have open (ui.tables.opened_expander builds their content only then).
    Fails on any exception the page raised."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = value
    if admin:
        at.session_state["admin_user"] = "testi"
    at.run()
    for key in opened:
        at.session_state[key] = True
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


class _Tables(HTMLParser):
    """The HTML tables of one st.html body (ui/html_table.py, ui/heat_table.py): headings and cells as text."""

    def __init__(self):
        super().__init__()
        self.tables: list[tuple[list[str], list[list[str]]]] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append(([], []))
        elif tag == "thead":
            self._in_head = True
        elif tag == "tbody":
            self._in_head = False
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            head, body = self.tables[-1]
            (head.extend if self._in_head else body.append)(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_tables(at: AppTest) -> list[pd.DataFrame]:
    """Every table the page drew as HTML, as a frame of the texts a reader sees (in page order)."""
    found = []
    for element in at.get("html"):
        if "<table" in element.proto.body:
            parser = _Tables()
            parser.feed(element.proto.body)
            found += [pd.DataFrame(body, columns=head) for head, body in parser.tables]
    return found


def shown_tables(at: AppTest) -> list[pd.DataFrame]:
    """The page's tables: its dataframes (st.dataframe) and its HTML tables."""
    return [d.value for d in at.dataframe] + html_tables(at)
