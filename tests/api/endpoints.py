"""The API surface as data: which endpoints exist, who calls them, what they take, and the
error envelope each family answers with. Shared by the bad-input tests."""

import json
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils import timezone

from members.sync.signing import sign
from tests.api.conftest import PEER_SECRET

DRF = "drf"  # {"type", "errors": [{"code", "detail", "attr"}]} (drf-standardized-errors)
SLACK = "slack"  # {"ok": false, "error", "detail", ...} (the legacy activity endpoints)


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # formatted with the world's ids, e.g. "/api/items/{item}/"
    who: str  # "anon", "member", "staff", or "peer" (a signed webhook)
    family: str = DRF
    body: str | None = "object"  # what it takes: "object", "list", or None (no body)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


E = Endpoint

WRITES = [
    E("POST", "/api/v1/auth/register/", "anon"),
    E("POST", "/api/v1/auth/login/", "anon"),
    E("PATCH", "/api/v1/auth/me/", "member"),
    E("POST", "/api/v1/users/", "staff"),
    E("PUT", "/api/v1/users/{user}/", "member"),
    E("PATCH", "/api/v1/users/{user}/", "member"),
    E("POST", "/api/v1/users/bulk-delete/", "staff"),
    E("POST", "/api/v1/sync/users/", "peer"),
    E("POST", "/api/loguseractivity/", "member", SLACK),
    E("POST", "/api/users.list", "member", SLACK),
    E("POST", "/api/v1/usage-types/", "staff"),
    E("PUT", "/api/v1/usage-types/{usage_type}/", "staff"),
    E("PATCH", "/api/v1/usage-types/{usage_type}/", "staff"),
    E("POST", "/api/v1/usages/", "member"),
    E("PUT", "/api/v1/usages/{usage}/", "member"),
    E("PATCH", "/api/v1/usages/{usage}/", "member"),
    E("POST", "/api/v1/usages/bulk-delete/", "member"),
    E("POST", "/api/items/", "staff"),
    E("PUT", "/api/items/{item}/", "staff"),
    E("PATCH", "/api/items/{item}/", "staff"),
    E("POST", "/api/customers/", "staff"),
    E("PUT", "/api/customers/{customer}/", "staff"),
    E("PATCH", "/api/customers/{customer}/", "staff"),
    E("POST", "/api/customer-purchase/{customer}", "staff", body="list"),
    E("PUT", "/api/customer-purchase/{customer}", "staff", body="list"),
]
BODYLESS_WRITES = [
    E("POST", "/api/v1/auth/logout/", "member", body=None),
    E("DELETE", "/api/v1/users/{other}/", "staff", body=None),
    E("DELETE", "/api/v1/usage-types/{usage_type}/", "staff", body=None),
    E("DELETE", "/api/v1/usages/{usage}/", "member", body=None),
    E("DELETE", "/api/items/{spare_item}/", "staff", body=None),
    E("POST", "/api/invoices/{invoice}/issue/", "staff", body=None),
]
PAGINATED = [
    E("GET", "/api/v1/users/", "staff", body=None),
    E("GET", "/api/v1/usage-types/", "member", body=None),
    E("GET", "/api/v1/usages/", "member", body=None),
    E("GET", "/api/v1/users/{user}/usages/", "member", body=None),
    E("GET", "/api/items/", "anon", body=None),
    E("GET", "/api/customers/", "staff", body=None),
    E("GET", "/api/invoices/", "staff", body=None),
    E("GET", "/api/v1/random/users/", "staff", body=None),
    E("GET", "/api/v1/random/addresses/", "staff", body=None),
    E("GET", "/api/v1/random/credit-cards/", "staff", body=None),
    E("GET", "/api/v1/random/runs/", "staff", body=None),
]
SLACK_LISTS = [
    E("GET", "/activity_record/members/", "member", SLACK, body=None),
    E("GET", "/api/users.list", "member", SLACK, body=None),
]
READS = [
    *PAGINATED,
    *SLACK_LISTS,
    E("GET", "/api/v1/auth/me/", "member", body=None),
    E("GET", "/api/v1/users/{user}/", "member", body=None),
    E("GET", "/api/v1/usage-types/{usage_type}/", "member", body=None),
    E("GET", "/api/v1/usages/{usage}/", "member", body=None),
    E("GET", "/api/v1/usages/summary/", "member", body=None),
    E("GET", "/api/v1/usages/summary.svg", "member", body=None),
    E("GET", "/api/items/{item}/", "anon", body=None),
    E("GET", "/api/customers/{customer}/", "staff", body=None),
    E("GET", "/api/invoices/{invoice}/", "staff", body=None),
    E("GET", "/api/invoices/{invoice}/pdf/", "staff", body=None),
    E("GET", "/api/customer-purchase/{customer}", "staff", body=None),
    E("GET", "/api/low-stock-items/", "staff", body=None),
    E("GET", "/api/v1/random/users/{random_user}/", "staff", body=None),
    E("GET", "/api/v1/random/addresses/{random_address}/", "staff", body=None),
    E("GET", "/api/v1/random/credit-cards/{random_card}/", "staff", body=None),
    E("GET", "/api/v1/random/runs/{random_run}/", "staff", body=None),
]


