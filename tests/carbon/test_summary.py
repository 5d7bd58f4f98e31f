import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from carbon.models import UsageType
from tests.carbon.conftest import error_attrs
from tests.carbon.factories import UsageFactory, UsageTypeFactory
from tests.members.factories import UserFactory

SUMMARY = "/api/v1/usages/summary/"
SVG = "/api/v1/usages/summary.svg"
RANGE = {
    "usage_at_after": "2024-02-01T00:00:00+01:00",
    "usage_at_before": "2024-05-01T00:00:00+02:00",
}


@pytest.fixture
def dst_usages(user):
    """Around Berlin's switch to summer time (2024-03-31 02:00 CET -> 03:00 CEST)."""

    def make(at, type_id, amount):
        usage_type = UsageType.objects.get(pk=type_id)
        return UsageFactory(user=user, usage_at=at, usage_type=usage_type, amount=Decimal(amount))

    return [
        make(datetime(2024, 2, 29, 23, 30, tzinfo=UTC), 100, "10"),  # Berlin 1 Mar 00:30 CET
        make(datetime(2024, 3, 30, 23, 30, tzinfo=UTC), 103, "2"),  # Berlin 31 Mar 00:30 CET
        make(datetime(2024, 3, 31, 21, 30, tzinfo=UTC), 100, "4"),  # Berlin 31 Mar 23:30 CEST
        make(datetime(2024, 3, 31, 22, 30, tzinfo=UTC), 102, "1"),  # Berlin 1 Apr 00:30 CEST
    ]


def buckets(response) -> list[tuple]:
    return [
        (
            b["period"] or b["usage_type"]["id"],
            b["count"],
            {a["unit"]: a["amount"] for a in b["amounts"]},
            b["co2e_kg"],
        )
        for b in response.json()["buckets"]
    ]


@pytest.mark.parametrize(
    ("group_by", "tz", "expected"),
    [
        (
            "month",
            "Europe/Berlin",
            [
                ("2024-03-01", 3, {"kwh": "14.0000", "l": "2.0000"}, "38.140000"),
                ("2024-04-01", 1, {"kwh": "1.0000"}, "3.892000"),
            ],
        ),
        (
            "month",
            "UTC",
            [
                ("2024-02-01", 1, {"kwh": "10.0000"}, "15.000000"),
                ("2024-03-01", 3, {"kwh": "5.0000", "l": "2.0000"}, "27.032000"),
            ],
        ),
        (
            "day",
            "Europe/Berlin",
            [
                ("2024-03-01", 1, {"kwh": "10.0000"}, "15.000000"),
                ("2024-03-31", 2, {"kwh": "4.0000", "l": "2.0000"}, "23.140000"),
                ("2024-04-01", 1, {"kwh": "1.0000"}, "3.892000"),
            ],
        ),
        (
            "week",
            "Europe/Berlin",
            [
                ("2024-02-26", 1, {"kwh": "10.0000"}, "15.000000"),
                ("2024-03-25", 2, {"kwh": "4.0000", "l": "2.0000"}, "23.140000"),
                ("2024-04-01", 1, {"kwh": "1.0000"}, "3.892000"),
            ],
        ),
        (
            "usage_type",
            "Europe/Berlin",
            [
                (100, 2, {"kwh": "14.0000"}, "21.000000"),
                (102, 1, {"kwh": "1.0000"}, "3.892000"),
                (103, 1, {"l": "2.0000"}, "17.140000"),
            ],
        ),
    ],
)
def test_summary_matches_hand_computed_totals_across_dst(
    auth_client, dst_usages, group_by, tz, expected
):
    response = auth_client.get(SUMMARY, {**RANGE, "group_by": group_by, "tz": tz})
    assert response.status_code == 200
    assert buckets(response) == expected
    total = response.json()["total"]
    assert (total["count"], total["co2e_kg"]) == (4, "42.032000")


def test_summary_defaults_to_the_callers_time_zone(auth_client, dst_usages):
    auth_client.user.tz = "UTC"
    auth_client.user.save(update_fields=["tz"])
    response = auth_client.get(SUMMARY, RANGE)
    assert response.json()["tz"] == "UTC"
    assert [b["period"] for b in response.json()["buckets"]] == ["2024-02-01", "2024-03-01"]


def test_summary_range_is_inclusive_exclusive(auth_client, dst_usages):
    params = {"usage_at_after": "2024-03-30T23:30:00Z", "usage_at_before": "2024-03-31T22:30:00Z"}
    assert auth_client.get(SUMMARY, params).json()["total"]["count"] == 2


def test_summary_only_counts_the_callers_usages(auth_client, other_client, dst_usages):
    UsageFactory(user=other_client.user, usage_at=datetime(2024, 3, 5, tzinfo=UTC))
    assert other_client.get(SUMMARY, RANGE).json()["total"]["count"] == 1
    assert other_client.get(SUMMARY, {**RANGE, "user": auth_client.user.pk}).json()["buckets"] == []


def test_staff_summary_covers_everyone_or_one_member(staff_client, user, dst_usages):
    UsageFactory(user=UserFactory(), usage_at=datetime(2024, 3, 5, tzinfo=UTC))
    assert staff_client.get(SUMMARY, RANGE).json()["total"]["count"] == 5
    assert staff_client.get(SUMMARY, {**RANGE, "user": user.pk}).json()["total"]["count"] == 4


