import base64
import datetime as dt
import json

import pytest

from activity.selectors import cursor_encode
from tests.activity.factories import ActivityPeriodFactory
from tests.members.factories import UserFactory

FEED = "/activity_record/members/"


def test_feed_is_exactly_the_sample_document(sample_members, sample_document, public_feed, client):
    response = client.get(FEED)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    # Same keys in the same order, same values: the whole document, not just its parts.
    assert json.dumps(response.json()) == json.dumps(sample_document)


def test_sample_start_and_end_strings_keep_their_spacing(sample_members, feed_client):
    period = feed_client.get(FEED).json()["members"][0]["activity_periods"][0]

    assert period == {"start_time": "Feb 1 2020  1:33PM", "end_time": "Feb 1 2020 1:54PM"}


@pytest.mark.parametrize(
    ("start_utc", "end_utc", "expected"),
    [
        # US spring forward: 2021-03-14 02:00 EST becomes 03:00 EDT.
        (
            dt.datetime(2021, 3, 14, 6, 30, tzinfo=dt.UTC),
            dt.datetime(2021, 3, 14, 7, 30, tzinfo=dt.UTC),
            {"start_time": "Mar 14 2021  1:30AM", "end_time": "Mar 14 2021 3:30AM"},
        ),
        # US fall back: 01:00-02:00 EDT happens twice; 05:30 UTC is the first 1:30AM.
        (
            dt.datetime(2021, 11, 7, 5, 30, tzinfo=dt.UTC),
            dt.datetime(2021, 11, 7, 7, 0, tzinfo=dt.UTC),
            {"start_time": "Nov 7 2021  1:30AM", "end_time": "Nov 7 2021 2:00AM"},
        ),
        # Noon and midnight on the 12-hour clock.
        (
            dt.datetime(2021, 6, 1, 16, 0, tzinfo=dt.UTC),
            dt.datetime(2021, 6, 2, 4, 5, tzinfo=dt.UTC),
            {"start_time": "Jun 1 2021  12:00PM", "end_time": "Jun 2 2021 12:05AM"},
        ),
    ],
)
def test_times_are_local_to_the_member_across_daylight_saving(
    feed_client, start_utc, end_utc, expected
):
    member = UserFactory(tz="America/New_York")
    ActivityPeriodFactory(user=member, start_time=start_utc, end_time=end_utc)

    members = feed_client.get(FEED).json()["members"]

    assert [m["activity_periods"] for m in members if m["id"] == member.pk] == [[expected]]


def test_iso8601_times_carry_the_offset_in_force_at_that_moment(feed_client):
    member = UserFactory(tz="America/New_York")
    ActivityPeriodFactory(
        user=member,
        start_time=dt.datetime(2021, 3, 14, 6, 30, tzinfo=dt.UTC),
        end_time=dt.datetime(2021, 3, 14, 7, 30, tzinfo=dt.UTC),
    )

    members = feed_client.get(FEED, {"time_format": "iso8601"}).json()["members"]

    assert [m["activity_periods"] for m in members if m["id"] == member.pk] == [
        [{"start_time": "2021-03-14T01:30:00-05:00", "end_time": "2021-03-14T03:30:00-04:00"}]
    ]


def test_members_are_ordered_by_id_and_periods_by_start(feed_client, user):
    other = UserFactory()
    late = ActivityPeriodFactory(user=other, start_time=dt.datetime(2024, 5, 2, tzinfo=dt.UTC))
    early = ActivityPeriodFactory(user=other, start_time=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))

    members = feed_client.get(FEED, {"time_format": "iso8601"}).json()["members"]

    assert [m["id"] for m in members] == sorted([user.pk, other.pk])
    starts = [
        p["start_time"] for m in members if m["id"] == other.pk for p in m["activity_periods"]
    ]
    assert starts == [
        early.start_time.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat(),
        late.start_time.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat(),
    ]


