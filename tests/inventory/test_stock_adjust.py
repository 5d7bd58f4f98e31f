"""Stock changes only through inventory services: the staff adjustment, purchases, and item
updates that refuse `quantity`."""

import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.exceptions import InvalidInput, NotFound
from inventory.exceptions import InsufficientStock
from inventory.models import Customer, Item
from inventory.services import (
    MAX_STOCK,
    PurchaseLine,
    customer_create,
    customer_update,
    item_create,
    item_stock_adjust,
    item_update,
    purchase_create,
)
from tests.inventory.factories import CustomerFactory, ItemFactory


def stock(item) -> tuple:
    return Item.objects.values_list("quantity", "updated_at").get(pk=item.pk)


@pytest.mark.parametrize(("delta", "after"), [(5, 15), (-4, 6), (-10, 0)])
def test_adjust_adds_or_takes_out_stock(staff_user, delta, after):
    item = ItemFactory(quantity=10)
    movement = item_stock_adjust(item=item, delta=delta, actor=staff_user, note="count")
    assert (movement.delta, movement.balance_after, movement.reason) == (delta, after, "adjustment")
    assert (movement.actor, movement.note, item.quantity) == (staff_user, "count", after)
    assert Item.objects.get(pk=item.pk).quantity == after


def test_adjust_below_zero_is_a_409_naming_the_item_and_changes_nothing(staff_user):
    item = ItemFactory(name="Paneer", quantity=3)
    before = stock(item)
    with pytest.raises(InsufficientStock) as caught:
        item_stock_adjust(item=item, delta=-4, actor=staff_user, note="count")
    assert (caught.value.status_code, caught.value.code, caught.value.attr) == (
        409,
        "insufficient_stock",
        "delta",
    )
    assert caught.value.detail == (
        f"Not enough stock of item {item.pk} (Paneer): cannot take out 4, 3 available."
    )
    assert stock(item) == before


def test_adjust_past_the_column_is_a_400_and_changes_nothing(staff_user):
    item = ItemFactory(quantity=MAX_STOCK - 1)
    before = stock(item)
    with pytest.raises(InvalidInput) as caught:
        item_stock_adjust(item=item, delta=2, actor=staff_user, note="delivery")
    assert (caught.value.code, caught.value.attr) == ("max_value", "delta")
    assert stock(item) == before


@pytest.mark.parametrize("note", ["", "   "])
def test_adjust_needs_a_note(staff_user, note):
    item = ItemFactory(quantity=3)
    with pytest.raises(InvalidInput) as caught:
        item_stock_adjust(item=item, delta=1, actor=staff_user, note=note)
    assert (caught.value.code, caught.value.attr) == ("required", "note")
    assert Item.objects.get(pk=item.pk).quantity == 3


def test_adjust_of_a_deleted_item_is_404(staff_user):
    item = ItemFactory()
    Item.objects.filter(pk=item.pk).delete()
    with pytest.raises(NotFound):
        item_stock_adjust(item=item, delta=1, actor=staff_user, note="x")


def test_adjust_reads_the_stock_under_the_lock_not_from_the_callers_copy(staff_user, customer):
    item = ItemFactory(quantity=10)
    purchase_create(customer_id=customer.pk, lines=[PurchaseLine(item=item.pk, quantity=8)])
    assert item.quantity == 10  # stale
    with pytest.raises(InsufficientStock):
        item_stock_adjust(item=item, delta=-3, actor=staff_user, note="count")
    movement = item_stock_adjust(item=item, delta=3, actor=staff_user, note="delivery")
    assert (movement.balance_after, item.quantity) == (5, 5)  # 2 + 3, not 10 + 3
    assert Item.objects.get(pk=item.pk).quantity == 5


