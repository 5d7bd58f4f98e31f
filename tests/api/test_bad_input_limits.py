"""Bad input across the whole API, part 2: huge and bad page sizes, expired and revoked
tokens. Every refusal is a 4xx in the family's envelope, and the database is as it was."""

from datetime import timedelta

import pytest
from knox.models import AuthToken

from tests.api.conftest import db_snapshot
from tests.api.endpoints import (
    ALL_AUTHENTICATED,
    DRF,
    PAGINATED,
    SLACK,
    SLACK_LISTS,
    E,
    error_attrs,
    error_codes,
    is_clear_refusal,
    send,
    send_json,
    url,
)

# --- Huge and bad page sizes ----------------------------------------------------------------

BAD_PAGE_SIZES = ["100000", "1001", "0", "abc"]


@pytest.mark.parametrize("size", BAD_PAGE_SIZES)
@pytest.mark.parametrize("endpoint", PAGINATED, ids=str)
def test_a_bad_page_size_is_a_400_naming_it(world, endpoint, size):
    response = send(world, endpoint, query={"page_size": size})
    assert response.status_code == 400
    assert is_clear_refusal(response, DRF)
    assert error_attrs(response) == ["page_size"]
    assert db_snapshot() == world.snapshot


@pytest.mark.parametrize("limit", BAD_PAGE_SIZES)
@pytest.mark.parametrize("endpoint", SLACK_LISTS, ids=str)
def test_a_bad_limit_on_the_slack_style_lists_is_invalid_limit(world, endpoint, limit):
    response = send(world, endpoint, query={"limit": limit})
    assert response.status_code == 400
    assert is_clear_refusal(response, SLACK)
    assert error_codes(response, SLACK) == ["invalid_limit"]
    assert db_snapshot() == world.snapshot


def test_a_huge_limit_in_a_users_list_post_body_is_invalid_limit(world):
    users_list = E("POST", "/api/users.list", "member", SLACK)
    response = send_json(world, users_list, {"limit": 100000})
    assert (response.status_code, error_codes(response, SLACK)) == (400, ["invalid_limit"])
    assert db_snapshot() == world.snapshot


# --- Expired and revoked tokens -------------------------------------------------------------

AUTH_FAILED = {DRF: "authentication_failed", SLACK: "invalid_auth"}
EMPTY_BODY = {"object": "{}", "list": "[]", None: ""}


def _holder(world, endpoint):
    return world.staff if endpoint.who == "staff" else world.user


@pytest.mark.parametrize("endpoint", ALL_AUTHENTICATED, ids=str)
def test_an_expired_token_is_a_401_and_only_that_token_goes(world, endpoint):
    _instance, key = AuthToken.objects.create(
        _holder(world, endpoint), expiry=timedelta(seconds=-1)
    )
    client = world.clients["anon"]
    response = client.generic(
        endpoint.method,
        url(world, endpoint),
        EMPTY_BODY[endpoint.body],
        content_type="application/json",
        headers={"Authorization": f"Token {key}"},
    )
    assert response.status_code == 401
    assert is_clear_refusal(response, endpoint.family)
    assert error_codes(response, endpoint.family) == [AUTH_FAILED[endpoint.family]]
    assert (
        db_snapshot() == world.snapshot
    )  # knox deletes the expired token it was shown, nothing else


@pytest.mark.parametrize("endpoint", ALL_AUTHENTICATED, ids=str)
def test_a_revoked_token_is_a_401_and_changes_nothing(world, endpoint):
    _instance, key = AuthToken.objects.create(_holder(world, endpoint))
    headers = {"Authorization": f"Bearer {key}"}
    client = world.clients["anon"]
    assert client.post("/api/v1/auth/logout/", headers=headers).status_code == 204
    response = client.generic(
        endpoint.method,
        url(world, endpoint),
        EMPTY_BODY[endpoint.body],
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 401
    assert is_clear_refusal(response, endpoint.family)
    assert error_codes(response, endpoint.family) == [AUTH_FAILED[endpoint.family]]
    assert db_snapshot() == world.snapshot
