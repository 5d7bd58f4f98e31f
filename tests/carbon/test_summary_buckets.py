"""The summary's periods, splits and scope totals against a straightforward Python computation.

The reference cuts each usage's `usage_at` in the zone with zoneinfo, row by row; the summary
computes each period's UTC start once and lets the database compare. They must agree in
every zone, across clock changes, for every grouping.
"""

import json
import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbon.models import Usage, UsageType
from carbon.services import usages_bulk_create
from carbon.summary import SCOPE_KEYS, period_boundaries, usage_summary
from tests.carbon.conftest import error_attrs
from tests.carbon.factories import UsageFactory, UsageTypeFactory
from tests.members.factories import UserFactory

SUMMARY = "/api/v1/usages/summary/"
SVG = "/api/v1/usages/summary.svg"
ZONES = [
    "UTC",
    "Europe/Berlin",
    "Asia/Kolkata",  # +05:30, no clock changes
    "Australia/Adelaide",  # +09:30 / +10:30, southern summer
    "America/New_York",
    "Pacific/Chatham",  # +12:45 / +13:45
    "America/Santiago",  # clocks change at local midnight
]
PERIODS = ["day", "week", "month", "year"]
# Instants where Berlin, Adelaide, New York, Chatham and Santiago change their clocks.
TRANSITIONS = [
    datetime(2024, 3, 31, 1, tzinfo=UTC),
    datetime(2024, 10, 27, 1, tzinfo=UTC),
    datetime(2024, 4, 6, 16, 30, tzinfo=UTC),
    datetime(2024, 10, 5, 16, 30, tzinfo=UTC),
    datetime(2024, 3, 10, 7, tzinfo=UTC),
    datetime(2024, 11, 3, 6, tzinfo=UTC),
    datetime(2024, 4, 6, 14, tzinfo=UTC),
    datetime(2024, 9, 28, 14, tzinfo=UTC),
    datetime(2024, 4, 7, 3, tzinfo=UTC),
    datetime(2024, 9, 8, 4, tzinfo=UTC),
]
WINDOW_START = datetime(2023, 10, 1, tzinfo=UTC)
WINDOW = timedelta(days=600)


def _reference_period(moment: datetime, zone: ZoneInfo, group_by: str) -> date:
    local = moment.astimezone(zone).date()
    if group_by == "day":
        return local
    if group_by == "week":
        return local - timedelta(days=local.weekday())
    if group_by == "month":
        return date(local.year, local.month, 1)
    return date(local.year, 1, 1)


def _scope_name(scope):
    return "unscoped" if scope is None else scope


def _add(totals: dict, usage: Usage) -> None:
    totals["count"] += 1
    totals["amounts"][usage.usage_type.unit] += usage.amount
    totals["co2e_kg"] += usage.co2e_kg


def _empty() -> dict:
    return {"count": 0, "amounts": defaultdict(Decimal), "co2e_kg": Decimal(0)}


def _plain(totals: dict) -> tuple:
    return (totals["count"], dict(sorted(totals["amounts"].items())), totals["co2e_kg"])


def reference(*, usages, group_by, split, tz, after, before) -> dict:
    """What the summary must say, computed one usage at a time in Python."""
    zone = ZoneInfo(tz)
    buckets: dict = defaultdict(_empty)
    parts: dict = defaultdict(lambda: defaultdict(_empty))
    scopes = {_scope_name(scope): _empty() for scope in SCOPE_KEYS}
    for usage in usages:
        if not after <= usage.usage_at < before:
            continue
        scope = usage.usage_type.scope
        if group_by == "usage_type":
            key = usage.usage_type_id
        elif group_by == "scope":
            key = _scope_name(scope)
        else:
            key = _reference_period(usage.usage_at, zone, group_by)
        _add(buckets[key], usage)
        _add(scopes[_scope_name(scope)], usage)
        if split:
            part = usage.usage_type_id if split == "usage_type" else _scope_name(scope)
            _add(parts[key][part], usage)
    return {
        "buckets": {key: _plain(totals) for key, totals in buckets.items()},
        "breakdown": {
            key: {part: _plain(totals) for part, totals in by_part.items()}
            for key, by_part in parts.items()
        },
        "scopes": {key: _plain(totals) for key, totals in scopes.items()},
    }


