"""The doors the login-period tests go through: paths, API and admin logins and logouts."""

import datetime as dt
import re

from django.test import Client

from activity.models import ActivityPeriod
from tests.members.factories import TEST_PASSWORD

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
