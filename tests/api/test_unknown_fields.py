"""Every write endpoint refuses a field its body must not carry (issue 14): a valid body plus
one unknown or read-only field is a 400 whose error names that field, and nothing changes.
The Slack-style activity endpoints ignore unknown arguments as Slack does, and the sync
webhook ignores them too (a peer's users may carry more fields than ours)."""

import pytest

from tests.api.bodies import body_base, users_manager
from tests.api.conftest import db_snapshot, sync_payload
from tests.api.endpoints import DRF, WEBHOOK, WRITES, send_json

STRICT_WRITES = [e for e in WRITES if e.family == DRF and e.who != "peer"]

# A field each endpoint's response shows but no client may set.
READ_ONLY_FIELDS = {
    "PATCH /api/v1/auth/me/": ("date_joined", "2000-01-01T00:00:00Z"),
    "PUT /api/v1/users/{user}/": ("id", "W99999999"),
    "PATCH /api/v1/users/{user}/": ("is_staff", True),
    "POST /api/v1/usage-types/": ("id", 999),
    "PUT /api/v1/usage-types/{usage_type}/": ("id", 999),
    "PATCH /api/v1/usage-types/{usage_type}/": ("id", 999),
    "POST /api/v1/usages/": ("co2e_kg", "0"),
    "PUT /api/v1/usages/{usage}/": ("factor", "0.000001"),
    "PATCH /api/v1/usages/{usage}/": ("co2e_kg", "0"),
    "POST /api/items/": ("id", 999),
    "PUT /api/items/{item}/": ("created_at", "2000-01-01T00:00:00Z"),
    "PATCH /api/items/{item}/": ("updated_at", "2000-01-01T00:00:00Z"),
    "POST /api/customers/": ("id", 999),
    "PUT /api/customers/{customer}/": ("created_at", "2000-01-01T00:00:00Z"),
    "PATCH /api/customers/{customer}/": ("id", 999),
}
READ_ONLY_CASES = [e for e in STRICT_WRITES if str(e) in READ_ONLY_FIELDS]


def _with(body, name, value):
    """The body with one more field (in a list body: on its first line)."""
    if isinstance(body, list):
        return [{**body[0], name: value}, *body[1:]], f"0.{name}"
    return {**body, name: value}, name


def _errors(response) -> list[tuple]:
    return [(e["attr"], e["code"]) for e in response.json()["errors"]]


# The login body's password is wrong on purpose (the bad-input tests must not log in).
@pytest.mark.parametrize(
    "endpoint", [e for e in STRICT_WRITES if str(e) != "POST /api/v1/auth/login/"], ids=str
)
def test_the_valid_bodies_are_accepted(world, endpoint):
    response = send_json(world, endpoint, body_base(world, endpoint))
    assert response.status_code < 300, response.json()


@pytest.mark.parametrize("endpoint", STRICT_WRITES, ids=str)
def test_an_unknown_field_is_a_400_naming_it_and_changes_nothing(world, endpoint):
    body, attr = _with(body_base(world, endpoint), "colour", "green")
    response = send_json(world, endpoint, body)
    assert response.status_code == 400
    assert _errors(response) == [(attr, "unknown_field")]
    assert db_snapshot() == world.snapshot


@pytest.mark.parametrize("endpoint", READ_ONLY_CASES, ids=str)
def test_a_read_only_field_is_a_400_naming_it_and_changes_nothing(world, endpoint):
    body, attr = _with(body_base(world, endpoint), *READ_ONLY_FIELDS[str(endpoint)])
    response = send_json(world, endpoint, body)
    assert response.status_code == 400
    assert _errors(response) == [(attr, "read_only")]
    assert db_snapshot() == world.snapshot


@pytest.mark.parametrize("path", ["/api/v1/auth/me/", "/api/v1/users/{user}/"])
def test_a_password_is_refused_where_it_cannot_be_changed(world, path):
    client = world.clients["member"]
    response = client.patch(path.format(**world.ids), {"password": "new-secret-1984!"})
    assert response.status_code == 400
    assert _errors(response) == [("password", "unknown_field")]
    assert "password changes are not made here" in response.json()["errors"][0]["detail"]
    assert db_snapshot() == world.snapshot


def test_every_refused_field_is_its_own_error_next_to_the_others(world):
    response = world.clients["member"].patch(
        "/api/v1/auth/me/", {"tz": "Mars/Base", "id": "W1", "colour": "green"}
    )
    assert response.status_code == 400
    assert sorted(_errors(response)) == [
        ("colour", "unknown_field"),
        ("id", "read_only"),
        ("tz", "invalid_time_zone"),
    ]


# Slack ignores arguments it does not know, and a peer's users may carry fields ours lack
# (the field map renames, it does not filter): these keep accepting extra fields.
LENIENT_WRITES = [e for e in WRITES if e.family != DRF or e.who == "peer"]


@pytest.mark.parametrize("endpoint", LENIENT_WRITES, ids=str)
def test_the_slack_style_endpoints_and_the_webhook_ignore_unknown_fields(world, endpoint):
    response = send_json(world, endpoint, {**body_base(world, endpoint), "colour": "green"})
    assert response.status_code < 300, response.content


def test_the_webhook_ignores_a_peer_s_extra_user_fields(world):
    endpoint = next(e for e in WRITES if str(e) == WEBHOOK)
    response = send_json(world, endpoint, sync_payload(nickname="pm", is_staff=True))
    assert response.status_code < 300, response.content
    assert users_manager(world).get(pk="W0BADIN01").is_staff is False