def test_summary_filters_by_usage_type(auth_client, dst_usages):
    response = auth_client.get(SUMMARY, {**RANGE, "usage_type": 100, "group_by": "usage_type"})
    assert [b["usage_type"]["id"] for b in response.json()["buckets"]] == [100]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"tz": "Mars/Olympus"}, "tz"),
        ({"tz": "x" * 65}, "tz"),
        ({"group_by": "quarter"}, "group_by"),
        ({"usage_at_after": "2024-01-01T00:00:00"}, "usage_at_after"),
        ({"usage_at_before": "soon"}, "usage_at_before"),
        ({"usage_at_after": "9999-12-31T23:00:00-05:00"}, "usage_at_after"),
        (
            {"usage_at_after": "2018-01-01T00:00:00Z", "usage_at_before": "2024-01-01T00:00:00Z"},
            "usage_at_before",
        ),
        (
            {"usage_at_after": "2024-01-02T00:00:00Z", "usage_at_before": "2024-01-01T00:00:00Z"},
            "usage_at_before",
        ),
        ({"usage_type": "x"}, "usage_type"),
    ],
)
def test_summary_rejects_bad_parameters_naming_them(auth_client, params, field):
    response = auth_client.get(SUMMARY, params)
    assert response.status_code == 400
    assert error_attrs(response) == {field}


def test_five_years_is_allowed(auth_client):
    params = {"usage_at_after": "2019-01-01T00:00:00Z", "usage_at_before": "2024-01-01T00:00:00Z"}
    assert auth_client.get(SUMMARY, params).status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize("group_by", ["month", "usage_type"])
def test_summary_is_one_aggregate_query(auth_client, django_assert_num_queries, rows, group_by):
    for i in range(rows):
        UsageFactory(user=auth_client.user, usage_at=datetime(2024, 3, 1 + i % 27, tzinfo=UTC))
    # knox (2) + the aggregate
    with django_assert_num_queries(3):
        response = auth_client.get(SUMMARY, {**RANGE, "group_by": group_by, "tz": "UTC"})
    assert response.json()["total"]["count"] == rows


def test_factor_change_leaves_history_and_summary_unchanged(staff_client, user, make_token_client):
    UsageFactory(user=user, usage_at=datetime(2024, 3, 5, tzinfo=UTC))
    response = staff_client.patch("/api/v1/usage-types/100/", {"factor": "100"})
    assert response.status_code == 200
    client = make_token_client(user)
    assert client.get(SUMMARY, RANGE).json()["total"]["co2e_kg"] == "15.000000"
    assert client.get("/api/v1/usages/").json()["results"][0]["co2e_kg"] == "15.000000"

    def co2e_kg(usage_at: str) -> str:
        body = {"usage_type": 100, "usage_at": usage_at, "amount": "1"}
        return client.post("/api/v1/usages/", body).json()["co2e_kg"]

    # The new factor is a version valid from today: a usage of 2024 still takes 2024's.
    assert co2e_kg("2024-03-06T00:00:00Z") == "1.500000"
    assert co2e_kg(datetime.now(UTC).isoformat()) == "100.000000"


def test_chart_renders_the_buckets(auth_client, dst_usages):
    response = auth_client.get(SVG, {**RANGE, "tz": "Europe/Berlin"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert svg.startswith("<svg")
    assert svg.count('class="bar"') == 2
    assert 'data-label="2024-03-01"' in svg
    assert 'data-label="2024-04-01"' in svg
    assert ">Mar 2024</text>" in svg
    assert ">Apr 2024</text>" in svg
    assert "<title>Mar 2024: " in svg
    assert ">2024-03-01</text>" not in svg
    assert "<script" not in svg


@pytest.mark.parametrize(
    ("group_by", "labels"),
    [
        ("month", ["Mar 2024", "Apr 2024"]),
        ("week", ["W09 2024", "W13 2024", "W14 2024"]),  # ISO weeks, Monday first
        ("day", ["1 Mar 2024", "31 Mar 2024", "1 Apr 2024"]),
    ],
)
def test_chart_labels_read_as_the_grouping(auth_client, dst_usages, group_by, labels):
    svg = auth_client.get(
        SVG, {**RANGE, "tz": "Europe/Berlin", "group_by": group_by}
    ).content.decode()
    assert re.findall(r'transform="rotate\([^"]*\)">([^<]*)</text>', svg) == labels


def test_chart_with_no_usages_says_so(auth_client):
    svg = auth_client.get(SVG, RANGE, HTTP_ACCEPT="application/json").content.decode()
    assert "No usages in this range" in svg


def test_chart_escapes_type_names(auth_client, user):
    usage_type = UsageTypeFactory(name='<script>alert("x")</script>&', unit="kg")
    UsageFactory(user=user, usage_type=usage_type, usage_at=datetime(2024, 3, 5, tzinfo=UTC))
    svg = auth_client.get(SVG, {**RANGE, "group_by": "usage_type"}).content.decode()
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_chart_errors_are_json(auth_client):
    response = auth_client.get(SVG, {"tz": "Nowhere/Land"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert error_attrs(response) == {"tz"}


def test_chart_requires_authentication(api_client, db):
    response = api_client.get(SVG)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
