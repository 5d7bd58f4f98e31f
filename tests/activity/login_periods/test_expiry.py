"""Login periods closed by expiry and revocation (the beat task, knox's clean-up, the admin,
clearsessions), and the login-period services' edge cases. The doors: test_doors.py.
"""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from knox.models import AuthToken

from activity import services, tasks
from activity.models import ActivityPeriod
from tests.activity.login_periods.doors import (
    ME,
    MINUTE,
    START,
    admin_login,
    api_login,
    periods,
)

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
