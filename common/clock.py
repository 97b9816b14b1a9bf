"""One clock for the whole product.

Every timestamp the product writes is UTC. Database TIMESTAMP columns hold naive UTC (DuckDB's
TIMESTAMP has no zone; the column docs say UTC), ISO strings in JSON and logs carry `+00:00`. What a
person reads is converted to Finnish local time in exactly one place: `common.format.fi_datetime`.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Europe/Helsinki")


def utc_now() -> datetime:
    """Now, aware, in UTC, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def db_timestamp(value: datetime | None = None) -> datetime:
    """A value for a TIMESTAMP column: naive UTC (an aware value is converted first)."""
    value = value or utc_now()
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def iso_utc(value: datetime | None = None) -> str:
    """ISO 8601 with the zone, e.g. 2026-12-02T21:30:00+00:00 (naive values are taken as UTC)."""
    value = value or utc_now()
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def to_local(value: datetime) -> datetime:
    """A stored timestamp (naive = UTC) in Finnish local time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(LOCAL_ZONE)


def local_today() -> date:
    return utc_now().astimezone(LOCAL_ZONE).date()
