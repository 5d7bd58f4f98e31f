"""Text and dates that used to reach a 500 or forge a report, sent to every endpoint that
takes them: lone surrogates, control characters in single-line fields, year-1 and year-9999
dates. Each is a 4xx naming the field, and the database is exactly as it was."""

import json
import subprocess
import sys

import pytest

from tests.api.bodies import BODY_FIELDS, BodyField, body_with, stored_value
from tests.api.conftest import db_snapshot
from tests.api.endpoints import DRF, READS, SLACK, E, error_attrs, error_codes, send, url

LONE_SURROGATE = "\ud800"


def _attr(body_field: BodyField) -> str:
    """Where the field sits in the body, as the error's `attr` names it."""
    name = str(body_field.endpoint)
    if name == "POST /api/v1/sync/users/":
        return f"data.{body_field.name}"
    if name.endswith("/api/customer-purchase/{customer}"):
        return f"0.{body_field.name}"
    if body_field.name in {"ids", "id_list"}:
        return f"{body_field.name}.0"
    return body_field.name


# --- Lone surrogates: refused while parsing, before anything tries to store or echo them -----


@pytest.mark.parametrize("body_field", BODY_FIELDS, ids=str)
def test_a_lone_surrogate_in_any_body_field_is_invalid_text(world, body_field):
    endpoint = body_field.endpoint
    # json.dumps writes the surrogate as the six characters \ud800, as a hostile client does.
    raw = json.dumps(body_with(world, body_field, LONE_SURROGATE))
    assert "\\ud800" in raw

    response = send(world, endpoint, raw)

    assert response.status_code == 400, response.content
    assert error_codes(response, endpoint.family) == ["invalid_text"]
    if endpoint.family == DRF:
        assert error_attrs(response) == [_attr(body_field)]
    assert db_snapshot() == world.snapshot


def test_a_lone_surrogate_in_a_register_body_is_a_400_for_anonymous_callers(world):
    """The exact request that was a 500 (UnicodeEncodeError while rendering the error)."""
    register = E("POST", "/api/v1/auth/register/", "anon")
    raw = '{"username": "\\ud800", "password": "ghostbusters-1984!", "email": "a@example.com"}'

    response = send(world, register, raw)

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "code": "invalid_text",
            "detail": "Contains a lone UTF-16 surrogate (e.g. \\ud800), which is not text.",
            "attr": "username",
        }
    ]
    assert db_snapshot() == world.snapshot


def test_a_lone_surrogate_in_a_key_is_refused_too(world):
    usage_types = E("POST", "/api/v1/usage-types/", "staff")

    response = send(world, usage_types, '{"name": "Diesel", "\\udfff": 1}')

    assert response.status_code == 400
    assert error_codes(response, DRF) == ["invalid_text"]
    assert db_snapshot() == world.snapshot


def test_a_paired_surrogate_is_ordinary_text(world):
    """`\\ud83d\\ude00` is one character (😀): stored as it is."""
    usage_types = E("POST", "/api/v1/usage-types/", "staff")

    response = send(
        world, usage_types, '{"name": "Smile \\ud83d\\ude00", "unit": "kg", "factor": 1}'
    )

    assert response.status_code == 201, response.content
    assert response.json()["name"] == "Smile 😀"


# --- Control characters in single-line fields -------------------------------------------------

SINGLE_LINE = {
    ("POST /api/v1/auth/register/", "username"),
    ("POST /api/v1/auth/register/", "real_name"),
    ("PATCH /api/v1/auth/me/", "username"),
    ("PATCH /api/v1/auth/me/", "real_name"),
    ("PATCH /api/v1/users/{user}/", "username"),
    ("PATCH /api/v1/users/{user}/", "real_name"),
    ("POST /api/v1/sync/users/", "username"),
    ("POST /api/v1/sync/users/", "real_name"),
    ("POST /api/v1/usage-types/", "name"),
    ("POST /api/v1/usage-types/", "unit"),
    ("PATCH /api/v1/usage-types/{usage_type}/", "name"),
    ("PATCH /api/v1/usage-types/{usage_type}/", "unit"),
    ("POST /api/items/", "name"),
    ("POST /api/items/", "sku"),
    ("PATCH /api/items/{item}/", "name"),
    ("POST /api/customers/", "name"),
    ("POST /api/customers/", "phone"),
    ("PATCH /api/customers/{customer}/", "name"),
    ("PATCH /api/customers/{customer}/", "phone"),
}
SINGLE_LINE_FIELDS = [f for f in BODY_FIELDS if (str(f.endpoint), f.name) in SINGLE_LINE]
CONTROL_TEXT = {
    "newline": "Green tea\nEXPIRED: 0",
    "carriage-return": "Green tea\rEXPIRED: 0",
    "tab": "Green\ttea",
    "escape": "Green \x1b[31mtea",
    "bidi-override": "Green \u202etea",
}


