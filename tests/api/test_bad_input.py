"""Bad input across the whole API: malformed JSON, wrong JSON types, wrong content types,
oversized bodies, huge page sizes, injection strings in bodies and query strings, expired and
revoked tokens. Every refusal is a 4xx (never a 5xx) in the endpoint family's error envelope,
and the database is exactly as it was (every row of every project table). Injection strings
that are legitimate text are stored verbatim and rendered escaped instead."""

import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken
from pypdf import PdfReader

from tests.api.bodies import BODY_FIELDS, STRICT, BodyField, body_with, stored_value
from tests.api.conftest import db_snapshot, sync_payload
from tests.api.endpoints import (
    BODYLESS_WRITES,
    DRF,
    PAGINATED,
    READS,
    SLACK,
    SLACK_LISTS,
    WRITES,
    E,
    error_attrs,
    error_codes,
    is_clear_refusal,
    send,
    send_json,
    url,
)
from tests.members.factories import UserFactory

INJECTIONS = {
    "sql": "'; DROP TABLE members_user; --",
    "html": "<script>alert(1)</script>",
    "path": "../../etc/passwd",
    "nul": "nul\x00byte",
    "long": "x" * 10_000,
}

ALL_AUTHENTICATED = [e for e in WRITES + BODYLESS_WRITES + READS if e.who != "peer"]
WEBHOOK = "POST /api/v1/sync/users/"


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


# --- Injection strings in query parameters ---------------------------------------------------

# kind "search": free-text search, any string is a valid query → 200 and nothing matches.
# kind "text": a filter on a text column → 200 and nothing matches; NUL (which no stored text
#   contains and PostgreSQL cannot even compare) → 400.
# kind "typed": an id, date, choice, zone or ordering field → 400.
QUERY_PARAMS = [
    ("GET /api/v1/users/", "search", "search"),
    ("GET /api/v1/users/", "ordering", "typed"),
    ("GET /api/v1/usage-types/", "search", "search"),
    ("GET /api/v1/usage-types/", "ordering", "typed"),
    ("GET /api/v1/usages/", "usage_type", "typed"),
    ("GET /api/v1/usages/", "user", "typed"),
    ("GET /api/v1/usages/", "usage_at_after", "typed"),
    ("GET /api/v1/usages/", "usage_at_before", "typed"),
    ("GET /api/v1/usages/", "ordering", "typed"),
    ("GET /api/v1/users/{user}/usages/", "usage_type", "typed"),
    ("GET /api/v1/users/{user}/usages/", "ordering", "typed"),
    ("GET /api/v1/usages/summary/", "group_by", "typed"),
    ("GET /api/v1/usages/summary/", "tz", "typed"),
    ("GET /api/v1/usages/summary/", "usage_type", "typed"),
    ("GET /api/v1/usages/summary/", "user", "typed"),
    ("GET /api/v1/usages/summary/", "usage_at_after", "typed"),
    ("GET /api/v1/usages/summary.svg", "tz", "typed"),
    ("GET /api/v1/usages/summary.svg", "group_by", "typed"),
    ("GET /api/items/", "search", "search"),
    ("GET /api/items/", "low_stock", "typed"),
    ("GET /api/items/", "expiring_within_days", "typed"),
    ("GET /api/items/", "ordering", "typed"),
    ("GET /api/customers/", "search", "search"),
    ("GET /api/customers/", "ordering", "typed"),
    ("GET /api/invoices/", "search", "search"),
    ("GET /api/invoices/", "customer", "typed"),
    ("GET /api/invoices/", "status", "typed"),
    ("GET /api/invoices/", "created_after", "typed"),
    ("GET /api/v1/random/users/", "search", "search"),
    ("GET /api/v1/random/users/", "gender", "text"),
    ("GET /api/v1/random/users/", "subscription_plan", "text"),
    ("GET /api/v1/random/users/", "ordering", "typed"),
    ("GET /api/v1/random/addresses/", "search", "search"),
    ("GET /api/v1/random/addresses/", "city", "text"),
    ("GET /api/v1/random/addresses/", "country_code", "text"),
    ("GET /api/v1/random/addresses/", "user", "typed"),
    ("GET /api/v1/random/addresses/", "assigned", "typed"),
    ("GET /api/v1/random/addresses/", "link_method", "typed"),
    ("GET /api/v1/random/credit-cards/", "search", "search"),
    ("GET /api/v1/random/credit-cards/", "brand", "text"),
    ("GET /api/v1/random/credit-cards/", "last4", "text"),
    ("GET /api/v1/random/credit-cards/", "expires_before", "typed"),
    ("GET /api/v1/random/runs/", "search", "search"),
    ("GET /api/v1/random/runs/", "kind", "typed"),
    ("GET /api/v1/random/runs/", "started_after", "typed"),
    ("GET /activity_record/members/", "time_format", "typed"),
    ("GET /activity_record/members/", "cursor", "typed"),
    ("GET /api/users.list", "cursor", "typed"),
]
READ_BY_NAME = {str(e): e for e in READS}
# For an id, date, choice or ordering parameter the quote, markup and path strings all take the
# same validation path; NUL and very long values are the ones that reach different code.
TYPED_INJECTIONS = {k: INJECTIONS[k] for k in ("sql", "nul", "long")}
INJECTIONS_BY_KIND = {"search": INJECTIONS, "text": INJECTIONS, "typed": TYPED_INJECTIONS}


