"""Finnish number format in one place: decimal comma, narrow no-break space between thousands."""
from __future__ import annotations

import math

THOUSANDS = "\u202f"  # narrow no-break space, as the Finnish standard (SFS 4175) recommends
MINUS = "\u2212"
PLOTLY_SEPARATORS = ", "  # plotly: decimal, thousands (plotly only takes one character each)


def fi_number(value, decimals: int | None = 1, unit: str | None = None, signed: bool = False) -> str:
    """12345.678 -> '12 345,7'; None/NaN -> '–'. `unit` '%' gives '5,0 %'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    decimals = 0 if decimals is None else max(0, int(decimals))
    text = f"{abs(number):,.{decimals}f}".replace(",", "\x00").replace(".", ",").replace("\x00", THOUSANDS)
    if number < 0 and text.strip("0,\u202f") != "":
        text = MINUS + text
    elif signed and number > 0:
        text = "+" + text
    if unit:
        text = f"{text} {unit}" if unit.strip() else text
    return text


def fi_percent(value, decimals: int = 0) -> str:
    return fi_number(value, decimals, "%")


def fi_int(value) -> str:
    return fi_number(value, 0)


def fi_date(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    try:
        return f"{value.day}.{value.month}.{value.year}"
    except AttributeError:
        return str(value)


def fi_datetime(value) -> str:
    try:
        return f"{value.day}.{value.month}.{value.year} klo {value.hour:02d}.{value.minute:02d}"
    except AttributeError:
        return str(value) if value is not None else "–"