def test_every_change_is_logged_once_committed(
    staff_user, customer, caplog, django_capture_on_commit_callbacks
):
    with (
        caplog.at_level(logging.INFO, "inventory"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        item = item_create(data={"name": "Tea", "price": "1.00", "quantity": 4}, actor=staff_user)
        purchase_create(customer_id=customer.pk, lines=[PurchaseLine(item=item.pk, quantity=1)])
        item_stock_adjust(item=item, delta=2, actor=staff_user, note="delivery")
    assert [r.getMessage() for r in caplog.records if r.name == "inventory.services.movements"] == [
        f"stock moved (initial) by {staff_user.pk}: item {item.pk} +4",
        f"stock moved (purchase) by system: item {item.pk} -1",
        f"stock moved (adjustment) by {staff_user.pk}: item {item.pk} +2 - 'delivery'",
    ]


def test_item_create_refuses_a_negative_initial_quantity(db):
    with pytest.raises(ValidationError, match="cannot be below 0"):
        item_create(data={"name": "Tea", "price": "1.00", "quantity": -1})
    assert not Item.objects.exists()


# --- updates: model_update, and quantity refused ----------------------------------------------


def test_item_update_refuses_quantity_naming_it(db):
    item = ItemFactory(name="Tea", quantity=3)
    with pytest.raises(InvalidInput) as caught:
        item_update(item=item, data={"name": "Green tea", "quantity": 9, "colour": "green"})
    items = caught.value.items()
    assert set(items) == {"quantity", "colour"}
    assert f"POST /api/items/{item.pk}/adjust/" in items["quantity"][0]
    assert {code for _detail, code in items.values()} == {"not_updatable"}
    assert Item.objects.values_list("name", "quantity").get(pk=item.pk) == ("Tea", 3)


def test_item_update_saves_only_what_changed(db):
    item = ItemFactory(name="Tea", quantity=10)
    stale = Item.objects.get(pk=item.pk)
    Item.objects.filter(pk=item.pk).update(quantity=4)  # e.g. a purchase meanwhile
    with CaptureQueriesContext(connection) as queries:
        item_update(item=stale, data={"name": "Tea"})
    assert [q["sql"] for q in queries if q["sql"].startswith("UPDATE")] == []
    item_update(item=stale, data={"name": "Green tea", "sku": ""})
    assert Item.objects.values_list("name", "sku", "quantity").get(pk=item.pk) == (
        "Green tea",
        None,
        4,  # not written back from the stale copy
    )


def test_customer_update_refuses_unknown_fields_and_normalises_the_phone(db):
    customer = customer_create(data={"name": "Asha", "phone": "098765 43210", "address": "x"})
    assert Customer.objects.values_list("phone", flat=True).get() == "+919876543210"
    with pytest.raises(InvalidInput) as caught:
        customer_update(customer=customer, data={"created_at": None})
    assert caught.value.items() == {
        "created_at": ("This field cannot be changed here.", "not_updatable")
    }
    customer_update(customer=customer, data={"phone": "+91 80 4123 4567"})
    assert Customer.objects.values_list("phone", flat=True).get() == "+918041234567"


# --- the API: PUT/PATCH of quantity is refused, pointing to adjust/ -----------------------------


def test_patch_of_quantity_is_400_pointing_to_adjust_and_changes_nothing(staff_client):
    item = ItemFactory(name="Tea", quantity=10)
    url = reverse("item-detail", args=[item.pk])
    response = staff_client.patch(url, {"quantity": 4, "name": "Renamed"}, format="json")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["attr"], error["code"]) == ("quantity", "not_updatable")
    assert f"/api/items/{item.pk}/adjust/" in error["detail"]
    assert Item.objects.values_list("name", "quantity").get(pk=item.pk) == ("Tea", 10)
    assert item.movements.count() == 1  # the initial one only


def test_put_sending_back_the_quantity_it_read_is_accepted(staff_client):
    item = ItemFactory(name="Tea", quantity=10)
    url = reverse("item-detail", args=[item.pk])
    body = staff_client.get(url).json()
    body = {k: v for k, v in body.items() if k not in ("id", "created_at", "updated_at")}
    response = staff_client.put(url, {**body, "name": "Green tea"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["name"], response.json()["quantity"]) == ("Green tea", 10)
    assert item.movements.count() == 1


def test_put_or_patch_refused_elsewhere_moves_no_stock(staff_client):
    ItemFactory(sku="TAKEN")
    item = ItemFactory(quantity=10, sku="MINE")
    url = reverse("item-detail", args=[item.pk])
    response = staff_client.patch(url, {"quantity": 1, "sku": "TAKEN"})
    assert response.status_code == 400
    assert [e["attr"] for e in response.json()["errors"]] == ["sku"]
    assert Item.objects.values_list("quantity", "sku").get(pk=item.pk) == (10, "MINE")


def test_customer_phone_with_a_control_character_is_invalid_text(staff_client, db):
    customer = CustomerFactory()
    url = reverse("customer-detail", args=[customer.pk])
    response = staff_client.patch(url, {"phone": "+91 98765\n43210"}, format="json")
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [
        ("phone", "invalid_text")
    ]