def observed(summary) -> dict:
    def key_of(bucket):
        if summary.group_by == "usage_type":
            return bucket.usage_type.pk
        if summary.group_by == "scope":
            return _scope_name(bucket.scope)
        return bucket.period

    def part_key(part):
        return part.usage_type.pk if summary.split == "usage_type" else _scope_name(part.scope)

    def plain(part):
        return (part.count, dict(sorted(part.amounts.items())), part.co2e_kg)

    return {
        "buckets": {key_of(b): plain(b) for b in summary.buckets},
        "breakdown": {
            key_of(b): {part_key(p): plain(p) for p in b.breakdown}
            for b in summary.buckets
            if summary.split
        },
        "scopes": {_scope_name(s.scope): plain(s) for s in summary.scopes},
    }


@pytest.fixture
def unscoped_type(db):
    return UsageTypeFactory(name="refrigerant", unit="kg", factor=Decimal("1430"))


moments = st.one_of(
    st.integers(0, int(WINDOW.total_seconds()) * 10**6).map(
        lambda us: WINDOW_START + timedelta(microseconds=us)
    ),
    # Right at, just before and just after the clock changes and their local midnights.
    st.builds(
        lambda at, minutes, seconds: at + timedelta(minutes=minutes, seconds=seconds),
        st.sampled_from(TRANSITIONS),
        st.sampled_from([0, -60, 60, -120, 120, -45, 45, -150, -210, -270, -330, -570, -630]),
        st.sampled_from([0, -1, 1]),
    ),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.lists(
        st.tuples(moments, st.sampled_from([100, 101, 102, 103, 104, 0]), st.integers(1, 10**6)),
        max_size=40,
    ),
    tz=st.sampled_from(ZONES),
    grouping=st.one_of(
        st.tuples(st.sampled_from(PERIODS), st.sampled_from([None, "usage_type", "scope"])),
        st.tuples(st.sampled_from(["usage_type", "scope"]), st.none()),
    ),
    start=st.integers(0, 400 * 24 * 60),
    length=st.integers(1, 500 * 24 * 60),
)
def test_every_grouping_matches_the_python_computation(
    user, unscoped_type, data, tz, grouping, start, length
):
    group_by, split = grouping
    Usage.objects.filter(user=user).delete()
    types = {t.pk: t for t in UsageType.objects.all()}
    types[0] = unscoped_type
    usages_bulk_create(
        user=user,
        rows=[(types[t], at, Decimal(amount) / 100) for at, t, amount in data],
    )
    after = WINDOW_START + timedelta(minutes=start)
    before = after + timedelta(minutes=length)
    usages = list(Usage.objects.filter(user=user).select_related("usage_type"))
    summary = usage_summary(
        queryset=Usage.objects.filter(user=user),
        group_by=group_by,
        split=split,
        tz=tz,
        usage_at_after=after,
        usage_at_before=before,
    )
    assert observed(summary) == reference(
        usages=usages, group_by=group_by, split=split, tz=tz, after=after, before=before
    )
    periods = [b.period for b in summary.buckets]
    assert periods == sorted(periods, key=lambda p: p or date.min)


