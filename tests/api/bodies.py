"""Valid request bodies for every write endpoint, and which of their text fields are strict
(ids, numbers, dates, zones...) or free text of a maximum length. Shared by the bad-input
tests, which set one field at a time to something hostile."""

from dataclasses import dataclass
from typing import Any

from tests.api.conftest import sync_payload
from tests.api.endpoints import WRITES, E

STRICT = "strict"  # an id, number, date, zone, e-mail, username...: an injection string is a 400


@dataclass(frozen=True)
class BodyField:
    """One text field of one endpoint's body: `max_length` for free text (then an injection
    string within the length and without NUL is legitimate and stored verbatim) or STRICT."""

    endpoint: E
    name: str
    max_length: Any

    def __str__(self) -> str:
        return f"{self.endpoint}-{self.name}"


def users_manager(world):
    from members.models import User

    return User.objects


REGISTER_BODY = {
    "username": "newcomer",
    "password": "ghostbusters-1984!",
    "email": "newcomer@example.com",
    "real_name": "New Comer",
    "tz": "Europe/Berlin",
}


def body_base(world, endpoint):
    """A valid body for each endpoint that takes one (before the field under test is set)."""
    bodies = {
        "POST /api/v1/auth/register/": lambda: dict(REGISTER_BODY),
        "POST /api/v1/auth/login/": lambda: {"username": world.user.username, "password": "x"},
        "PATCH /api/v1/auth/me/": dict,
        "POST /api/v1/users/": lambda: dict(REGISTER_BODY),
        "PUT /api/v1/users/{user}/": lambda: {
            "username": world.user.username,
            "email": "renamed@example.com",
            "real_name": "Re Named",
            "tz": "Europe/Paris",
        },
        "PATCH /api/v1/users/{user}/": dict,
        "POST /api/v1/users/bulk-delete/": lambda: {"ids": [world.other.pk]},
        "POST /api/v1/sync/users/": sync_payload,
        "POST /api/loguseractivity/": lambda: {"id_list": [world.user.pk]},
        "POST /api/users.list": dict,
        "POST /api/v1/usage-types/": lambda: {"name": "Diesel", "unit": "l", "factor": "2.68"},
        "PUT /api/v1/usage-types/{usage_type}/": lambda: {
            "name": "Petrol",
            "unit": "l",
            "factor": "2.31",
        },
        "PATCH /api/v1/usage-types/{usage_type}/": dict,
        "POST /api/v1/usages/": lambda: {
            "usage_type": 100,
            "usage_at": "2024-03-01T08:00:00+01:00",
            "amount": "12.5",
        },
        "PUT /api/v1/usages/{usage}/": lambda: {
            "usage_type": 100,
            "usage_at": "2024-03-02T08:00:00+01:00",
            "amount": "7.5",
        },
        "PATCH /api/v1/usages/{usage}/": dict,
        "POST /api/v1/usages/bulk-delete/": lambda: {"ids": [world.usage.pk]},
        "POST /api/items/": lambda: {"name": "Green tea", "price": "3.49", "quantity": 40},
        "PUT /api/items/{item}/": lambda: {"name": "Black tea", "price": "2.99"},
        "PATCH /api/items/{item}/": dict,
        "POST /api/customers/": lambda: {
            "name": "Test User",
            "phone": "098765 43210",
            "address": "12 MG Road",
        },
        "PUT /api/customers/{customer}/": lambda: {
            "name": "Other User",
            "phone": "098765 43211",
            "address": "13 MG Road",
        },
        "PATCH /api/customers/{customer}/": dict,
        "POST /api/customer-purchase/{customer}": lambda: [
            {"item": world.spare_item.pk, "quantity": 1}
        ],
        "PUT /api/customer-purchase/{customer}": lambda: [{"item": world.item.pk, "quantity": 2}],
    }
    return bodies[str(endpoint)]()


def body_with(world, body_field: BodyField, value):
    """The valid body with the field under test set to `value` (in lists: in the item)."""
    body = body_base(world, body_field.endpoint)
    placers = {
        "POST /api/v1/sync/users/": lambda: {
            **body,
            "data": {**body["data"], body_field.name: value},
        },
        "POST /api/customer-purchase/{customer}": lambda: [{**body[0], body_field.name: value}],
        "PUT /api/customer-purchase/{customer}": lambda: [{**body[0], body_field.name: value}],
    }
    list_fields = {"ids", "id_list"}
    return placers.get(
        str(body_field.endpoint),
        lambda: {**body, body_field.name: [value] if body_field.name in list_fields else value},
    )()


