import datetime as dt

import pytest
from knox.models import AuthToken
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from activity.selectors import cursor_encode
from tests.members.factories import UserFactory

USERS_LIST = "/api/users.list"


def test_members_in_the_slack_shape(feed_client, user, staff_user):
    user.date_joined = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    user.save(update_fields=["date_joined"])

    body = feed_client.get(USERS_LIST).json()

    assert set(body) == {"ok", "members", "cache_ts", "response_metadata"}
    assert body["ok"] is True
    assert isinstance(body["cache_ts"], int)
    assert body["response_metadata"] == {"next_cursor": ""}
    assert body["members"] == [
        {
            "id": user.pk,
            "name": user.username,
            "real_name": user.real_name,
            "tz": "Europe/Berlin",
            "tz_label": body["members"][0]["tz_label"],
            "tz_offset": body["members"][0]["tz_offset"],
            "deleted": False,
            "is_admin": False,
            "updated": 1704164645,
            "profile": {
                "real_name": user.real_name,
                "display_name": user.username,
                "email": user.email,
            },
        }
    ]
    assert body["members"][0]["tz_label"] in {"CET", "CEST"}
    assert body["members"][0]["tz_offset"] in {3600, 7200}


def test_default_page_is_200_members(feed_client):
    UserFactory.create_batch(201)

    body = feed_client.get(USERS_LIST).json()

    assert len(body["members"]) == 200
    assert body["response_metadata"]["next_cursor"]


@pytest.mark.parametrize("limit", ["0", "1001", "x", "-3", "9" * 4301])
def test_bad_limit_is_invalid_limit(feed_client, limit):
    response = feed_client.get(USERS_LIST, {"limit": limit})

    assert (response.status_code, response.json()["error"]) == (400, "invalid_limit")


def test_bad_cursor_is_invalid_cursor(feed_client):
    response = feed_client.get(USERS_LIST, {"cursor": "bm9wZQ=="})

    assert (response.status_code, response.json()["error"]) == (400, "invalid_cursor")


def test_post_with_a_form_body_pages_like_get(feed_client, members_with_periods):
    members = members_with_periods(3, periods=0)
    cursor = cursor_encode(last_id=min(m.pk for m in members))

    body = feed_client.post(USERS_LIST, {"limit": "1", "cursor": cursor}, format="multipart")
    form = feed_client.generic(
        "POST",
        USERS_LIST,
        f"limit=1&cursor={cursor}",
        content_type="application/x-www-form-urlencoded",
    )
    as_json = feed_client.post(USERS_LIST, {"limit": 1, "cursor": cursor}, format="json")

    assert body.status_code == 415  # multipart is not a format Slack's clients send
    assert form.json()["members"] == as_json.json()["members"]
    assert len(as_json.json()["members"]) == 1


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ('["limit"]', "invalid_arguments"),
        ('{"limit": true}', "invalid_limit"),
        ('{"limit": "5", "cursor": 12}', "invalid_cursor"),
        ("{nope", "invalid_json"),
    ],
)
def test_bad_post_bodies(feed_client, body, error):
    response = feed_client.generic("POST", USERS_LIST, body, content_type="application/json")

    assert (response.status_code, response.json()["error"]) == (400, error)


def test_no_credentials_is_not_authed_even_when_the_feed_is_public(client, public_feed):
    response = client.get(USERS_LIST)

    assert response.status_code == 401
    assert response.json()["error"] == "not_authed"
    assert response["WWW-Authenticate"]


def test_unknown_token_is_invalid_auth(client, db):
    response = client.get(USERS_LIST, HTTP_AUTHORIZATION="Bearer 0123456789abcdef")

    assert (response.status_code, response.json()["error"]) == (401, "invalid_auth")


def test_ratelimited_with_retry_after(feed_client, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "rate", "2/hour", raising=False)
    feed_client.get(USERS_LIST)
    feed_client.get(USERS_LIST)

    response = feed_client.get(USERS_LIST)

    assert (response.status_code, response.json()["error"]) == (429, "ratelimited")
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize("count", [3, 30])
def test_users_list_runs_one_query_whatever_its_size(feed_client, django_assert_num_queries, count):
    UserFactory.create_batch(count)

    with django_assert_num_queries(1):
        response = feed_client.get(USERS_LIST, {"limit": 1000})

    assert len(response.json()["members"]) == count


@pytest.mark.parametrize("count", [6, 40])
def test_users_list_cursor_page_runs_one_query(feed_client, django_assert_num_queries, count):
    ids = sorted(u.pk for u in UserFactory.create_batch(count))

    with django_assert_num_queries(1):
        response = feed_client.get(
            USERS_LIST, {"limit": 2, "cursor": cursor_encode(last_id=ids[count // 2])}
        )

    assert [m["id"] for m in response.json()["members"]] == ids[count // 2 + 1 : count // 2 + 3]


def test_slack_sdk_pages_through_every_member(live_server, transactional_db):
    caller = UserFactory()
    others = UserFactory.create_batch(8)
    _instance, token = AuthToken.objects.create(caller)
    client = WebClient(token=token, base_url=f"{live_server.url}/api/")

    pages = [page["members"] for page in client.users_list(limit=2)]

    assert [len(page) for page in pages] == [2, 2, 2, 2, 1]
    assert [m["id"] for page in pages for m in page] == sorted(u.pk for u in [caller, *others])


def test_slack_sdk_sees_slack_errors(live_server, transactional_db):
    client = WebClient(token="xoxb-not-ours", base_url=f"{live_server.url}/api/")

    with pytest.raises(SlackApiError) as failure:
        client.users_list()

    assert failure.value.response["error"] == "invalid_auth"
    assert failure.value.response.status_code == 401


def test_a_huge_form_limit_is_invalid_limit_not_a_500(feed_client):
    # The probe's request: POST /api/users.list with limit=<4301 nines> (form body) was a 500.
    response = feed_client.post(
        USERS_LIST, "limit=" + "9" * 4301, content_type="application/x-www-form-urlencoded"
    )

    assert (response.status_code, response.json()["error"]) == (400, "invalid_limit")


def test_leading_zeros_are_still_a_limit(feed_client):
    assert feed_client.get(USERS_LIST, {"limit": "0005"}).status_code == 200
