"""Bad input across the whole API, part 1: malformed JSON, wrong JSON types, wrong content
types, oversized bodies. Every refusal is a 4xx (never a 5xx) in the endpoint family's error
envelope, and the database is exactly as it was (every row of every project table). Parts 2
and 3: test_bad_input_limits.py (page sizes, tokens), test_injections.py; text and dates:
test_bad_text.py."""

import json

import pytest

from tests.api.conftest import db_snapshot, sync_payload
from tests.api.endpoints import (
    BODYLESS_WRITES,
    DRF,
    READS,
    SLACK,
    WEBHOOK,
    WRITES,
    E,
    error_attrs,
    error_codes,
    is_clear_refusal,
    send,
)

# --- Malformed JSON, wrong JSON types, wrong content types -----------------------------------

MALFORMED = ['{"name": ', "{'single': 'quotes'}", "[1, 2,"]
PARSE_ERROR = {DRF: "parse_error", SLACK: "invalid_json"}


@pytest.mark.parametrize("raw", MALFORMED)
@pytest.mark.parametrize("endpoint", WRITES, ids=str)
def test_malformed_json_is_a_400_and_changes_nothing(world, endpoint, raw):
    response = send(world, endpoint, raw)
    assert response.status_code == 400
    assert is_clear_refusal(response, endpoint.family)
    assert error_codes(response, endpoint.family) == [PARSE_ERROR[endpoint.family]]
    assert db_snapshot() == world.snapshot


WRONG_TYPES = {
    "object": ['[{"id": 1}]', '"a string"', "null"],
    "list": ['{"item": 1, "quantity": 1}', "42", "null"],
}
WRONG_TYPE_CASES = [
    pytest.param(endpoint, raw, id=f"{endpoint}-{raw}")
    for endpoint in WRITES
    for raw in WRONG_TYPES[endpoint.body]
]


@pytest.mark.parametrize(("endpoint", "raw"), WRONG_TYPE_CASES)
def test_json_of_the_wrong_type_is_a_400_and_changes_nothing(world, endpoint, raw):
    response = send(world, endpoint, raw)
    assert response.status_code == 400
    assert is_clear_refusal(response, endpoint.family)
    assert db_snapshot() == world.snapshot


WRONG_CONTENT = [
    ("text/plain", '{"name": "looks like json"}'),
    ("application/xml", "<user><name>x</name></user>"),
]
# The webhook reads the signed bytes itself whatever the content type: a non-JSON body is
# a parse error there, not a 415.
WRONG_CONTENT_EXPECTED = {
    DRF: (415, "unsupported_media_type"),
    SLACK: (415, "unsupported_media_type"),
}
WRONG_CONTENT_CASES = [
    pytest.param(
        endpoint,
        content_type,
        raw,
        (400, "parse_error")
        if str(endpoint) == WEBHOOK
        else WRONG_CONTENT_EXPECTED[endpoint.family],
        id=f"{endpoint}-{content_type}",
    )
    for endpoint in WRITES
    for content_type, raw in WRONG_CONTENT
    if not (str(endpoint) == WEBHOOK and content_type == "text/plain")
]


@pytest.mark.parametrize(("endpoint", "content_type", "raw", "expected"), WRONG_CONTENT_CASES)
def test_a_wrong_content_type_is_refused_and_changes_nothing(
    world, endpoint, content_type, raw, expected
):
    response = send(world, endpoint, raw, content_type=content_type)
    assert (response.status_code, error_codes(response, endpoint.family)) == (
        expected[0],
        [expected[1]],
    )
    assert is_clear_refusal(response, endpoint.family)
    assert db_snapshot() == world.snapshot


DEEP_JSON = "[" * 10_000 + "]" * 10_000


@pytest.mark.parametrize("endpoint", WRITES, ids=str)
def test_deeply_nested_json_is_a_400_and_changes_nothing(world, endpoint):
    response = send(world, endpoint, DEEP_JSON)
    assert response.status_code == 400
    assert is_clear_refusal(response, endpoint.family)
    assert error_codes(response, endpoint.family) == [PARSE_ERROR[endpoint.family]]
    assert db_snapshot() == world.snapshot


@pytest.mark.parametrize("endpoint", WRITES, ids=str)
def test_a_number_too_long_to_convert_is_a_400_and_changes_nothing(world, endpoint):
    response = send(world, endpoint, '{"n": ' + "1" * 5_000 + "}")
    assert response.status_code == 400
    assert is_clear_refusal(response, endpoint.family)
    assert error_codes(response, endpoint.family) == [PARSE_ERROR[endpoint.family]]
    assert db_snapshot() == world.snapshot