def url(world, endpoint: Endpoint, query: dict | None = None) -> str:
    path = endpoint.path.format(**world.ids)
    return f"{path}?{urlencode(query)}" if query else path


def send(
    world,
    endpoint: Endpoint,
    data: str | bytes = "",
    *,
    content_type="application/json",
    query=None,
):
    """Send raw `data` as the endpoint's usual caller (signing it for the webhook)."""
    headers = {}
    if endpoint.who == "peer":
        headers = sign(
            secret=PEER_SECRET,
            msg_id=f"msg_{uuid.uuid4().hex}",
            timestamp=timezone.now(),
            body=data,
        )
    client = world.clients.get(endpoint.who, world.clients["anon"])
    return client.generic(
        endpoint.method,
        url(world, endpoint, query),
        data,
        content_type=content_type,
        headers=headers,
    )


def send_json(world, endpoint: Endpoint, payload, *, query=None):
    return send(world, endpoint, json.dumps(payload), query=query)


def _drf_shape(body) -> bool:
    return (
        set(body) == {"type", "errors"}
        and body["type"] in {"validation_error", "client_error"}
        and len(body["errors"]) > 0
        and all(set(error) == {"code", "detail", "attr"} for error in body["errors"])
        and all(isinstance(error["detail"], str) and error["detail"] for error in body["errors"])
    )


def _slack_shape(body) -> bool:
    return (
        body["ok"] is False
        and isinstance(body["error"], str)
        and isinstance(body["detail"], str)
        and bool(body["detail"])
    )


SHAPES = {DRF: _drf_shape, SLACK: _slack_shape}


def error_codes(response, family: str) -> list[str]:
    """The error codes of a refusal: DRF's `errors[].code`, or the Slack `error`."""
    body = response.json()
    return {DRF: lambda: [e["code"] for e in body["errors"]], SLACK: lambda: [body["error"]]}[
        family
    ]()


def error_attrs(response) -> list[str | None]:
    return [error["attr"] for error in response.json()["errors"]]


def is_clear_refusal(response, family: str) -> bool:
    """A 4xx (never 5xx) with the family's JSON error envelope."""
    return (
        400 <= response.status_code < 500
        and response["Content-Type"].startswith("application/json")
        and SHAPES[family](response.json())
    )


# Every endpoint a member, staff or anonymous client calls (the peer webhook has its own).
ALL_AUTHENTICATED = [e for e in WRITES + BODYLESS_WRITES + READS if e.who != "peer"]
WEBHOOK = "POST /api/v1/sync/users/"
