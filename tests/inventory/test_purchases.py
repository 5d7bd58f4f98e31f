from decimal import Decimal

import pytest
from django.urls import reverse

from inventory.models import Invoice, InvoiceLine, Item
from tests.inventory.factories import CustomerFactory, ItemFactory


def url(customer_id: int) -> str:
    return reverse("customer-purchase", args=[customer_id])


def snapshot() -> tuple:
    """Everything a purchase may change: stock, invoices and their lines."""
    return (
        sorted(Item.objects.values_list("pk", "quantity")),
        sorted(Invoice.objects.values_list("pk", "number", "status", "total")),
        sorted(InvoiceLine.objects.values_list("invoice_id", "item_id", "quantity", "unit_price")),
    )


def test_first_purchase_opens_an_invoice_and_takes_stock(staff_client, customer, items):
    a, b, _ = items
    response = staff_client.post(
        url(customer.pk), [{"item": a.pk, "quantity": 3}, {"item": b.pk, "quantity": 1}]
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "open"
    assert body["number"].startswith("INV-")
    assert body["total"] == "40.00"
    assert [(line["item"], line["quantity"]) for line in body["lines"]] == [(a.pk, 3), (b.pk, 1)]
    assert Item.objects.get(pk=a.pk).quantity == 7
    assert Item.objects.get(pk=b.pk).quantity == 9


def test_second_purchase_adds_to_the_same_open_invoice(staff_client, customer, items):
    a, b, _ = items
    first = staff_client.post(url(customer.pk), [{"item": a.pk, "quantity": 1}]).json()
    second = staff_client.post(url(customer.pk), [{"item": b.pk, "quantity": 2}]).json()
    assert first["id"] == second["id"]
    assert len(second["lines"]) == 2
    assert Invoice.objects.filter(customer=customer).count() == 1


def test_unit_price_is_frozen_at_purchase(staff_client, customer, items):
    a = items[0]
    staff_client.post(url(customer.pk), [{"item": a.pk, "quantity": 1}])
    Item.objects.filter(pk=a.pk).update(price=Decimal("99.00"))
    line = InvoiceLine.objects.get(item=a)
    assert line.unit_price == Decimal("10.00")


@pytest.mark.parametrize(
    ("make_body", "attr", "code"),
    [
        (lambda a, b: [], "non_field_errors", "empty"),
        (lambda a, b: {"item": a, "quantity": 1}, "non_field_errors", "not_a_list"),
        (
            lambda a, b: [{"item": b, "quantity": 1}, {"item": "x", "quantity": 1}],
            "1.item",
            "invalid",
        ),
        (
            lambda a, b: [{"item": b, "quantity": 1}, {"item": a, "quantity": 0}],
            "1.quantity",
            "min_value",
        ),
        (
            lambda a, b: [{"item": b, "quantity": 1}, {"item": a, "quantity": -2}],
            "1.quantity",
            "min_value",
        ),
        (
            lambda a, b: [{"item": b, "quantity": 1}, {"item": a, "quantity": 1.5}],
            "1.quantity",
            "invalid",
        ),
        (
            lambda a, b: [{"item": b, "quantity": 1}, {"item": a, "quantity": "x"}],
            "1.quantity",
            "invalid",
        ),
        (lambda a, b: [{"item": b, "quantity": 1}, {"item": a}], "1.quantity", "required"),
        (
            lambda a, b: [{"item": b, "quantity": 1}, {"item": a, "quantity": 10**7}],
            "1.quantity",
            "max_value",
        ),
        (
            lambda a, b: [{"item": b, "quantity": 1}, {"item": 987654, "quantity": 1}],
            "1.item",
            "does_not_exist",
        ),
        (
            lambda a, b: [{"item": b, "quantity": 1}, {"item": b, "quantity": 2}],
            "1.item",
            "duplicate_item",
        ),
    ],
)
def test_bad_lines_fail_the_whole_request_and_change_nothing(
    staff_client, customer, items, make_body, attr, code
):
    a, b, _ = items
    staff_client.post(url(customer.pk), [{"item": items[2].pk, "quantity": 1}])  # an open invoice
    before = snapshot()
    response = staff_client.post(url(customer.pk), make_body(a.pk, b.pk), format="json")
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [(attr, code)]
    assert snapshot() == before


def test_per_line_messages_name_the_item_and_what_was_asked(staff_client, customer, items):
    a = items[0]
    response = staff_client.post(url(customer.pk), [{"item": a.pk, "quantity": -3}])
    detail = response.json()["errors"][0]["detail"]
    assert str(a.pk) in detail
    assert "-3" in detail


def test_every_bad_line_gets_its_own_error(staff_client, customer, items):
    a, b, _ = items
    body = [
        {"item": a.pk, "quantity": 1},
        {"item": 99999, "quantity": 1},
        {"item": b.pk, "quantity": 1},
        {"item": 99998, "quantity": 1},
    ]
    response = staff_client.post(url(customer.pk), body)
    assert response.status_code == 400
    assert [e["attr"] for e in response.json()["errors"]] == ["1.item", "3.item"]


def test_insufficient_stock_is_409_naming_each_short_line(staff_client, customer, items):
    a, b, c = items
    before = snapshot()
    body = [
        {"item": a.pk, "quantity": 11},
        {"item": b.pk, "quantity": 10},
        {"item": c.pk, "quantity": 50},
    ]
    response = staff_client.post(url(customer.pk), body)
    assert response.status_code == 409
    assert response.json()["type"] == "client_error"
    errors = response.json()["errors"]
    assert [(e["attr"], e["code"]) for e in errors] == [
        ("0.quantity", "insufficient_stock"),
        ("2.quantity", "insufficient_stock"),
    ]
    assert a.name in errors[0]["detail"]
    assert "asked for 11" in errors[0]["detail"]
    assert "10 available" in errors[0]["detail"]
    assert snapshot() == before


def test_item_already_on_the_invoice_must_use_put(staff_client, customer, items):
    a, b, _ = items
    staff_client.post(url(customer.pk), [{"item": a.pk, "quantity": 1}])
    before = snapshot()
    response = staff_client.post(
        url(customer.pk), [{"item": b.pk, "quantity": 1}, {"item": a.pk, "quantity": 1}]
    )
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [
        ("1.item", "already_on_invoice")
    ]
    assert snapshot() == before


def test_unknown_customer_is_404_and_changes_nothing(staff_client, items):
    before = snapshot()
    response = staff_client.post(url(424242), [{"item": items[0].pk, "quantity": 1}])
    assert response.status_code == 404
    assert snapshot() == before


def test_too_many_lines_is_400(staff_client, customer, items, settings):
    settings.INVENTORY_PURCHASE_MAX_LINES = 2
    body = [{"item": item.pk, "quantity": 1} for item in items]
    response = staff_client.post(url(customer.pk), body)
    assert response.status_code == 400


def test_malformed_json_is_400(staff_client, customer):
    response = staff_client.generic("POST", url(customer.pk), "[{", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("client_name", ["api_client", "auth_client"])
def test_purchases_are_staff_only(request, client_name, customer, items):
    client = request.getfixturevalue(client_name)
    response = client.post(url(customer.pk), [{"item": items[0].pk, "quantity": 1}])
    assert response.status_code in (401, 403)
    assert Invoice.objects.count() == 0


# --- PUT ---------------------------------------------------------------------------------------


def test_put_sets_quantities_adds_removes_and_keeps_unmentioned(staff_client, customer):
    a, b, c, d = ItemFactory.create_batch(4, quantity=10)
    staff_client.post(
        url(customer.pk),
        [
            {"item": a.pk, "quantity": 2},
            {"item": b.pk, "quantity": 2},
            {"item": c.pk, "quantity": 2},
        ],
    )
    response = staff_client.put(
        url(customer.pk),
        [
            {"item": a.pk, "quantity": 5},  # raised: 3 more taken
            {"item": b.pk, "quantity": 0},  # removed: 2 returned
            {"item": d.pk, "quantity": 1},  # new line
        ],  # c not mentioned: stays
    )
    assert response.status_code == 200
    lines = {line["item"]: line["quantity"] for line in response.json()["lines"]}
    assert lines == {a.pk: 5, c.pk: 2, d.pk: 1}
    stock = dict(Item.objects.values_list("pk", "quantity"))
    assert stock == {a.pk: 5, b.pk: 10, c.pk: 8, d.pk: 9}
    assert response.json()["total"] == "80.00"


def test_put_lowering_a_quantity_returns_stock(staff_client, customer, items):
    a = items[0]
    staff_client.post(url(customer.pk), [{"item": a.pk, "quantity": 8}])
    staff_client.put(url(customer.pk), [{"item": a.pk, "quantity": 3}])
    assert Item.objects.get(pk=a.pk).quantity == 7


def test_put_raise_beyond_stock_is_409_and_changes_nothing(staff_client, customer, items):
    a, b, _ = items
    staff_client.post(url(customer.pk), [{"item": a.pk, "quantity": 4}])
    before = snapshot()
    # 4 on the invoice + 6 in stock: 10 is fine, 11 is one too many.
    response = staff_client.put(
        url(customer.pk), [{"item": b.pk, "quantity": 0}, {"item": a.pk, "quantity": 11}]
    )
    assert response.status_code == 409
    assert [e["attr"] for e in response.json()["errors"]] == ["1.quantity"]
    assert "4 already on the invoice" in response.json()["errors"][0]["detail"]
    assert snapshot() == before
    assert staff_client.put(url(customer.pk), [{"item": a.pk, "quantity": 10}]).status_code == 200


@pytest.mark.parametrize(
    ("make_body", "attr", "code"),
    [
        (lambda a: [{"item": a, "quantity": -1}], "0.quantity", "min_value"),
        (
            lambda a: [{"item": a, "quantity": 1}, {"item": a, "quantity": 0}],
            "1.item",
            "duplicate_item",
        ),
        (lambda a: [{"item": 987654, "quantity": 0}], "0.item", "does_not_exist"),
        (lambda a: [], "non_field_errors", "empty"),
    ],
)
def test_put_bad_lines_change_nothing(staff_client, customer, items, make_body, attr, code):
    staff_client.post(url(customer.pk), [{"item": items[1].pk, "quantity": 1}])
    before = snapshot()
    response = staff_client.put(url(customer.pk), make_body(items[0].pk), format="json")
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [(attr, code)]
    assert snapshot() == before


def test_put_only_removals_without_an_open_invoice_is_404(staff_client, customer, items):
    response = staff_client.put(url(customer.pk), [{"item": items[0].pk, "quantity": 0}])
    assert response.status_code == 404
    assert Invoice.objects.count() == 0


def test_put_opens_an_invoice_when_none_is_open(staff_client, customer, items):
    response = staff_client.put(url(customer.pk), [{"item": items[0].pk, "quantity": 2}])
    assert response.status_code == 200
    assert Item.objects.get(pk=items[0].pk).quantity == 8


# --- query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("n_lines", [1, 50])
def test_purchase_of_n_lines_runs_a_constant_number_of_queries(
    staff_client, customer, django_assert_num_queries, n_lines
):
    staff_client.post(url(customer.pk), [{"item": ItemFactory().pk, "quantity": 1}])
    body = [{"item": item.pk, "quantity": 1} for item in ItemFactory.create_batch(n_lines)]
    # The stock movements are one bulk INSERT whatever the number of lines.
    with django_assert_num_queries(17):
        response = staff_client.post(url(customer.pk), body)
    assert response.status_code == 201


@pytest.mark.parametrize("n_lines", [1, 50])
def test_put_of_n_lines_runs_a_constant_number_of_queries(
    staff_client, customer, django_assert_num_queries, n_lines
):
    new = ItemFactory.create_batch(n_lines)
    old = ItemFactory.create_batch(n_lines)
    staff_client.post(url(customer.pk), [{"item": item.pk, "quantity": 2} for item in old])
    body = [{"item": item.pk, "quantity": 1} for item in [*new, *old]]
    with django_assert_num_queries(18):
        response = staff_client.put(url(customer.pk), body)
    assert response.status_code == 200


def test_other_customers_get_their_own_invoices(staff_client, items):
    one, two = CustomerFactory.create_batch(2)
    first = staff_client.post(url(one.pk), [{"item": items[0].pk, "quantity": 1}]).json()
    second = staff_client.post(url(two.pk), [{"item": items[0].pk, "quantity": 1}]).json()
    assert first["number"] != second["number"]


def test_the_service_returns_the_invoice_with_its_new_total(customer):
    from inventory.services import PurchaseLine, purchase_create

    item = ItemFactory(price=Decimal("12.50"), quantity=10)
    invoice = purchase_create(
        customer_id=customer.pk, lines=[PurchaseLine(item=item.pk, quantity=3)]
    )
    assert invoice.total == Decimal("37.50")
