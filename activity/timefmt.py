"""Rendering activity times in a member's own zone, fast enough for a 30,000-period feed.

The feed formats two datetimes per period. strftime and pytz's normalize/localize cost
several microseconds each, so zones are looked up once per zone name (zoneinfo, which does
the UTC→local step in C) and strings are assembled from precomputed pieces.
"""

import datetime as dt
import zoneinfo
from collections.abc import Callable
from functools import lru_cache

import pytz

_MONTH = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_HOUR12 = tuple(str(hour % 12 or 12) for hour in range(24))
_MERIDIEM = tuple("AM" if hour < 12 else "PM" for hour in range(24))
_MINUTE = tuple(f"{minute:02d}" for minute in range(60))

LEGACY = "legacy"
ISO8601 = "iso8601"
TIME_FORMAT_CHOICES = (LEGACY, ISO8601)


@lru_cache(maxsize=1024)
def zone_get(name: str) -> dt.tzinfo:
    """The tzinfo for an IANA name; UTC for a name that no tz database knows."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        pass
    try:
        # pytz ships its own database; its zones convert correctly through astimezone().
        return pytz.timezone(name)
    except (pytz.UnknownTimeZoneError, ValueError):
        return dt.UTC


def legacy_start(local: dt.datetime) -> str:
    """`Feb 1 2020  1:33PM`: two spaces before the time, as the original feed had."""
    hour = local.hour
    return (
        f"{_MONTH[local.month]} {local.day} {local.year}  "
        f"{_HOUR12[hour]}:{_MINUTE[local.minute]}{_MERIDIEM[hour]}"
    )


def legacy_end(local: dt.datetime) -> str:
    """`Feb 1 2020 1:54PM`: one space before the time."""
    hour = local.hour
    return (
        f"{_MONTH[local.month]} {local.day} {local.year} "
        f"{_HOUR12[hour]}:{_MINUTE[local.minute]}{_MERIDIEM[hour]}"
    )


def iso8601(local: dt.datetime) -> str:
    return local.isoformat()


FORMATTERS: dict[str, tuple[Callable[[dt.datetime], str], Callable[[dt.datetime], str]]] = {
    LEGACY: (legacy_start, legacy_end),
    ISO8601: (iso8601, iso8601),
}