def _query_expectation(kind: str, value: str) -> int:
    refused = kind == "typed" or (kind == "text" and "\x00" in value)
    return 400 if refused else 200


QUERY_CASES = [
    pytest.param(
        READ_BY_NAME[name],
        param,
        value,
        _query_expectation(kind, value),
        id=f"{name}-{param}-{label}",
    )
    for name, param, kind in QUERY_PARAMS
    for label, value in INJECTIONS_BY_KIND[kind].items()
]


@pytest.mark.parametrize(("endpoint", "param", "value", "expected"), QUERY_CASES)
def test_injection_strings_in_query_parameters(world, endpoint, param, value, expected):
    response = send(world, endpoint, query={param: value})
    assert response.status_code == expected
    assert {
        400: lambda: is_clear_refusal(response, endpoint.family),
        200: lambda: _no_match(response),
    }[expected]()
    assert db_snapshot() == world.snapshot


def _no_match(response) -> bool:
    return response.json()["count"] == 0


DETAIL_PATHS = [
    "/api/v1/users/{}/",
    "/api/v1/users/{}/usages/",
    "/api/v1/usages/{}/",
    "/api/items/{}/",
    "/api/invoices/{}/pdf/",
    "/api/v1/random/users/{}/",
]
PATH_CASES = [
    pytest.param(path, value, id=f"{path}-{label}")
    for path in DETAIL_PATHS
    for label, value in INJECTIONS.items()
]


@pytest.mark.parametrize(("path", "value"), PATH_CASES)
def test_injection_strings_in_the_path_are_404(world, path, value):
    from urllib.parse import quote

    response = world.clients["staff"].get(path.format(quote(value, safe="")))
    assert response.status_code == 404
    assert db_snapshot() == world.snapshot


# --- Injection strings in request bodies ----------------------------------------------------


def _legitimate(body_field: BodyField, value: str) -> bool:
    """Free text within its length and without NUL is a legitimate value, stored verbatim."""
    return (
        body_field.max_length is not STRICT
        and "\x00" not in value
        and (body_field.max_length is None or len(value) <= body_field.max_length)
    )


BODY_CASES = [
    pytest.param(
        body_field,
        value,
        id=f"{body_field}-{label}",
    )
    for body_field in BODY_FIELDS
    for label, value in INJECTIONS.items()
    if not _legitimate(body_field, value)
]
STORED_CASES = [
    pytest.param(body_field, value, id=f"{body_field}-{label}")
    for body_field in BODY_FIELDS
    for label, value in INJECTIONS.items()
    if _legitimate(body_field, value)
]


@pytest.mark.parametrize(("body_field", "value"), BODY_CASES)
def test_injection_strings_in_strict_or_bounded_fields_are_refused(world, body_field, value):
    endpoint = body_field.endpoint
    response = send_json(world, endpoint, body_with(world, body_field, value))
    assert is_clear_refusal(response, endpoint.family), (response.status_code, response.content)
    assert db_snapshot() == world.snapshot


@pytest.mark.parametrize(("body_field", "value"), STORED_CASES)
def test_injection_strings_in_free_text_are_stored_verbatim(world, body_field, value):
    response = send_json(world, body_field.endpoint, body_with(world, body_field, value))
    assert response.status_code in (200, 201), response.content
    assert stored_value(world, body_field, response) == value


# --- Legitimate markup and quotes: stored verbatim, rendered escaped -------------------------