@pytest.mark.parametrize(
    ("tz", "group_by", "after", "before", "expected"),
    [
        (  # 23 hours on 31 March, 25 on 27 October
            "Europe/Berlin",
            "day",
            datetime(2024, 3, 30, 12, tzinfo=UTC),
            datetime(2024, 4, 1, 12, tzinfo=UTC),
            [
                (date(2024, 3, 30), datetime(2024, 3, 29, 23, tzinfo=UTC)),
                (date(2024, 3, 31), datetime(2024, 3, 30, 23, tzinfo=UTC)),
                (date(2024, 4, 1), datetime(2024, 3, 31, 22, tzinfo=UTC)),
            ],
        ),
        (
            "Europe/Berlin",
            "day",
            datetime(2024, 10, 26, 12, tzinfo=UTC),
            datetime(2024, 10, 28, 12, tzinfo=UTC),
            [
                (date(2024, 10, 26), datetime(2024, 10, 25, 22, tzinfo=UTC)),
                (date(2024, 10, 27), datetime(2024, 10, 26, 22, tzinfo=UTC)),
                (date(2024, 10, 28), datetime(2024, 10, 27, 23, tzinfo=UTC)),
            ],
        ),
        (  # weeks start on Monday; 31 March 2024 is a Sunday
            "Europe/Berlin",
            "week",
            datetime(2024, 3, 31, 12, tzinfo=UTC),
            datetime(2024, 4, 9, tzinfo=UTC),
            [
                (date(2024, 3, 25), datetime(2024, 3, 24, 23, tzinfo=UTC)),
                (date(2024, 4, 1), datetime(2024, 3, 31, 22, tzinfo=UTC)),
                (date(2024, 4, 8), datetime(2024, 4, 7, 22, tzinfo=UTC)),
            ],
        ),
        (  # a range starting mid-month: the first period starts before it
            "Asia/Kolkata",
            "month",
            datetime(2024, 2, 15, tzinfo=UTC),
            datetime(2024, 3, 31, 18, 30, tzinfo=UTC),  # 1 April 00:00 IST, exclusive
            [
                (date(2024, 2, 1), datetime(2024, 1, 31, 18, 30, tzinfo=UTC)),
                (date(2024, 3, 1), datetime(2024, 2, 29, 18, 30, tzinfo=UTC)),
            ],
        ),
        (  # summer time ends 7 April, starts 6 October
            "Australia/Adelaide",
            "month",
            datetime(2024, 3, 31, 13, 30, tzinfo=UTC),
            datetime(2024, 11, 1, tzinfo=UTC),
            [
                (date(2024, 4, 1), datetime(2024, 3, 31, 13, 30, tzinfo=UTC)),
                (date(2024, 5, 1), datetime(2024, 4, 30, 14, 30, tzinfo=UTC)),
                (date(2024, 6, 1), datetime(2024, 5, 31, 14, 30, tzinfo=UTC)),
                (date(2024, 7, 1), datetime(2024, 6, 30, 14, 30, tzinfo=UTC)),
                (date(2024, 8, 1), datetime(2024, 7, 31, 14, 30, tzinfo=UTC)),
                (date(2024, 9, 1), datetime(2024, 8, 31, 14, 30, tzinfo=UTC)),
                (date(2024, 10, 1), datetime(2024, 9, 30, 14, 30, tzinfo=UTC)),
                (date(2024, 11, 1), datetime(2024, 10, 31, 13, 30, tzinfo=UTC)),
            ],
        ),
        (  # Santiago's clocks go forward at midnight: 8 September starts at 01:00
            "America/Santiago",
            "day",
            datetime(2024, 9, 7, 12, tzinfo=UTC),
            datetime(2024, 9, 9, 12, tzinfo=UTC),
            [
                (date(2024, 9, 7), datetime(2024, 9, 7, 4, tzinfo=UTC)),
                (date(2024, 9, 8), datetime(2024, 9, 8, 4, tzinfo=UTC)),
                (date(2024, 9, 9), datetime(2024, 9, 9, 3, tzinfo=UTC)),
            ],
        ),
        (
            "Europe/Berlin",
            "year",
            datetime(2023, 6, 1, tzinfo=UTC),
            datetime(2024, 6, 1, tzinfo=UTC),
            [
                (date(2023, 1, 1), datetime(2022, 12, 31, 23, tzinfo=UTC)),
                (date(2024, 1, 1), datetime(2023, 12, 31, 23, tzinfo=UTC)),
            ],
        ),
    ],
)
def test_period_boundaries_are_local_midnights_in_utc(tz, group_by, after, before, expected):
    periods = period_boundaries(
        group_by=group_by, zone=ZoneInfo(tz), usage_at_after=after, usage_at_before=before
    )
    assert periods == expected


