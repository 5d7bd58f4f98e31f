"""Items and customers: create, update, delete."""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models.deletion import ProtectedError

from core.exceptions import InvalidInput
from core.services import model_update
from inventory.exceptions import CustomerInUse, ItemInUse
from inventory.models import Customer, Item
from inventory.services.movements import API_SET_NOTE, StockReason, item_stock_set, stock_move

# `quantity` is not among them: stock changes through purchases and item_stock_adjust.
ITEM_UPDATABLE_FIELDS = frozenset(
    {"name", "description", "price", "reorder_level", "expiry_date", "sku"}
)
CUSTOMER_UPDATABLE_FIELDS = frozenset({"name", "phone", "address", "email"})
NAME_MAX_LENGTH = Item._meta.get_field("name").max_length
_STOCK_NOT_UPDATABLE = (
    "Stock changes go through the stock adjustment (item_stock_adjust, or the admin's "
    '"Adjust stock"), not an item update.'
)


def _sku_clean(data: Mapping[str, Any]) -> dict[str, Any]:
    # "" would collide with every other item without one; NULLs do not.
    return {**data, "sku": data["sku"] or None} if "sku" in data else dict(data)


def _name_from_description(data: Mapping[str, Any]) -> dict[str, Any]:
    # Disecto's items had only a description: without a name, its first 200 characters on
    # one line (whitespace runs, newlines included, become one space) serve as one.
    if "name" in data:
        return dict(data)
    name = " ".join(str(data.get("description") or "").split())[:NAME_MAX_LENGTH].rstrip()
    if not name:
        raise InvalidInput(
            "A name is required (or a description to take it from).", code="required", attr="name"
        )
    return {**data, "name": name}


@transaction.atomic
def item_create(*, data: Mapping[str, Any], actor: AbstractBaseUser | None = None) -> Item:
    """Insert an item; its `quantity` (default 0) comes in as its initial stock movement.
    Without a `name`, the name is taken from the `description` (400 naming `name` if neither)."""
    data = _sku_clean(_name_from_description(data))
    quantity = data.pop("quantity", 0)
    item = Item(**data, quantity=quantity)
    item.full_clean()  # the initial quantity too (never negative)
    item.quantity = 0
    item.save()
    stock_move(deltas={item.pk: quantity}, reason=StockReason.INITIAL, actor=actor)
    item.quantity = quantity
    return item


@transaction.atomic
def item_update(*, item: Item, data: Mapping[str, Any]) -> Item:
    """Save the changed catalogue fields of `item` (400 naming any other key, `quantity`
    included: stock changes through item_stock_adjust)."""
    unknown = set(data) - ITEM_UPDATABLE_FIELDS
    if "quantity" in unknown:  # the others get model_update's message
        raise InvalidInput(
            errors={
                name: (
                    _STOCK_NOT_UPDATABLE
                    if name == "quantity"
                    else "This field cannot be changed here.",
                    "not_updatable",
                )
                for name in sorted(unknown)
            }
        )
    model_update(instance=item, fields=ITEM_UPDATABLE_FIELDS, data=_sku_clean(data))
    return item


@transaction.atomic
def item_update_with_stock(
    *, item: Item, data: Mapping[str, Any], actor: AbstractBaseUser | None
) -> Item:
    """The API's PUT/PATCH: item_update, and a `quantity` in `data` set through item_stock_set
    (noted "set through the API"); one transaction, so a refused field changes no stock."""
    data = dict(data)
    if "quantity" in data:
        item_stock_set(item=item, quantity=data.pop("quantity"), actor=actor, note=API_SET_NOTE)
    return item_update(item=item, data=data)


def item_delete(*, item: Item) -> None:
    """Delete an item that is on no invoice (ItemInUse otherwise)."""
    try:
        item.delete()
    except ProtectedError:
        raise ItemInUse(
            f"Item {item.pk} ({item.name}) appears on invoices and cannot be deleted."
        ) from None


def customer_create(*, data: Mapping[str, Any]) -> Customer:
    """Insert a customer; the phone number field stores it in E.164."""
    customer = Customer(**data)
    customer.full_clean()
    customer.save()
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, data: Mapping[str, Any]) -> Customer:
    """Save the changed fields of `customer` (400 naming any key it does not know)."""
    model_update(instance=customer, fields=CUSTOMER_UPDATABLE_FIELDS, data=dict(data))
    return customer


def customer_delete(*, customer: Customer) -> None:
    """Delete a customer without invoices (CustomerInUse otherwise: invoices keep theirs)."""
    try:
        customer.delete()
    except ProtectedError:
        raise CustomerInUse(
            f"Customer {customer.pk} ({customer.name}) has invoices and cannot be deleted."
        ) from None
