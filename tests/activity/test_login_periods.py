"""Activity periods recorded from real use: a login opens one, its logout, expiry or revocation
closes it. Through the real doors: the API's login, registration and logout, the admin's
login and logout (a browser's POSTs with CSRF), knox's own token clean-up, the beat task.

Time is frozen with time_machine (tick=False) and moved by hand, so every period's start and
end are known to the microsecond.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from activity import services, tasks
from activity.models import ActivityPeriod
from tests.members.factories import TEST_PASSWORD, UserFactory

LOGIN = "/api/v1/auth/login/"
REGISTER = "/api/v1/auth/register/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/auth/me/"
FEED = "/activity_record/members/"
LOOKUP = "/api/loguseractivity/"
ADMIN_LOGIN = "/admin/login/"
ADMIN_LOGOUT = "/admin/logout/"
START = dt.datetime(2026, 7, 1, 16, 5, tzinfo=dt.UTC)  # 9:05AM in Los Angeles (PDT)
MINUTE = dt.timedelta(minutes=1)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def clock(db):
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def member(db):
    return UserFactory(username="egon", real_name="Egon Spengler", tz="America/Los_Angeles")


@pytest.fixture
def reader(staff_user) -> APIClient:
    """Reads the feed; a client of its own, so its forced authentication stays out of the way
    of the logins and logouts under test (and a staff account, which the feed leaves out)."""
    client = APIClient()
    client.force_authenticate(staff_user)
    return client


def api_login(client, username="egon", password=TEST_PASSWORD) -> str:
    response = client.post(LOGIN, {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def api_logout(client, token: str):
    return client.post(LOGOUT, HTTP_AUTHORIZATION=f"Token {token}")


def csrf_from(response) -> str:
    return CSRF_INPUT.search(response.content.decode()).group(1)


def admin_login(client: Client, username="egon", password=TEST_PASSWORD):
    """As a browser does it: fetch the form (CSRF cookie and hidden field), then post it."""
    form = client.get(ADMIN_LOGIN)
    assert form.status_code == 200
    return client.post(
        ADMIN_LOGIN,
        {
            "username": username,
            "password": password,
            "next": "/admin/",
            "csrfmiddlewaretoken": csrf_from(form),
        },
    )


def admin_logout(client: Client):
    """The admin's "Log out" button: a POST from the page's form, with its CSRF token."""
    page = client.get("/admin/")
    assert page.status_code == 200
    return client.post(ADMIN_LOGOUT, {"csrfmiddlewaretoken": csrf_from(page)})


def periods(**filters) -> list[tuple]:
    return list(
        ActivityPeriod.objects.filter(**filters)
        .order_by("start_time", "id")
        .values_list("user_id", "start_time", "end_time")
    )


def feed_periods(client, member_id: str, query: str = "") -> list[dict]:
    members = client.get(f"{FEED}{query}").json()["members"]
    return next(m["activity_periods"] for m in members if m["id"] == member_id)


# --- the done-when of the issue ---------------------------------------------------------------


def test_api_and_admin_logins_appear_in_the_feed_in_the_members_own_zone(
    clock, member, api_client, reader
):
    # The admin lets in staff only, so Egon is an operator while he uses it; the feed lists
    # members, so his periods show there once he is not staff any more.
    type(member).objects.filter(pk=member.pk).update(is_staff=True)
    token = api_login(api_client)  # 16:05 UTC = 9:05AM PDT
    clock.shift(45 * MINUTE)
    assert api_logout(api_client, token).status_code == 204  # 9:50AM

    clock.move_to(START.replace(hour=18, minute=0))  # 11:00AM PDT
    browser = Client(enforce_csrf_checks=True)
    assert admin_login(browser).status_code == 302
    assert browser.get("/admin/").status_code == 200
    clock.shift(30 * MINUTE)
    assert admin_logout(browser).status_code == 200  # 11:30AM
    assert browser.get("/admin/").status_code == 302  # logged out: back to the login page
    type(member).objects.filter(pk=member.pk).update(is_staff=False)

    assert feed_periods(reader, member.pk) == [
        {"start_time": "Jul 1 2026  9:05AM", "end_time": "Jul 1 2026 9:50AM"},
        {"start_time": "Jul 1 2026  11:00AM", "end_time": "Jul 1 2026 11:30AM"},
    ]
    assert periods() == [
        (member.pk, START, START + 45 * MINUTE),
        (member.pk, START.replace(hour=18, minute=0), START.replace(hour=18, minute=30)),
    ]


def test_a_member_logged_in_and_out_through_the_api_is_in_the_legacy_feed(
    clock, member, api_client, reader
):
    token = api_login(api_client)
    clock.shift(21 * MINUTE)
    assert api_logout(api_client, token).status_code == 204

    body = reader.get(FEED).json()
    assert body == {
        "ok": True,
        "members": [
            {
                "id": member.pk,
                "real_name": "Egon Spengler",
                "tz": "America/Los_Angeles",
                "activity_periods": [
                    {"start_time": "Jul 1 2026  9:05AM", "end_time": "Jul 1 2026 9:26AM"}
                ],
            }
        ],
    }


# --- what opens a period ------------------------------------------------------------------


def test_api_login_opens_one_period_for_its_token(clock, member, api_client):
    api_login(api_client)

    token = AuthToken.objects.get()
    period = ActivityPeriod.objects.get()
    assert (period.user_id, period.start_time, period.end_time) == (member.pk, START, None)
    assert (period.token_digest, period.session_key) == (token.digest, "")


def test_registration_opens_a_period(clock, api_client):
    body = {
        "username": "ray",
        "password": "ghostbusters-1984!",
        "email": "ray@example.com",
        "real_name": "Ray Stantz",
        "tz": "America/New_York",
    }
    response = api_client.post(REGISTER, body, format="json")

    assert response.status_code == 201
    assert periods() == [(response.json()["user"]["id"], START, None)]
    assert ActivityPeriod.objects.get().token_digest == AuthToken.objects.get().digest


def test_admin_login_opens_a_period_for_its_session(clock, staff_user):
    browser = Client(enforce_csrf_checks=True)
    assert admin_login(browser, staff_user.username).status_code == 302

    period = ActivityPeriod.objects.get()
    assert (period.user_id, period.start_time, period.end_time) == (staff_user.pk, START, None)
    assert period.session_key == browser.cookies["sessionid"].value
    assert period.token_digest == ""


def test_a_failed_login_records_nothing(clock, member, api_client):
    response = api_client.post(LOGIN, {"username": "egon", "password": "wrong"}, format="json")
    browser = Client(enforce_csrf_checks=True)
    admin_login(browser, password="wrong")

    assert response.status_code == 400
    assert periods() == []


def test_open_periods_are_left_out_of_the_feed_unless_asked_for(clock, member, api_client, reader):
    api_login(api_client)

    assert feed_periods(reader, member.pk) == []
    assert feed_periods(reader, member.pk, "?include_open=true") == [
        {"start_time": "Jul 1 2026  9:05AM", "end_time": None}
    ]
    assert feed_periods(reader, member.pk, "?include_open=true&time_format=iso8601") == [
        {"start_time": "2026-07-01T09:05:00-07:00", "end_time": None}
    ]
    assert feed_periods(reader, member.pk, "?include_open=false") == []


def test_the_lookup_lists_open_periods_when_asked(clock, member, api_client, reader):
    api_login(api_client)

    closed = reader.post(LOOKUP, {"id_list": [member.pk]}, format="json")
    with_open = reader.post(f"{LOOKUP}?include_open=1", {"id_list": [member.pk]}, format="json")

    assert closed.json()["members"][0]["activity_periods"] == []
    assert with_open.json()["members"][0]["activity_periods"] == [
        {"start_time": "Jul 1 2026  9:05AM", "end_time": None}
    ]


# --- what closes it -----------------------------------------------------------------------


def test_two_devices_are_two_periods_each_closed_by_its_own_logout(clock, member, api_client):
    phone = api_login(api_client)
    clock.shift(MINUTE)
    laptop = api_login(api_client)
    clock.shift(MINUTE)

    assert api_logout(api_client, phone).status_code == 204

    assert periods() == [
        (member.pk, START, START + 2 * MINUTE),
        (member.pk, START + MINUTE, None),
    ]
    clock.shift(MINUTE)
    assert api_logout(api_client, laptop).status_code == 204
    assert periods()[1] == (member.pk, START + MINUTE, START + 3 * MINUTE)


def test_an_api_login_and_an_admin_session_of_one_account_are_apart(clock, staff_user, api_client):
    token = api_login(api_client, staff_user.username)
    browser = Client(enforce_csrf_checks=True)
    admin_login(browser, staff_user.username)
    clock.shift(MINUTE)

    admin_logout(browser)

    assert periods() == [(staff_user.pk, START, None), (staff_user.pk, START, START + MINUTE)]
    assert ActivityPeriod.objects.get(end_time=None).token_digest
    assert api_client.get(ME, HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def test_a_logout_in_the_same_microsecond_still_stores_a_valid_period(clock, member, api_client):
    token = api_login(api_client)

    assert api_logout(api_client, token).status_code == 204  # the clock has not moved

    # end_time > start_time is strict in the database: the period ends 1 µs after it starts,
    # and that microsecond survives the round trip (SQLite keeps it in its text form).
    assert periods() == [(member.pk, START, START + dt.timedelta(microseconds=1))]


def test_logout_with_an_expired_token_is_401_and_closes_nothing_at_logout_time(
    clock, member, api_client
):
    token = api_login(api_client)
    other = api_login(api_client)
    expiry = AuthToken.objects.get(token_key=token[:15]).expiry
    clock.move_to(expiry + dt.timedelta(hours=1))
    AuthToken.objects.filter(token_key=other[:15]).update(expiry=expiry + dt.timedelta(days=1))

    response = api_logout(api_client, token)

    assert response.status_code == 401
    assert response.json()["type"] == "client_error"
    # knox removed the expired token while refusing it: its period ended at the expiry, not
    # at this refused logout; the other device is still logged in.
    assert periods() == [(member.pk, START, expiry), (member.pk, START, None)]
    assert api_client.get(ME, HTTP_AUTHORIZATION=f"Token {other}").status_code == 200


def test_a_member_deleted_while_logged_in_takes_the_periods_along(clock, member, api_client):
    token = api_login(api_client)
    browser = Client()
    browser.force_login(member)
    ActivityPeriod.objects.create(user=member, start_time=START - 9 * MINUTE, end_time=START)
    clock.shift(MINUTE)

    deleted = api_client.delete(f"/api/v1/users/{member.pk}/", HTTP_AUTHORIZATION=f"Token {token}")

    assert deleted.status_code == 204
    assert periods() == []
    assert api_logout(api_client, token).status_code == 401
    assert browser.get(ME).status_code in (401, 403)


def test_recording_turned_off_records_nothing(clock, member, api_client, settings):
    settings.ACTIVITY_RECORD_LOGINS = False
    token = api_login(api_client)
    browser = Client()
    browser.force_login(member)

    assert api_logout(api_client, token).status_code == 204
    assert periods() == []


def test_periods_opened_before_recording_was_turned_off_still_close(
    clock, member, api_client, settings
):
    token = api_login(api_client)
    settings.ACTIVITY_RECORD_LOGINS = False
    clock.shift(MINUTE)

    api_logout(api_client, token)

    assert periods() == [(member.pk, START, START + MINUTE)]


# --- expiry and revocation ----------------------------------------------------------------


def test_the_task_closes_an_expired_token_at_its_expiry(clock, member, api_client):
    api_login(api_client)
    expiry = AuthToken.objects.get().expiry
    clock.move_to(expiry + 3 * MINUTE)  # the sweep runs a little after

    assert tasks.periods_close_ended.delay().get() == 1

    assert periods() == [(member.pk, START, expiry)]
    assert tasks.periods_close_ended.delay().get() == 0  # nothing left to close


def test_the_task_leaves_a_live_token_open(clock, member, api_client):
    api_login(api_client)
    clock.shift(dt.timedelta(days=1))

    assert tasks.periods_close_ended.delay().get() == 0
    assert periods() == [(member.pk, START, None)]


def test_the_task_closes_an_expired_session_at_its_expire_date(clock, staff_user):
    browser = Client(enforce_csrf_checks=True)
    admin_login(browser, staff_user.username)
    clock.shift(10 * MINUTE)
    expire_date = START + 5 * MINUTE  # as if SESSION_COOKIE_AGE had been five minutes
    Session.objects.update(expire_date=expire_date)

    assert tasks.periods_close_ended.delay().get() == 1

    assert periods() == [(staff_user.pk, START, expire_date)]
    assert browser.get("/admin/").status_code == 302  # the session is over for Django too


def test_a_token_revoked_in_the_admin_closes_at_that_moment(clock, member, api_client, superuser):
    token = api_login(api_client)
    digest = AuthToken.objects.get().digest
    admin = Client()
    admin.force_login(superuser)
    clock.shift(7 * MINUTE)

    response = admin.post(f"/admin/knox/authtoken/{digest}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert periods(user=member) == [(member.pk, START, START + 7 * MINUTE)]
    assert api_client.get(ME, HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_logout_everywhere_closes_every_token_period_at_that_moment(clock, member, api_client):
    api_login(api_client)
    api_login(api_client)
    clock.shift(MINUTE)

    member.auth_token_set.all().delete()  # what knox's LogoutAllView does

    assert periods() == [(member.pk, START, START + MINUTE)] * 2


def test_a_token_deleted_after_it_expired_closes_at_its_expiry_never_later(
    clock, member, api_client
):
    api_login(api_client)
    token = AuthToken.objects.get()
    clock.move_to(token.expiry + dt.timedelta(days=3))

    token.delete()

    assert periods() == [(member.pk, START, token.expiry)]


def test_clearsessions_closes_an_expired_session_at_its_expire_date(clock, staff_user):
    browser = Client(enforce_csrf_checks=True)
    admin_login(browser, staff_user.username)
    expire_date = Session.objects.get().expire_date
    clock.move_to(expire_date + dt.timedelta(days=1))

    call_command("clearsessions")

    assert periods() == [(staff_user.pk, START, expire_date)]


def test_the_task_closes_a_token_that_vanished_unseen_at_the_sweep(clock, member, api_client):
    api_login(api_client)
    clock.shift(MINUTE)
    AuthToken.objects.all()._raw_delete(AuthToken.objects.db)  # no signal: nobody saw it go

    assert tasks.periods_close_ended.delay().get() == 1
    assert periods() == [(member.pk, START, START + MINUTE)]


# --- the services' edge cases -------------------------------------------------------------


def test_a_close_at_or_before_the_start_ends_one_microsecond_after_it(member):
    opened = services.login_period_open(user_id=member.pk, token_digest="d" * 128, now=START)
    services.login_period_close(token_digest="d" * 128, at=START - MINUTE)

    opened.refresh_from_db()
    assert opened.end_time == START + dt.timedelta(microseconds=1)


def test_a_login_is_not_recorded_twice(member):
    first = services.login_period_open(user_id=member.pk, session_key="s" * 32, now=START)
    again = services.login_period_open(user_id=member.pk, session_key="s" * 32, now=START)

    assert first.pk == again.pk
    assert ActivityPeriod.objects.count() == 1


def test_closing_a_login_without_an_open_period_changes_nothing(member):
    assert services.login_period_close(token_digest="x" * 128) is False
    assert ActivityPeriod.objects.count() == 0


@pytest.mark.parametrize(
    "login", [{}, {"token_digest": "d" * 128, "session_key": "s" * 32}], ids=["none", "both"]
)
def test_a_login_is_one_token_or_one_session(member, login):
    with pytest.raises(services.ActivityError):
        services.login_period_open(user_id=member.pk, now=START, **login)
    assert ActivityPeriod.objects.count() == 0