def _usage(user, at, type_id=100, amount="1"):
    return UsageFactory(
        user=user,
        usage_at=at,
        usage_type=UsageType.objects.get(pk=type_id),
        amount=Decimal(amount),
    )


@pytest.mark.parametrize(
    ("tz", "group_by", "moments", "expected"),
    [
        (  # Berlin's autumn change: 27 October lasts 25 hours
            "Europe/Berlin",
            "day",
            [
                datetime(2024, 10, 26, 21, 59, 59, tzinfo=UTC),  # 26th 23:59:59 CEST
                datetime(2024, 10, 26, 22, tzinfo=UTC),  # 27th 00:00 CEST
                datetime(2024, 10, 27, 0, 30, tzinfo=UTC),  # 27th 02:30 CEST
                datetime(2024, 10, 27, 1, 30, tzinfo=UTC),  # 27th 02:30 CET
                datetime(2024, 10, 27, 22, 59, 59, 999999, tzinfo=UTC),  # 27th 23:59:59 CET
                datetime(2024, 10, 27, 23, tzinfo=UTC),  # 28th 00:00 CET
            ],
            [("2024-10-26", 1), ("2024-10-27", 4), ("2024-10-28", 1)],
        ),
        (  # Berlin's spring change: 31 March lasts 23 hours; weeks start on Monday
            "Europe/Berlin",
            "week",
            [
                datetime(2024, 3, 24, 22, 59, tzinfo=UTC),  # Sun 24th 23:59 CET
                datetime(2024, 3, 24, 23, tzinfo=UTC),  # Mon 25th 00:00 CET
                datetime(2024, 3, 31, 21, 59, tzinfo=UTC),  # Sun 31st 23:59 CEST
                datetime(2024, 3, 31, 22, tzinfo=UTC),  # Mon 1 April 00:00 CEST
            ],
            [("2024-03-18", 1), ("2024-03-25", 2), ("2024-04-01", 1)],
        ),
        (
            "Asia/Kolkata",
            "month",
            [
                datetime(2024, 2, 29, 18, 29, 59, tzinfo=UTC),  # 29 Feb 23:59:59 IST
                datetime(2024, 2, 29, 18, 30, tzinfo=UTC),  # 1 March 00:00 IST
            ],
            [("2024-02-01", 1), ("2024-03-01", 1)],
        ),
        (
            "Australia/Adelaide",
            "month",
            [
                datetime(2024, 3, 31, 13, 29, tzinfo=UTC),  # 31 March 23:59 ACDT
                datetime(2024, 3, 31, 13, 30, tzinfo=UTC),  # 1 April 00:00 ACDT
                datetime(2024, 10, 31, 13, 29, tzinfo=UTC),  # 31 October 23:59 ACDT
                datetime(2024, 10, 31, 13, 30, tzinfo=UTC),  # 1 November 00:00 ACDT
            ],
            [("2024-03-01", 1), ("2024-04-01", 1), ("2024-10-01", 1), ("2024-11-01", 1)],
        ),
    ],
)
def test_usages_either_side_of_a_local_midnight_land_in_their_period(
    auth_client, user, tz, group_by, moments, expected
):
    for at in moments:
        _usage(user, at)
    params = {
        "group_by": group_by,
        "tz": tz,
        "usage_at_after": "2024-01-01T00:00:00Z",
        "usage_at_before": "2025-01-01T00:00:00Z",
    }
    response = auth_client.get(SUMMARY, params)
    assert response.status_code == 200
    assert [(b["period"], b["count"]) for b in response.json()["buckets"]] == expected


def test_a_range_starting_mid_month_counts_from_its_start(auth_client, user):
    _usage(user, datetime(2024, 3, 10, tzinfo=UTC))
    _usage(user, datetime(2024, 3, 20, tzinfo=UTC))
    params = {"tz": "Europe/Berlin", "usage_at_after": "2024-03-15T00:00:00Z"}
    response = auth_client.get(SUMMARY, {**params, "usage_at_before": "2024-04-15T00:00:00Z"})
    assert [(b["period"], b["count"]) for b in response.json()["buckets"]] == [("2024-03-01", 1)]