HTML = INJECTIONS["html"]
ESCAPED_HTML = "&lt;script&gt;alert(1)&lt;/script&gt;"
SQL = INJECTIONS["sql"]


def _usage_of_a_markup_type(world) -> dict:
    """Through the API: staff create a usage type named with markup, the member logs a usage."""
    staff, member = world.clients["staff"], world.clients["member"]
    usage_type = staff.post(
        "/api/v1/usage-types/", {"name": HTML, "unit": SQL[:20], "factor": "1.5"}, format="json"
    ).json()
    usage_at = (timezone.now() - timedelta(days=3)).isoformat()
    usage = member.post(
        "/api/v1/usages/",
        {"usage_type": usage_type["id"], "usage_at": usage_at, "amount": "2"},
        format="json",
    )
    assert usage.status_code == 201
    return usage_type


def test_markup_in_a_usage_type_name_is_escaped_in_the_svg_chart(world):
    usage_type = _usage_of_a_markup_type(world)
    member = world.clients["member"]
    summary = member.get("/api/v1/usages/summary/", {"group_by": "usage_type"}).json()
    svg = member.get("/api/v1/usages/summary.svg", {"group_by": "usage_type"})
    assert usage_type["name"] == HTML
    assert HTML in [bucket["usage_type"]["name"] for bucket in summary["buckets"]]
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert ESCAPED_HTML in svg.content.decode()
    assert "<script" not in svg.content.decode()


def test_markup_in_names_is_escaped_on_the_carbon_page(world, client):
    _usage_of_a_markup_type(world)
    patched = world.clients["member"].patch("/api/v1/auth/me/", {"real_name": HTML}, format="json")
    client.force_login(world.user)
    page = client.get("/carbon/").content.decode()
    assert patched.json()["real_name"] == HTML
    assert page.count(ESCAPED_HTML) >= 2  # the member's name and the usage type's
    assert "<script" not in page
    assert "&#x27;; DROP TABLE" in page  # the unit, quote escaped


def test_markup_and_quotes_print_verbatim_on_the_invoice_pdf(world):
    staff = world.clients["staff"]
    customer = staff.post(
        "/api/customers/",
        {"name": HTML, "phone": "+91 98765 43210", "address": SQL},
        format="json",
    ).json()
    item = staff.post(
        "/api/items/",
        {"name": "../../etc/passwd", "description": "<b>bold?</b>", "price": "1.00", "quantity": 5},
        format="json",
    ).json()
    invoice = staff.post(
        f"/api/customer-purchase/{customer['id']}",
        [{"item": item["id"], "quantity": 1}],
        format="json",
    ).json()
    pdf = staff.get(f"/api/invoices/{invoice['id']}/pdf/")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    printed = "".join(text.split())  # table cells wrap long words; compare without whitespace
    assert (customer["name"], customer["address"]) == (HTML, SQL)
    assert pdf["Content-Type"] == "application/pdf"
    assert [
        "".join(value.split()) in printed
        for value in (HTML, SQL, "../../etc/passwd", "<b>bold?</b>")
    ] == [True, True, True, True]


def test_markup_is_escaped_in_the_admin(world, client):
    staff = world.clients["staff"]
    customer = staff.post(
        "/api/customers/", {"name": HTML, "phone": "+91 98765 43210", "address": SQL}, format="json"
    ).json()
    world.clients["member"].patch("/api/v1/auth/me/", {"real_name": HTML}, format="json")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    pages = [
        client.get("/admin/inventory/customer/").content.decode(),
        client.get(f"/admin/inventory/customer/{customer['id']}/change/").content.decode(),
        client.get(f"/admin/members/user/{world.user.pk}/change/").content.decode(),
    ]
    assert [ESCAPED_HTML in page for page in pages] == [True, True, True]
    assert ["<script>alert(1)" in page for page in pages] == [False, False, False]


def test_markup_in_a_member_name_is_returned_verbatim_as_json_by_the_feed(world):
    world.clients["member"].patch("/api/v1/auth/me/", {"real_name": HTML}, format="json")
    feed = world.clients["member"].get("/activity_record/members/")
    names = {member["id"]: member["real_name"] for member in feed.json()["members"]}
    assert feed["Content-Type"] == "application/json"
    assert names[world.user.pk] == HTML


def test_every_test_starts_from_the_same_database(world):
    """The module-wide world is rolled back around each test: the snapshot the refusal tests
    compare against is the state every request actually met."""
    assert db_snapshot() == world.snapshot
