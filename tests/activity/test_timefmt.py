import datetime as dt

import pytz
from hypothesis import given, settings
from hypothesis import strategies as st

from activity.timefmt import ISO8601, LEGACY, legacy_end, legacy_start, local_time, period_renderer

ZONES = st.sampled_from(
    [
        "America/Los_Angeles",
        "America/New_York",
        "America/Havana",
        "America/Vancouver",
        "Asia/Kolkata",
        "Australia/Lord_Howe",
        "Europe/Berlin",
        "Pacific/Chatham",
        "UTC",
        "Etc/GMT+5",
    ]
)
INSTANTS = st.datetimes(
    min_value=dt.datetime(1970, 1, 1),
    max_value=dt.datetime(2037, 12, 31),
    timezones=st.just(dt.UTC),
)


@settings(max_examples=300, deadline=None)
@given(instant=INSTANTS, zone=ZONES)
def test_local_time_agrees_with_pytz(instant, zone):
    expected = instant.astimezone(pytz.timezone(zone))

    local = local_time(instant, zone)

    assert (local.replace(tzinfo=None), local.utcoffset()) == (
        expected.replace(tzinfo=None),
        expected.utcoffset(),
    )


@settings(max_examples=300, deadline=None)
@given(instant=INSTANTS, zone=ZONES)
def test_renderers_agree_with_strftime_and_isoformat(instant, zone):
    expected = instant.astimezone(pytz.timezone(zone))
    naive_utc = instant.replace(tzinfo=None)  # what SQLite's driver hands over

    in_new_york = instant.astimezone(pytz.timezone("America/New_York"))

    legacy = period_renderer(LEGACY, zone)(naive_utc, instant)
    legacy_other_offset = period_renderer(LEGACY, zone)(in_new_york, in_new_york)
    iso = period_renderer(ISO8601, zone)(instant, naive_utc)

    assert legacy == {
        "start_time": expected.strftime("%b %-d %Y  %-I:%M%p"),
        "end_time": expected.strftime("%b %-d %Y %-I:%M%p"),
    }
    assert legacy_other_offset == legacy
    assert iso == {"start_time": expected.isoformat(), "end_time": expected.isoformat()}
    assert legacy["start_time"] == legacy_start(expected)
    assert legacy["end_time"] == legacy_end(expected)


def test_unknown_zone_falls_back_to_utc():
    instant = dt.datetime(2024, 1, 1, 15, 4, tzinfo=dt.UTC)

    assert period_renderer(LEGACY, "Mars/Olympus_Mons")(instant, instant) == {
        "start_time": "Jan 1 2024  3:04PM",
        "end_time": "Jan 1 2024 3:04PM",
    }