def test_member_without_periods_has_an_empty_list(feed_client, user):
    assert feed_client.get(FEED).json()["members"] == [
        {"id": user.pk, "real_name": user.real_name, "tz": user.tz, "activity_periods": []}
    ]


def test_staff_and_inactive_accounts_are_not_members(feed_client, user):
    staff = UserFactory(is_staff=True)
    inactive = UserFactory(is_active=False)
    ActivityPeriodFactory(user=staff)
    ActivityPeriodFactory(user=inactive)

    assert [m["id"] for m in feed_client.get(FEED).json()["members"]] == [user.pk]


def test_full_feed_has_no_response_metadata(feed_client):
    assert set(feed_client.get(FEED).json()) == {"ok", "members"}


def test_pages_walk_the_whole_feed_once(feed_client, user, members_with_periods):
    everyone = sorted([user.pk, *(m.pk for m in members_with_periods(6, periods=2))])
    seen, cursor, pages = [], "", 0

    for _ in range(10):
        body = feed_client.get(FEED, {"limit": 3, "cursor": cursor}).json()
        pages += 1
        seen.extend(m["id"] for m in body["members"])
        cursor = body["response_metadata"]["next_cursor"]
        if not cursor:
            break

    assert (seen, pages) == (everyone, 3)


def test_page_periods_belong_to_the_page_members(feed_client, members_with_periods):
    members = members_with_periods(4, periods=2)

    first = feed_client.get(FEED, {"limit": 2}).json()
    second = feed_client.get(
        FEED, {"limit": 2, "cursor": first["response_metadata"]["next_cursor"]}
    ).json()

    pages = first["members"] + second["members"]
    assert [(m["id"], len(m["activity_periods"])) for m in pages] == [(m.pk, 2) for m in members]
    assert second["response_metadata"] == {"next_cursor": ""}


def test_last_page_has_an_empty_next_cursor(feed_client, user):
    body = feed_client.get(FEED, {"limit": 5}).json()

    assert body["response_metadata"] == {"next_cursor": ""}


# "9" * 4301: the probe's 500 (int() refuses strings past 4,300 digits).
@pytest.mark.parametrize("limit", ["0", "1001", "-1", "ten", "1.5", "٣", "9" * 4301, "00001001"])
def test_bad_limit_is_invalid_limit(feed_client, limit):
    response = feed_client.get(FEED, {"limit": limit})

    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert response.json()["error"] == "invalid_limit"
    assert "limit" in response.json()["detail"]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        "dXNlcjo",  # truncated base64
        base64.urlsafe_b64encode(b"team:W012A3CDE").decode(),
        base64.urlsafe_b64encode(b"user:'; DROP TABLE x;--").decode(),
        base64.urlsafe_b64encode(b"user:W012\x00A3CDE").decode(),
        "é",
    ],
)
def test_garbage_cursor_is_invalid_cursor(feed_client, cursor):
    response = feed_client.get(FEED, {"limit": 2, "cursor": cursor})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_cursor"


def test_unknown_time_format_is_rejected(feed_client):
    response = feed_client.get(FEED, {"time_format": "rfc2822"})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_time_format"


def test_cursor_past_the_end_gives_an_empty_last_page(feed_client, user):
    body = feed_client.get(FEED, {"limit": 2, "cursor": cursor_encode(last_id="ZZZZZZZZZ")}).json()

    assert body == {"ok": True, "members": [], "response_metadata": {"next_cursor": ""}}


def test_anonymous_is_refused_by_default(client, user):
    response = client.get(FEED)

    assert response.status_code == 401
    assert response.json() == {
        "ok": False,
        "error": "not_authed",
        "detail": "Authentication credentials were not provided.",
    }


def test_anonymous_is_allowed_when_the_feed_is_public(client, user, public_feed):
    response = client.get(FEED)

    assert response.status_code == 200
    assert response.json()["members"][0]["id"] == user.pk


def test_bad_token_is_invalid_auth_even_when_public(client, user, public_feed):
    response = client.get(FEED, HTTP_AUTHORIZATION="Token not-a-real-token")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_auth"