@pytest.mark.parametrize("endpoint", [e for e in WRITES if e.who != "peer"], ids=str)
def test_a_body_that_is_not_utf8_is_a_400_and_changes_nothing(world, endpoint):
    response = send(world, endpoint, b'\xff\xfe{"name": "x"}')
    assert response.status_code == 400
    assert is_clear_refusal(response, endpoint.family)
    assert error_codes(response, endpoint.family) == [PARSE_ERROR[endpoint.family]]
    assert db_snapshot() == world.snapshot


# Endpoints that take JSON only refuse a form outright; the others refuse Django's
# DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) overflow as a 400, and the webhook cannot parse it.
JSON_ONLY = {
    "POST /api/v1/users/bulk-delete/",
    "POST /api/v1/usages/bulk-delete/",
    "POST /api/loguseractivity/",
}
MANY_FIELDS_CASES = [
    pytest.param(
        endpoint,
        415 if str(endpoint) in JSON_ONLY else 400,
        id=str(endpoint),
    )
    for endpoint in WRITES
]


@pytest.mark.parametrize(("endpoint", "expected"), MANY_FIELDS_CASES)
def test_a_form_with_too_many_fields_is_refused_and_changes_nothing(world, endpoint, expected):
    form = "&".join(f"field{i}=1" for i in range(1_500))
    response = send(world, endpoint, form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == expected
    assert is_clear_refusal(response, endpoint.family)
    assert db_snapshot() == world.snapshot


@pytest.mark.parametrize("endpoint", READS, ids=str)
def test_a_query_string_with_too_many_parameters_is_a_400(world, endpoint):
    response = send(world, endpoint, query={f"p{i}": "1" for i in range(1_500)})
    assert response.status_code == 400
    assert is_clear_refusal(response, endpoint.family)
    assert db_snapshot() == world.snapshot


def test_the_webhook_takes_signed_json_whatever_the_content_type_says(world):
    """Standard Webhooks verify the exact bytes; a signed JSON body sent as text/plain is
    still that JSON (senders differ in the header they set). Documented here, not refused."""
    webhook = E("POST", "/api/v1/sync/users/", "peer")
    response = send(world, webhook, json.dumps(sync_payload()), content_type="text/plain")
    assert response.status_code == 200
    assert response.json() == {"status": "applied"}


# --- Oversized bodies -----------------------------------------------------------------------

SMALL_LIMIT = 1024


def _oversized(endpoint) -> str:
    filler = "x" * (2 * SMALL_LIMIT)
    return json.dumps(
        [{"item": 1, "quantity": 1, "pad": filler}] if endpoint.body == "list" else {"name": filler}
    )


@pytest.mark.parametrize("endpoint", WRITES + BODYLESS_WRITES, ids=str)
def test_a_body_over_the_limit_is_a_413_before_anything_runs(world, settings, endpoint):
    settings.MAX_REQUEST_BODY_BYTES = SMALL_LIMIT
    response = send(world, endpoint, _oversized(endpoint))
    assert response.status_code == 413
    body = response.json()
    assert body["type"] == "client_error"
    assert [e["code"] for e in body["errors"]] == ["request_too_large"]
    assert f"limit is {SMALL_LIMIT}" in body["errors"][0]["detail"]
    assert db_snapshot() == world.snapshot


def test_the_default_limit_is_one_mebibyte(world, settings):
    register = E("POST", "/api/v1/auth/register/", "anon")
    response = send(
        world, register, json.dumps({"username": "x" * settings.MAX_REQUEST_BODY_BYTES})
    )
    assert settings.MAX_REQUEST_BODY_BYTES == 1_048_576
    assert (response.status_code, response.json()["errors"][0]["code"]) == (
        413,
        "request_too_large",
    )
    assert db_snapshot() == world.snapshot


def test_a_body_exactly_at_the_limit_is_parsed_as_usual(world, settings):
    settings.MAX_REQUEST_BODY_BYTES = SMALL_LIMIT
    login = E("POST", "/api/v1/auth/login/", "anon")
    raw = json.dumps({"username": "nobody", "password": ""})
    raw = raw[:-1] + " " * (SMALL_LIMIT - len(raw)) + "}"
    response = send(world, login, raw)
    assert len(raw) == SMALL_LIMIT
    assert response.status_code == 400
    assert error_attrs(response) == ["password"]