@pytest.fixture
def mixed(user, unscoped_type):
    """March and April 2024 in Berlin: electricity (scope 2), heating oil (1), refrigerant."""
    _usage(user, datetime(2024, 3, 5, 8, tzinfo=UTC), 100, "10")  # 15 kg
    _usage(user, datetime(2024, 3, 6, 8, tzinfo=UTC), 103, "2")  # 17.14 kg
    _usage(user, datetime(2024, 3, 31, 21, 30, tzinfo=UTC), 100, "4")  # 31 Mar CEST, 6 kg
    _usage(user, datetime(2024, 3, 31, 22, 30, tzinfo=UTC), 102, "1")  # 1 April, 3.892 kg
    UsageFactory(
        user=user,
        usage_type=unscoped_type,
        usage_at=datetime(2024, 4, 2, tzinfo=UTC),
        amount=Decimal("0.01"),
    )  # 14.3 kg
    return user


RANGE = {
    "tz": "Europe/Berlin",
    "usage_at_after": "2024-03-01T00:00:00+01:00",
    "usage_at_before": "2024-05-01T00:00:00+02:00",
}


def test_month_split_by_scope(auth_client, mixed):
    body = auth_client.get(SUMMARY, {**RANGE, "group_by": "month", "split": "scope"}).json()
    assert body["split"] == "scope"
    assert [
        (b["period"], [(p["scope"], p["label"], p["count"], p["co2e_kg"]) for p in b["breakdown"]])
        for b in body["buckets"]
    ] == [
        (
            "2024-03-01",
            [
                (1, "Scope 1 (direct)", 1, "17.140000"),
                (2, "Scope 2 (purchased energy)", 2, "21.000000"),
            ],
        ),
        (
            "2024-04-01",
            [(1, "Scope 1 (direct)", 1, "3.892000"), (None, "Unscoped", 1, "14.300000")],
        ),
    ]
    assert [b["co2e_kg"] for b in body["buckets"]] == ["38.140000", "18.192000"]
    assert body["buckets"][0]["breakdown"][0]["usage_type"] is None


def test_month_split_by_usage_type(auth_client, mixed, unscoped_type):
    body = auth_client.get(SUMMARY, {**RANGE, "split": "usage_type"}).json()
    assert [
        (b["period"], [(p["usage_type"]["id"], p["scope"], p["amounts"]) for p in b["breakdown"]])
        for b in body["buckets"]
    ] == [
        (
            "2024-03-01",
            [
                (100, 2, [{"unit": "kwh", "amount": "14.0000"}]),
                (103, 1, [{"unit": "l", "amount": "2.0000"}]),
            ],
        ),
        (
            "2024-04-01",
            [
                (102, 1, [{"unit": "kwh", "amount": "1.0000"}]),
                (unscoped_type.pk, None, [{"unit": "kg", "amount": "0.0100"}]),
            ],
        ),
    ]


def test_scope_totals_are_always_all_four_zeros_included(auth_client, mixed):
    body = auth_client.get(SUMMARY, {**RANGE, "group_by": "usage_type"}).json()
    assert [
        (s["scope"], s["label"], s["count"], s["co2e_kg"]) for s in body["total"]["scopes"]
    ] == [
        (1, "Scope 1 (direct)", 2, "21.032000"),
        (2, "Scope 2 (purchased energy)", 2, "21.000000"),
        (3, "Scope 3 (value chain)", 0, "0.000000"),
        (None, "Unscoped", 1, "14.300000"),
    ]
    assert body["total"]["scopes"][2]["amounts"] == []


def test_scope_totals_of_nothing_are_four_zeros(auth_client, db):
    body = auth_client.get(SUMMARY, RANGE).json()
    assert body["buckets"] == []
    assert [(s["scope"], s["count"], s["co2e_kg"]) for s in body["total"]["scopes"]] == [
        (1, 0, "0.000000"),
        (2, 0, "0.000000"),
        (3, 0, "0.000000"),
        (None, 0, "0.000000"),
    ]


