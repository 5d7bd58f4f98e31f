"""Login limits (members.login_limits) through both doors: the API login and the admin login.

Each test runs twice: on the suite's in-memory cache and on the database cache that production
uses by default (its table made by core's migration in the test database). Time is moved with
time_machine, frozen otherwise, so sliding windows never slide under a test.
"""

import datetime

import pytest
import time_machine

from members import login_limits
from tests.members.factories import TEST_PASSWORD, UserFactory

LOGIN = "/api/v1/auth/login/"
ADMIN_LOGIN = "/admin/login/"
START = datetime.datetime(2030, 1, 7, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(params=["locmem", "database"])
def limits_cache(request, settings, db):
    """The cache the limits count in: the suite's default, or the production default."""
    if request.param == "database":
        settings.CACHES = {**settings.CACHES, "default": settings.CACHES["database"]}
    return request.param


@pytest.fixture
def clock(limits_cache):
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def api_login(client, username, password, *, addr="192.0.2.1", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=addr, **headers
    )


def admin_login(client, username, password, *, addr="192.0.2.1"):
    return client.post(
        ADMIN_LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=addr,
    )


def test_a_new_forwarded_for_per_guess_does_not_escape_the_address_limit(
    api_client, clock, settings
):
    # The probe's exact requests. Only the address limit is in play here.
    settings.LOGIN_LOCKOUT_THRESHOLD = 1000
    UserFactory(username="admin")
    codes = [
        api_login(
            api_client, "admin", f"guess-{n}", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        ).status_code
        for n in range(1, 21)
    ]
    assert codes == [400] * 5 + [429] * 15
    refused = api_login(api_client, "admin", TEST_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert refused.json()["errors"][0]["code"] == "throttled"
    # The header was never the identity: another socket address is another client.
    assert api_login(api_client, "admin", TEST_PASSWORD, addr="192.0.2.2").status_code == 200


def test_behind_one_trusted_proxy_the_right_most_forwarded_entry_is_the_client(
    api_client, clock, settings
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.LOGIN_LOCKOUT_THRESHOLD = 1000
    UserFactory(username="admin")
    # Everything left of the proxy's entry is the client's own say, and changes every time.
    codes = [
        api_login(
            api_client,
            "admin",
            f"guess-{n}",
            addr="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7",
        ).status_code
        for n in range(6)
    ]
    assert codes == [400] * 5 + [429]
    # Same proxy (REMOTE_ADDR), another client behind it.
    other = api_login(
        api_client, "admin", TEST_PASSWORD, addr="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert other.status_code == 200


def test_the_address_limit_counts_every_username_and_right_passwords_too(
    api_client, clock, settings
):
    UserFactory(username="ray")
    codes = [api_login(api_client, f"user-{n}", "guess").status_code for n in range(4)]
    codes.append(api_login(api_client, "ray", TEST_PASSWORD).status_code)
    codes.append(api_login(api_client, "ray", TEST_PASSWORD).status_code)
    assert codes == [400] * 4 + [200, 429]
    clock.shift(60)
    assert api_login(api_client, "ray", TEST_PASSWORD).status_code == 200


def test_guesses_spread_over_addresses_lock_the_username_and_the_lock_grows(api_client, clock):
    UserFactory(username="admin")
    addresses = (f"192.0.2.{n}" for n in range(1, 200))
    codes = [
        api_login(api_client, "admin", f"guess-{n}", addr=next(addresses)).status_code
        for n in range(5)
    ]
    assert codes == [400] * 5

    for lock in (60, 120, 240):
        refused = [
            api_login(api_client, "admin", TEST_PASSWORD, addr=next(addresses)) for _ in range(3)
        ]
        assert [r.status_code for r in refused] == [429] * 3  # even the right password
        assert refused[0]["Retry-After"] == str(lock)
        assert refused[0].json()["type"] == "client_error"
        clock.shift(lock - 1)
        assert api_login(api_client, "admin", TEST_PASSWORD, addr=next(addresses)).status_code == (
            429
        )
        clock.shift(1)  # refused attempts did not extend the lock
        # One more failure once the lock ends locks again, for twice as long.
        assert api_login(api_client, "admin", "guess-again", addr=next(addresses)).status_code == (
            400
        )

    clock.shift(480)
    assert api_login(api_client, "admin", TEST_PASSWORD, addr=next(addresses)).status_code == 200
    # The success cleared the count: the full threshold again before the next lock.
    codes = [
        api_login(api_client, "admin", f"guess-{n}", addr=next(addresses)).status_code
        for n in range(6)
    ]
    assert codes == [400] * 5 + [429]


def test_spellings_of_one_username_share_its_counter(api_client, clock):
    UserFactory(username="admin")
    spellings = ["Admin", "ADMIN", "\uff41\uff44\uff4d\uff49\uff4e", " admin", "aDmIn"]
    codes = [
        api_login(api_client, name, "guess", addr=f"192.0.2.{n}").status_code
        for n, name in enumerate(spellings, start=1)
    ]
    assert codes == [400] * 5
    assert api_login(api_client, "admin", TEST_PASSWORD, addr="192.0.2.50").status_code == 429


def test_an_unknown_username_is_locked_like_a_real_one(api_client, clock):
    codes = [
        api_login(api_client, "nobody", "guess", addr=f"192.0.2.{n}").status_code for n in range(6)
    ]
    assert codes == [400] * 5 + [429]  # no hint whether the account exists


def test_admin_login_locks_after_the_threshold_even_for_the_right_password(client, clock):
    UserFactory(username="operator", is_staff=True)
    wrong = [admin_login(client, "operator", f"guess-{n}", addr=f"192.0.2.{n}") for n in range(5)]
    assert [r.status_code for r in wrong] == [200] * 5  # the form again, with its error
    refused = admin_login(client, "operator", TEST_PASSWORD, addr="192.0.2.77")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Too many login attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    clock.shift(60)
    signed_in = admin_login(client, "operator", TEST_PASSWORD, addr="192.0.2.77")
    assert (signed_in.status_code, signed_in["Location"]) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200


def test_admin_login_is_limited_per_address(client, clock):
    UserFactory(username="operator", is_staff=True)
    codes = [admin_login(client, f"user-{n}", "guess").status_code for n in range(5)]
    assert codes == [200] * 5
    refused = admin_login(client, "operator", TEST_PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    assert admin_login(client, "operator", TEST_PASSWORD, addr="192.0.2.9").status_code == 302


def test_the_api_and_the_admin_share_one_count_per_username(api_client, client, clock):
    UserFactory(username="operator", is_staff=True)
    for n in range(3):
        assert api_login(api_client, "operator", "guess", addr=f"192.0.2.{n}").status_code == 400
    for n in range(3, 5):
        assert admin_login(client, "operator", "guess", addr=f"192.0.2.{n}").status_code == 200
    assert admin_login(client, "operator", TEST_PASSWORD, addr="192.0.2.20").status_code == 429
    assert api_login(api_client, "operator", TEST_PASSWORD, addr="192.0.2.21").status_code == 429


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (4, 0), (5, 60), (6, 120), (7, 240), (8, 480), (9, 900), (10, 900), (10**6, 900)],
)
def test_lockout_doubles_from_the_threshold_up_to_the_cap(failures, seconds):
    assert login_limits.lockout_seconds(failures) == seconds


@pytest.mark.parametrize(
    "spelling", ["admin", "Admin", "ADMIN", " admin ", "\uff21\uff44\uff4d\uff49\uff4e"]
)
def test_username_normalize_folds_case_and_width(spelling):
    assert login_limits.username_normalize(spelling) == "admin"


def test_on_the_database_cache_the_counts_are_rows_every_process_sees(api_client, settings, db):
    from django.db import connection

    settings.CACHES = {**settings.CACHES, "default": settings.CACHES["database"]}
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_cache")
        before = cursor.fetchone()[0]
        assert api_login(api_client, "nobody", "guess").status_code == 400
        cursor.execute("SELECT COUNT(*) FROM django_cache")
        assert cursor.fetchone()[0] > before
