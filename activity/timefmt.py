"""Rendering activity times in a member's own zone, fast enough for a 30,000-period feed.

pytz is the project's time zone database (members.validators checks names against it),
so conversions use its data. Its `astimezone()` path costs several microseconds per call;
the feed formats two datetimes per period, so `local_converter()` reads a zone's
transition table once and converts with one C-level bisect per datetime, and strings are
assembled from precomputed pieces instead of strftime.
"""

import datetime as dt
from bisect import bisect_right
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
    """pytz's zone for an IANA name; UTC for a name it does not know."""
    try:
        return pytz.timezone(name)
    except (pytz.UnknownTimeZoneError, ValueError):
        return pytz.utc


@lru_cache(maxsize=1024)
def _transitions(name: str) -> tuple[list, list, list]:
    """(UTC transition instants, UTC offsets, tzinfos) of a zone, from pytz's own table."""
    zone = zone_get(name)
    times = getattr(zone, "_utc_transition_times", None)
    if not times:  # fixed-offset zones (UTC, Etc/GMT+5)
        return [dt.datetime.min], [zone.utcoffset(None)], [zone]
    infos = zone._transition_info
    return list(times), [info[0] for info in infos], [zone._tzinfos[info] for info in infos]


def _naive_utc(value: dt.datetime) -> dt.datetime:
    shift = value.utcoffset()
    value = value.replace(tzinfo=None)
    return value - shift if shift else value


def local_time(value: dt.datetime, name: str) -> dt.datetime:
    """`value` (aware, or naive UTC) as an aware wall-clock time in zone `name`.

    Same result as `value.astimezone(pytz.timezone(name))`: what pytz's `fromutc()` does.
    """
    times, offsets, tzinfos = _transitions(name)
    if value.tzinfo is not None:
        value = _naive_utc(value)
    index = max(bisect_right(times, value) - 1, 0)
    return (value + offsets[index]).replace(tzinfo=tzinfos[index])


def _legacy(naive_local: dt.datetime, separator: str) -> str:
    hour = naive_local.hour
    return (
        f"{_MONTH[naive_local.month]} {naive_local.day} {naive_local.year}{separator}"
        f"{_HOUR12[hour]}:{_MINUTE[naive_local.minute]}{_MERIDIEM[hour]}"
    )


def legacy_start(local: dt.datetime) -> str:
    """`Feb 1 2020  1:33PM`: two spaces before the time, as the original feed had."""
    return _legacy(local, "  ")


def legacy_end(local: dt.datetime) -> str:
    """`Feb 1 2020 1:54PM`: one space before the time."""
    return _legacy(local, " ")


PeriodRenderer = Callable[[dt.datetime, dt.datetime], dict]


@lru_cache(maxsize=4096)
def period_renderer(time_format: str, name: str) -> PeriodRenderer:
    """`render(start, end) -> {"start_time", "end_time"}` in zone `name`.

    Takes aware datetimes or naive UTC ones (what the database driver returns), so the
    feed can skip the ORM's per-value conversion. One closure per zone: the hot loop does a
    bisect and an addition per datetime and no other function calls.
    """
    times, offsets, tzinfos = _transitions(name)
    month, hour12, minute, meridiem = _MONTH, _HOUR12, _MINUTE, _MERIDIEM

    if time_format == ISO8601:

        def render_iso(start: dt.datetime, end: dt.datetime) -> dict:
            if start.tzinfo is not None:
                start = _naive_utc(start)
            if end.tzinfo is not None:
                end = _naive_utc(end)
            i = max(bisect_right(times, start) - 1, 0)
            j = max(bisect_right(times, end) - 1, 0)
            return {
                "start_time": (start + offsets[i]).replace(tzinfo=tzinfos[i]).isoformat(),
                "end_time": (end + offsets[j]).replace(tzinfo=tzinfos[j]).isoformat(),
            }

        return render_iso

    # PostgreSQL's driver hands over aware UTC datetimes: bisecting them against aware UTC
    # transition instants saves two conversions per value. Adding the offset to an aware
    # UTC value yields the right wall-clock fields, which is all the legacy strings use.
    times_utc = [instant.replace(tzinfo=dt.UTC) for instant in times]

    def render_legacy(start: dt.datetime, end: dt.datetime) -> dict:
        zone = start.tzinfo
        if zone is None:
            i = bisect_right(times, start) - 1
        else:
            if zone is not dt.UTC:
                start = _naive_utc(start).replace(tzinfo=dt.UTC)
            i = bisect_right(times_utc, start) - 1
        zone = end.tzinfo
        if zone is None:
            j = bisect_right(times, end) - 1
        else:
            if zone is not dt.UTC:
                end = _naive_utc(end).replace(tzinfo=dt.UTC)
            j = bisect_right(times_utc, end) - 1
        s = start + offsets[i if i > 0 else 0]
        e = end + offsets[j if j > 0 else 0]
        sh, eh = s.hour, e.hour
        return {
            "start_time": f"{month[s.month]} {s.day} {s.year}  "
            f"{hour12[sh]}:{minute[s.minute]}{meridiem[sh]}",
            "end_time": f"{month[e.month]} {e.day} {e.year} "
            f"{hour12[eh]}:{minute[e.minute]}{meridiem[eh]}",
        }

    return render_legacy
