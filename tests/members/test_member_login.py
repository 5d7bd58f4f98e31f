"""The members' own login page (/accounts/login/) and logout (/accounts/logout/), through
Django's test client as a browser would use them: the /carbon/ page's redirect, the login
limits shared with the API and the admin, safe `next`, POST logout with CSRF, and the
activity period the login opens and the logout closes."""

import re

import pytest
from django.test import Client

from activity.models import ActivityPeriod
from carbon import demo as carbon_demo
from members import demo as members_demo
from tests.members.factories import TEST_PASSWORD, UserFactory

LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"
API_LOGIN = "/api/v1/auth/login/"
PAGE = "/carbon/"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
GENERATED = re.compile(r'login demo member "([^"]+)" created; generated password [^:]*: (\S+)')


@pytest.fixture
def member(db):
    return UserFactory(username="egon", real_name="Egon Spengler", tz="Europe/Berlin")


def login(client, username="egon", password=TEST_PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_carbon_page_sends_anonymous_visitors_to_the_member_login(client, db):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/carbon/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert 'name="next" value="/carbon/"' in html
    assert "<script" not in html


def test_demo_member_logs_in_sees_their_year_and_logs_out_with_one_closed_period(db):
    username, password = GENERATED.search(members_demo.seed()).groups()
    assert "password" not in members_demo.login_member_seed().replace("password not shown", "")
    carbon_demo.seed()
    member = members_demo.login_member()
    assert member.username == username == "demo"
    ActivityPeriod.objects.filter(user=member).delete()

    client = Client(enforce_csrf_checks=True)
    form = client.get(LOGIN + "?next=/carbon/").content.decode()
    response = client.post(
        LOGIN,
        {
            "username": username,
            "password": password,
            "next": "/carbon/",
            "csrfmiddlewaretoken": CSRF_INPUT.search(form).group(1),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/carbon/"
    html = client.get(PAGE).content.decode()
    assert "Signed in as Demo Member" in html
    assert html.count('class="bar"') >= 11  # 11 just after midnight on the 1st (carbon.demo)
    assert 'action="/accounts/logout/"' in html
    assert ActivityPeriod.objects.filter(user=member, end_time__isnull=True).count() == 1

    response = client.post(LOGOUT, {"csrfmiddlewaretoken": CSRF_INPUT.search(html).group(1)})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert client.get(PAGE)["Location"] == "/accounts/login/?next=/carbon/"
    periods = ActivityPeriod.objects.filter(user=member)
    assert periods.count() == 1
    assert periods.get().end_time is not None


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "https:/\\evil.example", "/\\evil"]
)
def test_next_off_site_is_not_followed(client, member, next_url):
    response = login(client, next=next_url)
    assert response.status_code == 302
    assert response["Location"] == PAGE


def test_next_on_site_is_followed(client, member):
    assert login(client, next="/api/docs/")["Location"] == "/api/docs/"


def test_wrong_password_shows_the_form_again(client, member):
    response = login(client, password="not-the-password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_inactive_member_cannot_log_in(client, db):
    UserFactory(username="gone", is_active=False)
    response = login(client, username="gone")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get(PAGE).status_code == 302


def test_signed_in_member_visiting_the_login_goes_to_the_page(client, member):
    client.force_login(member)
    assert client.get(LOGIN)["Location"] == PAGE


def test_logout_is_post_only_and_needs_csrf(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.get(LOGOUT).status_code == 405
    assert client.post(LOGOUT).status_code == 403
    assert client.get(PAGE).status_code == 200


def test_login_limit_answers_429_and_is_shared_with_the_api(client, member, settings):
    settings.LOGIN_LOCKOUT_THRESHOLD = 3
    settings.LOGIN_ADDRESS_RATE = "1000/min"
    for _ in range(3):
        assert login(client, password="wrong-guess").status_code == 200
    refused = login(client)  # even the right password, while locked
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "Too many login attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    api = client.post(API_LOGIN, {"username": "egon", "password": TEST_PASSWORD})
    assert api.status_code == 429


def test_address_limit_applies_to_the_member_login(client, member, settings):
    settings.LOGIN_ADDRESS_RATE = "2/min"
    assert login(client, password="wrong-guess").status_code == 200
    assert client.post(API_LOGIN, {"username": "x", "password": "y"}).status_code == 400
    assert login(client).status_code == 429
