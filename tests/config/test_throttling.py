"""Client addresses (core.clients.client_address) and the DRF throttles keyed on them."""

import datetime

import pytest
import time_machine
from django.test import RequestFactory

from config import throttling
from core.clients import client_address
from members.models import User

REGISTER = "/api/v1/auth/register/"


@pytest.mark.parametrize(
    ("num_proxies", "forwarded", "expected"),
    [
        (0, None, "192.0.2.1"),
        (0, "203.0.113.9", "192.0.2.1"),  # no proxy is trusted: the header is the client's say
        (0, "203.0.113.9, 198.51.100.7", "192.0.2.1"),
        (1, None, "192.0.2.1"),
        (1, "", "192.0.2.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "203.0.113.9, 198.51.100.7", "198.51.100.7"),  # the right-most entry, our proxy's
        (2, "203.0.113.9, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (3, "198.51.100.7, 10.0.0.2", "198.51.100.7"),  # fewer entries than proxies
        (1, "203.0.113.9,198.51.100.7 ", "198.51.100.7"),
        (1, "2001:DB8:0:0::1", "2001:db8::1"),
        (1, "203.0.113.9, not-an-address", "192.0.2.1"),  # a broken proxy: fall back
        (1, "203.0.113.9, unknown", "192.0.2.1"),
    ],
)
def test_client_address_trusts_forwarded_for_only_as_far_as_num_proxies(
    settings, num_proxies, forwarded, expected
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": num_proxies}
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", **headers)
    assert client_address(request) == expected


def test_num_proxies_defaults_to_zero():
    from django.conf import settings

    assert settings.NUM_PROXIES == 0
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0


@pytest.mark.parametrize(
    "throttle_class",
    [throttling.AnonRateThrottle, throttling.UserRateThrottle, throttling.ScopedRateThrottle],
)
def test_the_drf_throttles_key_on_client_address(settings, throttle_class):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7"
    )
    assert throttle_class().get_ident(request) == "198.51.100.7" == client_address(request)


def _registration(n: int) -> dict:
    return {
        "username": f"probe{n}",
        "password": "ghostbusters-1984!",
        "email": f"probe{n}@example.com",
        "tz": "Europe/Berlin",
    }


def test_a_new_forwarded_for_per_registration_does_not_escape_twenty_an_hour(db, api_client):
    with time_machine.travel(datetime.datetime(2030, 1, 7, 9, 0, tzinfo=datetime.UTC), tick=False):
        codes = [
            api_client.post(
                REGISTER, _registration(n), HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
            ).status_code
            for n in range(1, 26)
        ]
        refused = api_client.post(REGISTER, _registration(99), REMOTE_ADDR="127.0.0.1")
        other_client = api_client.post(REGISTER, _registration(100), REMOTE_ADDR="192.0.2.50")
    assert codes == [201] * 20 + [429] * 5
    assert User.objects.count() == 21
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 3000  # the window is an hour
    assert refused.json()["errors"][0]["code"] == "throttled"
    assert other_client.status_code == 201
