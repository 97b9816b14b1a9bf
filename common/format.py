"""Finnish number format in one place: decimal comma, narrow no-break space between thousands. Swedish in
Finland writes numbers and dates the same way; only the words differ ('klo' / 'kl.', common/strings)."""
from __future__ import annotations

import math
from datetime import datetime

from common.clock import to_local
from common.i18n import t

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
    """A stored timestamp (UTC) as Finnish local time: '2.12.2026 klo 23.30'. The one place that converts."""
    if value is None or value != value:  # None, NaN, NaT
        return "–"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    try:
        value = to_local(value.to_pydatetime() if hasattr(value, "to_pydatetime") else value)
    except (AttributeError, TypeError, ValueError):
        return str(value)
    return t("format.datetime", date=f"{value.day}.{value.month}.{value.year}",
             time=f"{value.hour:02d}.{value.minute:02d}")


def with_unit(title: str, unit: str | None) -> str:
    """'Title (unit)', unless the title already ends with that unit: Sotkanet's titles often carry it
    ('Itsensä yksinäiseksi tuntevien osuus (%)' must not become '… (%) (%)')."""
    title = str(title or "")
    if not unit or title.rstrip().endswith(f"({unit})") or title.rstrip().endswith(f", {unit}"):
        return title
    return f"{title} ({unit})"
