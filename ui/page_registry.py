"""The one list of pages: app.py builds its navigation from it, the tests and bench/ visit it.

Plain data (no Streamlit), so tests and benchmarks can import it without starting an app. Each page's
file name is its URL path: before app.py has run once, Streamlit maps URLs by file name, so a page whose
file and URL differ opens the default page on a fresh server.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    url_path: str          # also the file name: pages/<url_path>.py
    title_key: str         # common/strings key of its title (its heading starts with it)
    icon: str
    default: bool = False
    example_query: str = ""  # what the smoke tests add to the URL (region-neutral parameters only)
    shows_data: bool = True  # False: no figures of the database (admin, statement), so no demo label either

    @property
    def file(self) -> str:
        return f"pages/{self.url_path}.py"


PAGES: tuple[PageSpec, ...] = (
    PageSpec("tilannekuva", "page_overview", ":material/dashboard:", default=True),
    PageSpec("kunta", "page_municipality", ":material/location_city:"),
    PageSpec("palvelukeskustelualue", "page_area", ":material/forum:"),
    PageSpec("vertailu", "page_compare", ":material/bar_chart:"),
    PageSpec("trendit", "page_trends", ":material/show_chart:"),
    PageSpec("tavoitteet", "page_plan", ":material/flag:"),
    PageSpec("vuosikello", "page_year", ":material/event:"),
    PageSpec("kompassikysely", "page_survey", ":material/fact_check:"),
    PageSpec("tietolahteet", "page_sources", ":material/menu_book:"),
    PageSpec("yllapito", "page_admin", ":material/lock:", shows_data=False),
    PageSpec("saavutettavuus", "page_accessibility", ":material/accessibility:", shows_data=False),
)
