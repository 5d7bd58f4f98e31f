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
from inventory.services.movements import StockReason, stock_move

# `quantity` is not among them: stock changes through purchases, credit notes and
# item_stock_adjust, each recorded as a StockMovement.
ITEM_UPDATABLE_FIELDS = frozenset(
    {"name", "description", "price", "reorder_level", "expiry_date", "sku"}
)
CUSTOMER_UPDATABLE_FIELDS = frozenset({"name", "phone", "address", "email"})
NAME_MAX_LENGTH = Item._meta.get_field("name").max_length


def _stock_not_updatable(item: Item) -> str:
    return (
        f"The stock is {item.quantity} and changes only through stock movements: POST "
        f'/api/items/{item.pk}/adjust/ {{"delta": <units>, "note": "<why>"}} (in the admin, '
        '"Adjust stock"). Purchases and credit notes move it too.'
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
    stock_move(
        items={item.pk: item}, deltas={item.pk: quantity}, reason=StockReason.INITIAL, actor=actor
    )
    return item


@transaction.atomic
def item_update(*, item: Item, data: Mapping[str, Any]) -> Item:
    """Save the changed catalogue fields of `item` (400 naming any other key). A `quantity`
    equal to the stock is accepted and changes nothing (a client sending back what it read);
    any other is refused, pointing to the stock adjustment."""
    data = dict(data)
    if "quantity" in data and data["quantity"] == item.quantity:
        del data["quantity"]
    unknown = set(data) - ITEM_UPDATABLE_FIELDS
    if "quantity" in unknown:  # the others get model_update's message
        raise InvalidInput(
            errors={
                name: (
                    _stock_not_updatable(item)
                    if name == "quantity"
                    else "This field cannot be changed here.",
                    "not_updatable",
                )
                for name in sorted(unknown)
            }
        )
    model_update(instance=item, fields=ITEM_UPDATABLE_FIELDS, data=_sku_clean(data))
    return item


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
