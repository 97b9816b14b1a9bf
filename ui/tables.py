"""Tables with downloads: CSV as Finnish Excel expects (';' and decimal comma) and XLSX."""
from __future__ import annotations

import io
import re

import pandas as pd
import streamlit as st

from ui.strings import t


def to_finnish_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(sep=";", decimal=",", index=False).encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, sheet: str = "tiedot") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe = frame.copy()
        for column in safe.columns:
            if safe[column].dtype == object:
                # Text that starts with =, +, - or @ would run as a formula in Excel.
                safe[column] = safe[column].map(lambda v: "'" + v if isinstance(v, str) and v[:1] in "=+-@" else v)
        safe.to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


def download_buttons(frame: pd.DataFrame, name: str, key: str | None = None) -> None:
    slug = re.sub(r"[^a-z0-9_-]+", "_", name.lower()).strip("_") or "tiedot"
    key = key or slug
    left, right = st.columns(2)
    left.download_button(t("download_csv"), to_finnish_csv(frame), f"{slug}.csv", "text/csv", key=f"csv_{key}")
    right.download_button(t("download_xlsx"), to_xlsx(frame, slug), f"{slug}.xlsx",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"xlsx_{key}")