def stored_value(world, body_field: BodyField, response):
    """The stored value of the field after a successful write."""
    from carbon.models import UsageType
    from inventory.models import Customer, Item

    name = str(body_field.endpoint)
    rows = {
        "POST /api/v1/auth/register/": lambda: users_manager(world).get(
            pk=response.json()["user"]["id"]
        ),
        "PATCH /api/v1/auth/me/": lambda: users_manager(world).get(pk=world.user.pk),
        "PATCH /api/v1/users/{user}/": lambda: users_manager(world).get(pk=world.user.pk),
        "POST /api/v1/sync/users/": lambda: users_manager(world).get(pk="W0BADIN01"),
        "POST /api/v1/usage-types/": lambda: UsageType.objects.get(pk=response.json()["id"]),
        "PATCH /api/v1/usage-types/{usage_type}/": lambda: UsageType.objects.get(
            pk=world.spare_type.pk
        ),
        "POST /api/items/": lambda: Item.objects.get(pk=response.json()["id"]),
        "PATCH /api/items/{item}/": lambda: Item.objects.get(pk=world.item.pk),
        "POST /api/customers/": lambda: Customer.objects.get(pk=response.json()["id"]),
        "PATCH /api/customers/{customer}/": lambda: Customer.objects.get(pk=world.customer.pk),
    }
    return getattr(rows[name](), body_field.name)


B = BodyField
EP = {str(e): e for e in WRITES}
BODY_FIELDS = [
    B(EP["POST /api/v1/auth/register/"], "username", STRICT),
    B(EP["POST /api/v1/auth/register/"], "email", STRICT),
    B(EP["POST /api/v1/auth/register/"], "real_name", 100),
    B(EP["POST /api/v1/auth/register/"], "tz", STRICT),
    B(EP["POST /api/v1/auth/login/"], "username", STRICT),
    B(EP["POST /api/v1/auth/login/"], "password", STRICT),
    B(EP["PATCH /api/v1/auth/me/"], "username", STRICT),
    B(EP["PATCH /api/v1/auth/me/"], "email", STRICT),
    B(EP["PATCH /api/v1/auth/me/"], "real_name", 100),
    B(EP["PATCH /api/v1/auth/me/"], "tz", STRICT),
    B(EP["PATCH /api/v1/users/{user}/"], "username", STRICT),
    B(EP["PATCH /api/v1/users/{user}/"], "real_name", 100),
    B(EP["POST /api/v1/users/bulk-delete/"], "ids", STRICT),
    B(EP["POST /api/v1/sync/users/"], "id", STRICT),
    B(EP["POST /api/v1/sync/users/"], "username", STRICT),
    B(EP["POST /api/v1/sync/users/"], "email", STRICT),
    B(EP["POST /api/v1/sync/users/"], "real_name", 100),
    B(EP["POST /api/v1/sync/users/"], "tz", STRICT),
    B(EP["POST /api/loguseractivity/"], "id_list", STRICT),
    B(EP["POST /api/users.list"], "cursor", STRICT),
    B(EP["POST /api/users.list"], "limit", STRICT),
    B(EP["POST /api/v1/usage-types/"], "name", 100),
    B(EP["POST /api/v1/usage-types/"], "unit", STRICT),  # a unit the server converts
    B(EP["POST /api/v1/usage-types/"], "source", 200),
    B(EP["POST /api/v1/usage-types/"], "factor", STRICT),
    B(EP["PATCH /api/v1/usage-types/{usage_type}/"], "name", 100),
    B(EP["PATCH /api/v1/usage-types/{usage_type}/"], "unit", STRICT),
    B(EP["POST /api/v1/usages/"], "usage_type", STRICT),
    B(EP["POST /api/v1/usages/"], "usage_at", STRICT),
    B(EP["POST /api/v1/usages/"], "amount", STRICT),
    B(EP["POST /api/v1/usages/"], "unit", STRICT),
    B(EP["PATCH /api/v1/usages/{usage}/"], "usage_at", STRICT),
    B(EP["PATCH /api/v1/usages/{usage}/"], "amount", STRICT),
    B(EP["PATCH /api/v1/usages/{usage}/"], "unit", STRICT),
    B(EP["POST /api/v1/usages/bulk-delete/"], "ids", STRICT),
    B(EP["POST /api/items/"], "name", 200),
    B(EP["POST /api/items/"], "description", None),
    B(EP["POST /api/items/"], "sku", 64),
    B(EP["POST /api/items/"], "price", STRICT),
    B(EP["POST /api/items/"], "quantity", STRICT),
    B(EP["POST /api/items/"], "expiry_date", STRICT),
    B(EP["PATCH /api/items/{item}/"], "name", 200),
    B(EP["PATCH /api/items/{item}/"], "description", None),
    B(EP["POST /api/customers/"], "name", 200),
    B(EP["POST /api/customers/"], "address", None),
    B(EP["POST /api/customers/"], "phone", STRICT),
    B(EP["POST /api/customers/"], "email", STRICT),
    B(EP["PATCH /api/customers/{customer}/"], "name", 200),
    B(EP["PATCH /api/customers/{customer}/"], "address", None),
    B(EP["PATCH /api/customers/{customer}/"], "phone", STRICT),
    B(EP["POST /api/customer-purchase/{customer}"], "item", STRICT),
    B(EP["POST /api/customer-purchase/{customer}"], "quantity", STRICT),
    B(EP["PUT /api/customer-purchase/{customer}"], "item", STRICT),
    B(EP["PUT /api/customer-purchase/{customer}"], "quantity", STRICT),
]