def test_group_by_scope(auth_client, mixed):
    body = auth_client.get(SUMMARY, {**RANGE, "group_by": "scope"}).json()
    assert [
        (b["scope"], b["period"], b["usage_type"], b["count"], b["co2e_kg"], b["breakdown"])
        for b in body["buckets"]
    ] == [
        (1, None, None, 2, "21.032000", None),
        (2, None, None, 2, "21.000000", None),
        (None, None, None, 1, "14.300000", None),
    ]
    assert body["buckets"][0]["amounts"] == [
        {"unit": "kwh", "amount": "1.0000"},
        {"unit": "l", "amount": "2.0000"},
    ]


def test_group_by_year(auth_client, user):
    _usage(user, datetime(2023, 12, 31, 22, 59, tzinfo=UTC))  # Berlin 23:59 on New Year's Eve
    _usage(user, datetime(2023, 12, 31, 23, tzinfo=UTC))  # Berlin 2024
    params = {**RANGE, "group_by": "year", "usage_at_after": "2023-06-01T00:00:00Z"}
    body = auth_client.get(SUMMARY, params).json()
    assert [(b["period"], b["count"]) for b in body["buckets"]] == [
        ("2023-01-01", 1),
        ("2024-01-01", 1),
    ]


def test_a_member_sees_only_their_own_scopes(auth_client, other_client, mixed):
    _usage(other_client.user, datetime(2024, 3, 5, tzinfo=UTC), 101, "1")  # water, scope 3
    mine = auth_client.get(SUMMARY, {**RANGE, "split": "scope"}).json()
    theirs = other_client.get(SUMMARY, {**RANGE, "split": "scope"}).json()
    asked = other_client.get(SUMMARY, {**RANGE, "user": mixed.pk, "group_by": "scope"}).json()
    assert [s["count"] for s in mine["total"]["scopes"]] == [2, 2, 0, 1]
    assert [s["count"] for s in theirs["total"]["scopes"]] == [0, 0, 1, 0]
    assert asked["buckets"] == []
    assert [s["count"] for s in asked["total"]["scopes"]] == [0, 0, 0, 0]


def test_staff_filter_one_member_or_see_everyone(staff_client, mixed):
    _usage(UserFactory(), datetime(2024, 3, 5, tzinfo=UTC), 101, "1")
    everyone = staff_client.get(SUMMARY, {**RANGE, "group_by": "scope"}).json()
    one = staff_client.get(SUMMARY, {**RANGE, "group_by": "scope", "user": mixed.pk}).json()
    assert [s["count"] for s in everyone["total"]["scopes"]] == [2, 2, 1, 1]
    assert [s["count"] for s in one["total"]["scopes"]] == [2, 2, 0, 1]


GROUPINGS = [
    *[{"group_by": group_by} for group_by in [*PERIODS, "usage_type", "scope"]],
    *[
        {"group_by": group_by, "split": split}
        for group_by in PERIODS
        for split in ["usage_type", "scope"]
    ],
]


@pytest.mark.parametrize("rows", [3, 40])
@pytest.mark.parametrize("params", GROUPINGS)
def test_every_grouping_is_one_aggregate_query(
    auth_client, unscoped_type, django_assert_num_queries, rows, params
):
    types = [*UsageType.objects.exclude(pk=unscoped_type.pk), unscoped_type]
    for i in range(rows):
        _at = datetime(2024, 3, 1, tzinfo=UTC) + timedelta(hours=37 * i)
        UsageFactory(user=auth_client.user, usage_type=types[i % len(types)], usage_at=_at)
    # knox (2) + the aggregate
    with django_assert_num_queries(3):
        response = auth_client.get(SUMMARY, {**RANGE, **params})
    assert response.json()["total"]["count"] == rows