def test_every_single_line_field_is_covered():
    assert len(SINGLE_LINE_FIELDS) == len(SINGLE_LINE)


@pytest.mark.parametrize("value", CONTROL_TEXT.values(), ids=CONTROL_TEXT.keys())
@pytest.mark.parametrize("body_field", SINGLE_LINE_FIELDS, ids=str)
def test_control_characters_in_a_single_line_field_are_refused(world, body_field, value):
    endpoint = body_field.endpoint

    response = send(world, endpoint, json.dumps(body_with(world, body_field, value)))

    assert response.status_code == 400, response.content
    assert error_attrs(response) == [_attr(body_field)]
    assert error_codes(response, DRF) == ["invalid_text"]
    assert db_snapshot() == world.snapshot


def test_a_forged_line_cannot_reach_the_stock_list(world):
    """The exact item that forged `EXPIRED: 0` into stocklist.txt."""
    items = E("POST", "/api/items/", "staff")
    body = {"name": "Tea\nEXPIRED: 0", "price": "1.00", "quantity": 0, "sku": "T-1\nLOW STOCK: 0"}

    response = send(world, items, json.dumps(body))

    assert response.status_code == 400
    assert sorted(error_attrs(response)) == ["name", "sku"]
    assert db_snapshot() == world.snapshot
    stock_list = world.clients["staff"].get("/api/low-stock-items/?format=txt").content.decode()
    assert stock_list.count("EXPIRED:") == 1


MULTI_LINE = [
    f
    for f in BODY_FIELDS
    if f.name in {"description", "address"} and str(f.endpoint).startswith(("POST", "PATCH"))
]


@pytest.mark.parametrize("body_field", MULTI_LINE, ids=str)
def test_multi_line_text_keeps_its_newlines(world, body_field):
    value = "Line one\nLine two\r\n\tindented"

    response = send(world, body_field.endpoint, json.dumps(body_with(world, body_field, value)))

    assert response.status_code in (200, 201), response.content
    assert stored_value(world, body_field, response) == value


# --- Absurd dates -----------------------------------------------------------------------------

ABSURD = [
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "1899-12-31T23:59:59Z",
    "2200-01-01T00:00:00Z",
]
DATE_FIELDS = [f for f in BODY_FIELDS if f.name == "usage_at"]


@pytest.mark.parametrize("value", ABSURD)
@pytest.mark.parametrize("body_field", DATE_FIELDS, ids=str)
def test_a_usage_outside_1900_to_2200_is_refused(world, body_field, value):
    response = send(world, body_field.endpoint, json.dumps(body_with(world, body_field, value)))

    assert response.status_code == 400, response.content
    assert error_attrs(response) == ["usage_at"]
    assert error_codes(response, DRF) == ["out_of_range"]
    assert db_snapshot() == world.snapshot


@pytest.mark.parametrize("value", ["1900-01-01T00:00:00Z", "2199-12-31T23:59:59Z"])
def test_the_edges_of_the_range_are_accepted_and_summarised_in_any_zone(world, value):
    usages = E("POST", "/api/v1/usages/", "member")
    body = {"usage_type": 100, "usage_at": value, "amount": "1"}
    assert send(world, usages, json.dumps(body)).status_code == 201
    summary = E("GET", "/api/v1/usages/summary/", "member", body=None)
    year = int(value[:4])
    bounds = {
        "usage_at_after": f"{year}-01-01T00:00:00Z",
        "usage_at_before": f"{year + 1}-01-01T00:00:00Z",
    }

    for tz in ("Etc/GMT+12", "Etc/GMT-14"):
        response = world.clients["member"].get(url(world, summary, {"tz": tz, **bounds}))
        assert response.status_code == 200, response.content
        assert response.json()["total"]["count"] == 1


