"""Activity periods recorded from real use: a login opens one, its logout, expiry or revocation
closes it. Through the real doors: the API's login, registration and logout, the admin's
login and logout (a browser's POSTs with CSRF), knox's own token clean-up, the beat task.

Time is frozen with time_machine (tick=False) and moved by hand, so every period's start and
end are known to the microsecond.


Expiry, revocation and the services' edge cases: test_expiry.py.
"""

import datetime as dt

from django.test import Client
from knox.models import AuthToken

from activity.models import ActivityPeriod
from tests.activity.login_periods.doors import (
    FEED,
    LOGIN,
    LOOKUP,
    ME,
    MINUTE,
    REGISTER,
    START,
    admin_login,
    admin_logout,
    api_login,
    api_logout,
    feed_periods,
    periods,
)

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
