"""Items and customers: create, update, delete."""

from collections.abc import Mapping
from typing import Any

from django.db.models.deletion import ProtectedError

from inventory.exceptions import (
    ItemInUse,
)
from inventory.models import (
    Customer,
    Item,
)

MAX_STOCK = 2**31 - 1  # the quantity column is a 32-bit integer


def _sku_clean(data: Mapping[str, Any]) -> dict[str, Any]:
    # "" would collide with every other item without one; NULLs do not.
    return {**data, "sku": data["sku"] or None} if "sku" in data else dict(data)


def item_create(*, data: Mapping[str, Any]) -> Item:
    """Insert an item."""
    item = Item(**_sku_clean(data))
    item.full_clean()
    item.save()
    return item


def item_update(*, item: Item, data: Mapping[str, Any]) -> Item:
    """Save the given fields of `item`."""
    data = _sku_clean(data)
    for field, value in data.items():
        setattr(item, field, value)
    item.full_clean()
    item.save(update_fields=[*data, "updated_at"])
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


def customer_update(*, customer: Customer, data: Mapping[str, Any]) -> Customer:
    """Save the given fields of `customer`."""
    data = dict(data)
    for field, value in data.items():
        setattr(customer, field, value)
    customer.full_clean()
    customer.save(update_fields=[*data, "updated_at"])
    return customer


# --- Invoices ----------------------------------------------------------------------------------
