"""Cells a spreadsheet will not run: CSV and XLSX writing for every download and export.

A spreadsheet evaluates a cell as a formula when its text starts with `=`, `+`, `-` or `@` (and Excel
also after a leading tab or carriage return). Text from stored data (an indicator title, a note, a
survey respondent's role) must never reach a reader's Excel as a live `=HYPERLINK(...)`.

- XLSX (`to_xlsx_bytes`): every text cell, headers included, is written as a string cell with its
  data type set explicitly, so openpyxl never stores it as a formula and Excel shows the text exactly
  (no visible `'`). Numbers, booleans and dates stay typed cells. Characters XML cannot carry (C0
  controls other than tab/newline, U+FFFE, U+FFFF, lone surrogates) become U+FFFD.
- CSV (`to_csv_bytes`): a CSV cell has no type, so text that starts with a dangerous character is
  neutralised as OWASP's CSV-injection guidance says: one `'` is put in front (`safe_cell`). A number
  is a number, not a formula: numeric values and text that is a plain number ("-3,5", "-3.5",
  "+1 234,5 %") are left as they are.

The CSV prefix is reversible (`restore_cell`), so an export read back by our own importer is lossless:
- the writer adds `'` in front of text that starts with a dangerous character (and is not a plain
  number), and in front of text that starts with `'` followed by a dangerous character or another `'`;
- the reader removes one leading `'` exactly when the next character is a dangerous one or `'`.
Every text therefore comes back unchanged. A hand-made file keeps an ordinary leading apostrophe
("'90-luku"); only "'=…"-like starts lose their first `'`, as the exporter would have added it.

Pure: imports nothing of the product.
"""
from __future__ import annotations

import io
import math
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pandas as pd

# Leading characters a spreadsheet may evaluate (OWASP: = + - @ tab CR; LF and the full-width
# variants some locales also accept are included: neutralising them costs nothing).
DANGEROUS_LEADS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
PREFIX = "'"
_PLAIN_NUMBER = re.compile(
    r"[+\-]?(?:(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,]\d+)?|[.,]\d+)(?:[eE][+\-]?\d+)?(?:[ \u00a0\u202f]?%)?"
)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def is_plain_number(text: str) -> bool:
    """'-3,5', '-3.5', '+12', '1e-5', '-1 234,5 %': text a spreadsheet reads as a number, never as a formula."""
    return bool(_PLAIN_NUMBER.fullmatch(text)) and any(c.isdigit() for c in text)


def needs_prefix(text: str) -> bool:
    if not text:
        return False
    if text[0] in DANGEROUS_LEADS:
        return not is_plain_number(text)
    return text[0] == PREFIX and len(text) > 1 and (text[1] in DANGEROUS_LEADS or text[1] == PREFIX)


def safe_cell(value):
    """A CSV cell value that a spreadsheet will not evaluate; non-text values are returned as they are."""
    if isinstance(value, str) and needs_prefix(value):
        return PREFIX + value
    return value


def restore_cell(text: str) -> str:
    """Undo `safe_cell` on a text read back from a CSV export (see the module docstring)."""
    if len(text) > 1 and text[0] == PREFIX and (text[1] in DANGEROUS_LEADS or text[1] == PREFIX):
        return text[1:]
    return text


def _is_text_column(series: pd.Series) -> bool:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return True
    if pd.api.types.is_string_dtype(dtype) or dtype == object:
        return True
    return not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
                or pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype))


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every text cell and every header neutralised for CSV."""
    columns = []
    for position in range(frame.shape[1]):
        series = frame.iloc[:, position].reset_index(drop=True).rename(position)
        if _is_text_column(series):
            series = series.astype(object).map(safe_cell)
        columns.append(series)
    out = pd.concat(columns, axis=1) if columns else pd.DataFrame(index=range(len(frame)))
    out.columns = [safe_cell(str(c)) for c in frame.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame, *, sep: str = ";", decimal: str = ",", encoding: str = "utf-8-sig") -> bytes:
    """CSV as Finnish Excel expects (';', decimal comma, UTF-8 with BOM), every text cell neutralised.

    Lines end in CRLF: Python's csv quotes a field only for the characters of the line terminator, and
    Excel starts a new row at a lone CR too, so with "\n" alone "x\r=cmd" would open as a row "=cmd"."""
    text = safe_frame(frame).to_csv(sep=sep, decimal=decimal, index=False, lineterminator="\r\n")
    return text.encode(encoding)


# ---------------------------------------------------------------- XLSX


def xml_text(text: str) -> str:
    """Text with the characters an XLSX (XML 1.0) cannot hold replaced by U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def _excel_value(value):
    """(value, is_text) for one cell: typed numbers, booleans and dates; everything else as text."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None, False
    if isinstance(value, str):
        return value, True
    if isinstance(value, (bool,)) or type(value).__name__ == "bool_":
        return bool(value), False
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            return None, False
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return (value.replace(tzinfo=None) if value.tzinfo else value), False
    if isinstance(value, (date, time)):
        return value, False
    if isinstance(value, (timedelta, pd.Timedelta)):
        return str(value), True
    if isinstance(value, Decimal):
        return (None, False) if value.is_nan() else (value, False)
    try:
        import numpy as np

        if isinstance(value, np.generic):
            value = value.item()
            if isinstance(value, (bytes, str)):
                return str(value), True
            return _excel_value(value)
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, int):
        return value, False
    if isinstance(value, float):
        if math.isnan(value):
            return None, False
        if math.isinf(value):
            return ("inf" if value > 0 else "-inf"), True
        return value, False
    return str(value), True


def _cell(ws, value):
    from openpyxl.cell import WriteOnlyCell

    value, is_text = _excel_value(value)
    if not is_text:
        return WriteOnlyCell(ws, value=value)
    cell = WriteOnlyCell(ws, value=None)
    cell.value = xml_text(value)  # may bind as 'f' (formula) when it starts with '='...
    cell.data_type = "s"  # ...so the type is set explicitly: a string cell, never a formula
    return cell


def to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "tiedot") -> bytes:
    """One worksheet: the header row and the frame's rows (no index); text cells are string cells."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    title = xml_text(re.sub(r"[\\/*?:\[\]]", "_", str(sheet_name)))[:31].strip("'") or "tiedot"
    ws = workbook.create_sheet(title)
    ws.append([_cell(ws, str(c)) for c in frame.columns])
    columns = [frame.iloc[:, i].astype(object).tolist() for i in range(frame.shape[1])]
    for row in zip(*columns):
        ws.append([_cell(ws, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def formula_cells(xlsx: bytes) -> list[str]:
    """Coordinates of every cell an XLSX file stores as a formula (for tests and checks)."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
    return [f"{ws.title}!{c.coordinate}" for ws in workbook.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"]


def csv_formula_cells(text: str, sep: str = ";") -> list[str]:
    """Cells of a CSV text that a spreadsheet would evaluate (for tests and checks)."""
    import csv

    out = []
    for r, row in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=sep), start=1):
        for c, value in enumerate(row, start=1):
            if value and value[0] in DANGEROUS_LEADS and not is_plain_number(value):
                out.append(f"R{r}C{c}: {value[:40]!r}")
    return out
