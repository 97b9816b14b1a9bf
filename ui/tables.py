"""Tables with downloads: CSV as Finnish Excel expects (';' and decimal comma) and XLSX.

Both go through common.spreadsheet: in XLSX every text cell (headers too) is a string cell, never a
formula; in CSV text that a spreadsheet would evaluate gets OWASP's leading `'`, numbers stay numbers.
"""
from __future__ import annotations

import re
import unicodedata

import pandas as pd
import streamlit as st

from common.spreadsheet import to_csv_bytes, to_xlsx_bytes
from common.i18n import t


def to_finnish_csv(frame: pd.DataFrame) -> bytes:
    return to_csv_bytes(frame, sep=";", decimal=",")


def to_xlsx(frame: pd.DataFrame, sheet: str = "tiedot") -> bytes:
    return to_xlsx_bytes(frame, sheet)


# Files are built when a reader clicks (Streamlit runs the callable then), not on every rerun: an XLSX
# costs ~0.2 s of a page's time and is rarely wanted. Tests that inspect the files switch this off.
DEFERRED = True


def file_slug(name: str) -> str:
    """A download's file name from its title: ASCII letters (ä → a, å → a, ö → o, so "työryhmä" stays
    readable instead of "ty_ryhm_"), digits, _ and -."""
    ascii_name = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9_-]+", "_", ascii_name).strip("_") or "tiedot"


def download_buttons(frame: pd.DataFrame, name: str, key: str | None = None) -> None:
    slug = file_slug(name)
    key = key or slug
    csv_data = (lambda: to_finnish_csv(frame)) if DEFERRED else to_finnish_csv(frame)
    xlsx_data = (lambda: to_xlsx(frame, slug)) if DEFERRED else to_xlsx(frame, slug)
    left, right = st.columns(2)
    left.download_button(t("download_csv"), csv_data, f"{slug}.csv", "text/csv", key=f"csv_{key}", on_click="ignore")
    right.download_button(t("download_xlsx"), xlsx_data, f"{slug}.xlsx",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"xlsx_{key}",
                          on_click="ignore")


def opened_expander(label: str, key: str):
    """An expander whose content is built only while a reader has it open: returns its container when open,
    else None. Streamlit sends (and the browser lays out) a closed expander's tables as if they were shown;
    on_change="rerun" makes opening it a rerun, which the cached page data makes cheap."""
    box = st.expander(label, key=key, on_change="rerun")
    return box if box.open else None