def test_token_authenticated_caller_gets_the_feed(auth_client, user):
    assert auth_client.get(FEED).json()["members"][0]["id"] == user.pk


def test_throttled_caller_gets_ratelimited_with_retry_after(feed_client, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "rate", "1/min", raising=False)
    assert feed_client.get(FEED).status_code == 200

    response = feed_client.get(FEED)

    assert response.status_code == 429
    assert response.json()["error"] == "ratelimited"
    assert 1 <= int(response["Retry-After"]) <= 60


@pytest.mark.parametrize("count", [3, 30])
def test_full_feed_runs_two_queries_whatever_its_size(
    feed_client, members_with_periods, django_assert_num_queries, count
):
    members_with_periods(count)

    with django_assert_num_queries(2):
        response = feed_client.get(FEED)

    assert len(response.json()["members"]) == count


@pytest.mark.parametrize("count", [6, 40])
def test_cursor_page_runs_two_queries_wherever_it_starts(
    feed_client, members_with_periods, django_assert_num_queries, count
):
    members = members_with_periods(count)
    cursor = cursor_encode(last_id=members[count // 2].pk)

    with django_assert_num_queries(2):
        response = feed_client.get(FEED, {"limit": 2, "cursor": cursor})

    assert [len(m["activity_periods"]) for m in response.json()["members"]] == [3, 3]


# --- open periods (a member logged in now) --------------------------------------------------


@pytest.fixture
def open_and_closed(user):
    """One closed period and one still open (a login not yet logged out)."""
    start = dt.datetime(2024, 1, 1, 1, 0, tzinfo=dt.UTC)  # Europe/Berlin: 2:00AM
    closed = ActivityPeriodFactory(user=user, start_time=start)
    opened = ActivityPeriodFactory(
        user=user, start_time=start + dt.timedelta(hours=2), end_time=None, token_digest="d" * 128
    )
    return closed, opened


def test_open_periods_are_left_out_by_default(feed_client, user, open_and_closed):
    member = feed_client.get(FEED).json()["members"][0]

    assert member["activity_periods"] == [
        {"start_time": "Jan 1 2024  2:00AM", "end_time": "Jan 1 2024 2:45AM"}
    ]


@pytest.mark.parametrize("value", ["true", "1"])
def test_include_open_adds_them_with_a_null_end(feed_client, user, open_and_closed, value):
    member = feed_client.get(FEED, {"include_open": value}).json()["members"][0]

    assert member["activity_periods"] == [
        {"start_time": "Jan 1 2024  2:00AM", "end_time": "Jan 1 2024 2:45AM"},
        {"start_time": "Jan 1 2024  4:00AM", "end_time": None},
    ]


@pytest.mark.parametrize("value", ["false", "0", ""])
def test_include_open_false_is_the_default(feed_client, user, open_and_closed, value):
    member = feed_client.get(FEED, {"include_open": value}).json()["members"][0]

    assert len(member["activity_periods"]) == 1


@pytest.mark.parametrize("value", ["yes", "TRUE", "2", "true ", "null", "é"])
def test_bad_include_open_is_invalid_include_open(feed_client, user, open_and_closed, value):
    response = feed_client.get(FEED, {"include_open": value})

    assert response.status_code == 400
    body = response.json()
    assert (body["ok"], body["error"]) == (False, "invalid_include_open")
    assert "include_open" in body["detail"]


@pytest.mark.parametrize("count", [3, 30])
def test_feed_with_open_periods_runs_two_queries(
    feed_client, members_with_periods, django_assert_num_queries, count
):
    members = members_with_periods(count)
    for member in members:
        ActivityPeriodFactory(user=member, end_time=None, session_key=f"s{member.pk}")

    with django_assert_num_queries(2):
        response = feed_client.get(FEED, {"include_open": "true", "limit": count})

    assert [len(m["activity_periods"]) for m in response.json()["members"]] == [4] * count