def test_days_over_five_years_are_one_query_and_right(auth_client, user, django_assert_num_queries):
    first = datetime(2019, 1, 1, tzinfo=UTC)
    moments = [first + timedelta(days=days, hours=23) for days in (0, 1, 400, 1000, 1825)]
    for at in moments:
        _usage(user, at)
    params = {
        "group_by": "day",
        "split": "scope",
        "tz": "Asia/Kolkata",
        "usage_at_after": "2019-01-01T00:00:00Z",
        "usage_at_before": "2024-01-01T00:00:00Z",
    }
    with django_assert_num_queries(3):
        body = auth_client.get(SUMMARY, params).json()
    zone = ZoneInfo("Asia/Kolkata")
    assert [b["period"] for b in body["buckets"]] == [
        at.astimezone(zone).date().isoformat() for at in moments
    ]


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"split": "colour"}, "split", "invalid_choice"),
        ({"group_by": "usage_type", "split": "scope"}, "split", "split_needs_period"),
        ({"group_by": "scope", "split": "usage_type"}, "split", "split_needs_period"),
        ({"group_by": "quarter"}, "group_by", "invalid_choice"),
    ],
)
@pytest.mark.parametrize("path", [SUMMARY, SVG])
def test_bad_split_or_group_by_is_a_400_naming_it(auth_client, path, params, field, code):
    response = auth_client.get(path, params)
    assert response.status_code == 400
    assert error_attrs(response) == {field}
    assert [e["code"] for e in response.json()["errors"]] == [code]


def test_the_new_error_codes_are_in_the_schema(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    text = json.dumps(schema.json())
    assert "split_needs_period" in text
    parameters = schema.json()["paths"]["/api/v1/usages/summary/"]["get"]["parameters"]
    split = next(p for p in parameters if p["name"] == "split")
    group_by = next(p for p in parameters if p["name"] == "group_by")
    assert set(split["schema"]["enum"]) == {"scope", "usage_type"}
    assert set(group_by["schema"]["enum"]) == {*PERIODS, "usage_type", "scope"}


def test_split_chart_stacks_the_scopes_with_a_legend(auth_client, mixed):
    svg = auth_client.get(SVG, {**RANGE, "split": "scope"}).content.decode()
    assert svg.count('class="bar"') == 2
    assert svg.count('class="segment"') == 4
    assert svg.count('class="legend"') == 3
    assert "<title>Mar 2024, Scope 1 (direct): 17.1 kg CO2e (1 usages; 2 l)</title>" in svg
    assert ">Unscoped</text>" in svg


@pytest.mark.parametrize(
    ("params", "labels", "keys"),
    [
        ({"group_by": "year"}, ["2024"], ["2024-01-01"]),
        (
            {"group_by": "scope"},
            ["Scope 1 (direct)", "Scope 2 (purchased energy)", "Unscoped"],
            ["1", "2", "unscoped"],
        ),
    ],
)
def test_chart_of_years_and_scopes(auth_client, mixed, params, labels, keys):
    svg = auth_client.get(SVG, {**RANGE, **params}).content.decode()
    assert re.findall(r'transform="rotate\([^"]*\)">([^<]*)</text>', svg) == labels
    assert re.findall(r'class="bar" data-label="([^"]*)"', svg) == keys


def test_page_shows_the_scope_split_and_the_csv_export_of_its_period(client, user):
    from django.utils import timezone

    _usage(user, timezone.now() - timedelta(days=3), 100, "10")  # 15 kg, scope 2
    _usage(user, timezone.now() - timedelta(days=2), 103, "2")  # 17.14 kg, scope 1
    client.force_login(user)
    html = client.get("/carbon/").content.decode()
    rows = re.findall(
        r'<tr class="scope">\s*<th scope="row">([^<]*)</th>\s*<td class="num">([^<]*)</td>'
        r'\s*<td class="num">([^<]*)</td>',
        html,
    )
    assert rows == [
        ("Scope 1 (direct)", "17.14", "53.3 %"),
        ("Scope 2 (purchased energy)", "15.00", "46.7 %"),
        ("Scope 3 (value chain)", "0.00", "0.0 %"),
        ("Unscoped", "0.00", "0.0 %"),
    ]
    link = re.search(r'<a class="export" href="([^"]*)" download>', html).group(1)
    assert re.fullmatch(
        r"/api/v1/usages/export\.csv\?usage_at_after=\d{4}-\d\d-\d\dT\d\d%3A00%3A00Z"
        r"&amp;usage_at_before=\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\dZ",
        link,
    )