SUMMARY_PATHS = ["/api/v1/usages/summary/", "/api/v1/usages/summary.svg"]
LIST_PATHS = ["/api/v1/usages/", "/api/v1/users/{user}/usages/"]


@pytest.mark.parametrize("param", ["usage_at_after", "usage_at_before"])
@pytest.mark.parametrize("value", ABSURD[:2])
@pytest.mark.parametrize("path", SUMMARY_PATHS + LIST_PATHS)
def test_absurd_dates_in_query_parameters_are_a_400_naming_them(world, path, value, param):
    """The exact summary that was a 500 (`year -1 is out of range`) with tz=Etc/GMT+12."""
    endpoint = next(e for e in READS if e.path == path)
    query = {param: value, "tz": "Etc/GMT+12"} if path in SUMMARY_PATHS else {param: value}

    response = world.clients["member"].get(url(world, endpoint, query))

    assert response.status_code == 400, response.content
    if path.endswith(".svg"):
        return
    assert error_attrs(response) == [param]


@pytest.mark.parametrize("expiry", ["0001-01-01", "9999-12-31"])
def test_an_item_expiring_at_the_ends_of_the_calendar_never_breaks_the_stock_list(world, expiry):
    items = E("POST", "/api/items/", "staff")
    body = {"name": "Forever tea", "price": "1.00", "quantity": 1, "expiry_date": expiry}

    created = send(world, items, json.dumps(body))

    assert created.status_code in (201, 400), created.content
    for fmt in ("txt", "json"):
        response = world.clients["staff"].get(f"/api/low-stock-items/?format={fmt}")
        assert response.status_code == 200


# --- The browsable API is for development only ------------------------------------------------

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("endpoint", [e for e in READS if e.family != SLACK][:6], ids=str)
def test_no_html_api_pages_when_debug_is_off(world, endpoint):
    client = world.clients.get(endpoint.who, world.clients["anon"])

    as_browser = client.get(url(world, endpoint), HTTP_ACCEPT=BROWSER_ACCEPT)
    forced = client.get(url(world, endpoint, {"format": "api"}))

    assert as_browser["Content-Type"].startswith("application/json")
    assert forced.status_code == 404
    assert not forced["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(("debug", "browsable"), [("true", True), ("false", False)])
def test_the_browsable_api_is_on_only_with_debug(debug, browsable):
    code = (
        "import django; django.setup(); from rest_framework.settings import api_settings; "
        "print([r.__name__ for r in api_settings.DEFAULT_RENDERER_CLASSES])"
    )
    env = {"DEBUG": debug, "SECRET_KEY": "x" * 50, "DJANGO_SETTINGS_MODULE": "config.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert ("BrowsableAPIRenderer" in out) is browsable
    assert "JSONRenderer" in out


# --- Look-alike usernames -----------------------------------------------------------------

USERNAME_FIELDS = [f for f in BODY_FIELDS if f.name == "username" and "login" not in str(f)]


def _fullwidth(text: str) -> str:
    """ASCII letters and digits as their fullwidth forms (U+FF41...), which NFKC folds back."""
    return "".join(chr(ord(ch) + 0xFEE0) if ch.isascii() and ch.isalnum() else ch for ch in text)


@pytest.mark.parametrize("spelling", ["fullwidth", "upper"])
@pytest.mark.parametrize("body_field", USERNAME_FIELDS, ids=str)
def test_a_look_alike_of_a_taken_username_is_refused(world, body_field, spelling):
    """The exact requests that were a 500 (fullwidth) or made a second `Admin` (upper)."""
    taken = world.other.username
    value = _fullwidth(taken) if spelling == "fullwidth" else taken.upper()

    response = send(world, body_field.endpoint, json.dumps(body_with(world, body_field, value)))

    expected = 409 if body_field.endpoint.who == "peer" else 400
    assert response.status_code == expected, response.content
    if expected == 400:
        assert error_attrs(response) == [_attr(body_field)]
    assert db_snapshot() == world.snapshot
