import datetime as dt
import json

import pytest

from tests.activity.factories import ActivityPeriodFactory
from tests.members.factories import UserFactory

LOOKUP = "/api/loguseractivity/"


def _post(client, body, **extra):
    return client.post(LOOKUP, data=json.dumps(body), content_type="application/json", **extra)


def test_known_ids_return_the_feed_shape_and_unknown_ones_are_listed(
    sample_members, sample_document, feed_client
):
    response = _post(feed_client, {"id_list": ["W07QCRPA4", "WNOSUCHID", "W012A3CDE"]})

    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "members": sample_document["members"],
        "not_found": ["WNOSUCHID"],
    }


def test_duplicate_ids_are_answered_once(sample_members, feed_client):
    body = _post(feed_client, {"id_list": ["W012A3CDE", "W012A3CDE", "nope", "nope"]}).json()

    assert ([m["id"] for m in body["members"]], body["not_found"]) == (["W012A3CDE"], ["nope"])


def test_staff_accounts_are_not_found(feed_client, staff_user):
    response = _post(feed_client, {"id_list": [staff_user.pk]})

    assert response.status_code == 404


def test_none_found_is_404_users_not_found(feed_client):
    response = _post(feed_client, {"id_list": ["WAAAAAAAA", "", "x" * 5000, "W\x00"]})

    assert response.status_code == 404
    assert response.json() == {
        "ok": False,
        "error": "users_not_found",
        "detail": "None of the ids in id_list is a member.",
        "not_found": ["WAAAAAAAA", "", "x" * 5000, "W\x00"],
    }


def test_iso8601_is_available_here_too(sample_members, feed_client):
    body = feed_client.post(
        LOOKUP + "?time_format=iso8601",
        data=json.dumps({"id_list": ["W012A3CDE"]}),
        content_type="application/json",
    ).json()

    assert body["members"][0]["activity_periods"][0] == {
        "start_time": "2020-02-01T13:33:00-08:00",
        "end_time": "2020-02-01T13:54:00-08:00",
    }


@pytest.mark.parametrize(
    ("raw_body", "error"),
    [
        ("{not json", "invalid_json"),
        ('["W012A3CDE"]', "invalid_body"),
        ('"W012A3CDE"', "invalid_body"),
        ("null", "invalid_body"),
        ("{}", "missing_id_list"),
        ('{"ids": ["W012A3CDE"]}', "missing_id_list"),
        ('{"id_list": "W012A3CDE"}', "invalid_id_list"),
        ('{"id_list": {"a": 1}}', "invalid_id_list"),
        ('{"id_list": null}', "invalid_id_list"),
        ('{"id_list": []}', "empty_id_list"),
        ('{"id_list": ["W012A3CDE", 7]}', "invalid_id"),
        ('{"id_list": [["W012A3CDE"]]}', "invalid_id"),
        (json.dumps({"id_list": ["W012A3CDE"] * 1001}), "too_many_ids"),
    ],
)
def test_bad_bodies_are_400_with_a_code_and_the_field(feed_client, raw_body, error):
    response = feed_client.post(LOOKUP, data=raw_body, content_type="application/json")

    assert response.status_code == 400
    body = response.json()
    assert (body["ok"], body["error"]) == (False, error)
    assert body["detail"]


def test_empty_body_is_missing_id_list(feed_client):
    response = feed_client.post(LOOKUP, data="", content_type="application/json")

    assert (response.status_code, response.json()["error"]) == (400, "missing_id_list")


def test_a_form_body_is_unsupported_media_type(feed_client):
    response = feed_client.post(LOOKUP, data={"id_list": "W012A3CDE"}, format="multipart")

    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"


def test_a_thousand_ids_are_fine(feed_client, user):
    body = _post(feed_client, {"id_list": [user.pk] + [f"W{n:08d}" for n in range(999)]}).json()

    assert (len(body["members"]), len(body["not_found"])) == (1, 999)


def test_anonymous_is_refused_by_default(client, user):
    response = _post(client, {"id_list": [user.pk]})

    assert (response.status_code, response.json()["error"]) == (401, "not_authed")


def test_anonymous_is_allowed_when_public(client, user, public_feed):
    response = _post(client, {"id_list": [user.pk]})

    assert response.status_code == 200


def test_session_post_without_csrf_is_access_denied(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = _post(client, {"id_list": [user.pk]})

    assert (response.status_code, response.json()["error"]) == (403, "access_denied")


@pytest.mark.parametrize("count", [2, 20])
def test_lookup_runs_two_queries_whatever_the_number_of_ids(
    feed_client, members_with_periods, django_assert_num_queries, count
):
    ids = [m.pk for m in members_with_periods(count)]

    with django_assert_num_queries(2):
        response = _post(feed_client, {"id_list": ids})

    assert [len(m["activity_periods"]) for m in response.json()["members"]] == [3] * count


def test_inactive_members_are_not_found(feed_client):
    gone = UserFactory(is_active=False)

    assert _post(feed_client, {"id_list": [gone.pk]}).json()["not_found"] == [gone.pk]


def test_open_periods_only_with_include_open(feed_client, user):
    start = dt.datetime(2024, 1, 1, 1, 0, tzinfo=dt.UTC)  # Europe/Berlin: 2:00AM
    ActivityPeriodFactory(user=user, start_time=start)
    ActivityPeriodFactory(
        user=user, start_time=start + dt.timedelta(hours=2), end_time=None, token_digest="d" * 128
    )

    closed = _post(feed_client, {"id_list": [user.pk]}).json()["members"][0]
    both = feed_client.post(
        f"{LOOKUP}?include_open=true",
        data=json.dumps({"id_list": [user.pk]}),
        content_type="application/json",
    ).json()["members"][0]

    assert [p["end_time"] for p in closed["activity_periods"]] == ["Jan 1 2024 2:45AM"]
    assert [p["end_time"] for p in both["activity_periods"]] == ["Jan 1 2024 2:45AM", None]


@pytest.mark.parametrize("value", ["yes", "on", "True"])
def test_bad_include_open_is_400_invalid_include_open(feed_client, user, value):
    response = feed_client.post(
        f"{LOOKUP}?include_open={value}",
        data=json.dumps({"id_list": [user.pk]}),
        content_type="application/json",
    )

    assert response.status_code == 400
    body = response.json()
    assert (body["ok"], body["error"]) == (False, "invalid_include_open")
    assert "include_open" in body["detail"]


@pytest.mark.parametrize("count", [2, 20])
def test_lookup_with_open_periods_runs_two_queries(
    feed_client, members_with_periods, django_assert_num_queries, count
):
    members = members_with_periods(count)
    for member in members:
        ActivityPeriodFactory(user=member, end_time=None, token_digest=f"d{member.pk}")

    with django_assert_num_queries(2):
        response = feed_client.post(
            f"{LOOKUP}?include_open=true",
            data=json.dumps({"id_list": [m.pk for m in members]}),
            content_type="application/json",
        )

    assert [len(m["activity_periods"]) for m in response.json()["members"]] == [4] * count
