"""Bad input across the whole API, part 3: injection strings in query strings, paths and
bodies. Strict fields refuse them; free text stores them verbatim and renders them escaped."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests.api.bodies import BODY_FIELDS, STRICT, BodyField, body_with, stored_value
from tests.api.conftest import db_snapshot
from tests.api.endpoints import (
    READS,
    is_clear_refusal,
    send,
    send_json,
)
from tests.members.factories import UserFactory

INJECTIONS = {
    "sql": "'; DROP TABLE members_user; --",
    "html": "<script>alert(1)</script>",
    "path": "../../etc/passwd",
    "nul": "nul\x00byte",
    "long": "x" * 10_000,
}


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
    """Nothing found: an empty bare array (the inventory lists under /api/) or count 0."""
    body = response.json()
    return body == [] if isinstance(body, list) else body["count"] == 0


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


# A type's unit must be one the server converts (an injection string there is a 400), so the
# quotes go into the name, next to the markup, and into the source.
MARKUP_NAME = f"{HTML} {SQL}"


def _usage_of_a_markup_type(world) -> dict:
    """Through the API: staff create a usage type named with markup, the member logs a usage."""
    staff, member = world.clients["staff"], world.clients["member"]
    usage_type = staff.post(
        "/api/v1/usage-types/",
        {"name": MARKUP_NAME, "unit": "kWh", "factor": "1.5", "source": SQL},
        format="json",
    ).json()
    assert (usage_type["name"], usage_type["source"]) == (MARKUP_NAME, SQL)
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
    assert usage_type["name"] == MARKUP_NAME
    assert MARKUP_NAME in [bucket["usage_type"]["name"] for bucket in summary["buckets"]]
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
    assert "&#x27;; DROP TABLE" in page  # the type's name, quote escaped


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
