"""The stock ledger from the outside: every door writes its movements, the invariant holds,
staff adjust and read the history over the API, and expired stock cannot be sold."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from inventory.ledger import ledger_breaks
from inventory.models import Item, StockMovement
from tests.inventory.factories import CustomerFactory, ItemFactory
from tests.members.factories import UserFactory


def adjust_url(item_id) -> str:
    return reverse("item-adjust", args=[item_id])


def movements_url(item_id) -> str:
    return reverse("item-movements", args=[item_id])


def purchase_url(customer_id) -> str:
    return reverse("customer-purchase", args=[customer_id])


def ledger(item) -> list[tuple]:
    """The item's movements oldest first: (reason, delta, balance_after)."""
    return list(
        StockMovement.objects.filter(item=item)
        .order_by("id")
        .values_list("reason", "delta", "balance_after")
    )


# --- every door writes its movement ------------------------------------------------------------


def test_creating_an_item_records_its_initial_stock(staff_client):
    response = staff_client.post(
        reverse("item-list"), {"name": "Tea", "price": "2.00", "quantity": 12}, format="json"
    )
    assert response.status_code == 201
    item = Item.objects.get(pk=response.json()["id"])
    assert ledger(item) == [("initial", 12, 12)]
    movement = item.movements.get()
    assert movement.actor is not None and movement.actor.is_staff


def test_an_item_created_without_stock_has_an_initial_movement_of_zero(staff_client):
    response = staff_client.post(reverse("item-list"), {"name": "Tea", "price": "2.00"})
    assert ledger(Item.objects.get(pk=response.json()["id"])) == [("initial", 0, 0)]


def test_purchases_post_and_put_raise_and_lower_and_the_ledger_adds_up(staff_client, staff_user):
    customer = CustomerFactory()
    tea, rice = ItemFactory(quantity=10), ItemFactory(quantity=5)
    body = [{"item": tea.pk, "quantity": 3}, {"item": rice.pk, "quantity": 1}]
    assert staff_client.post(purchase_url(customer.pk), body, format="json").status_code == 201
    put = [{"item": tea.pk, "quantity": 7}, {"item": rice.pk, "quantity": 0}]
    assert staff_client.put(purchase_url(customer.pk), put, format="json").status_code == 200
    lower = [{"item": tea.pk, "quantity": 2}]
    assert staff_client.put(purchase_url(customer.pk), lower, format="json").status_code == 200
    assert ledger(tea) == [
        ("initial", 10, 10),
        ("purchase", -3, 7),
        ("purchase_change", -4, 3),
        ("purchase_change", 5, 8),
    ]
    assert ledger(rice) == [("initial", 5, 5), ("purchase", -1, 4), ("purchase_change", 1, 5)]
    tea.refresh_from_db()
    rice.refresh_from_db()
    assert (tea.quantity, rice.quantity) == (8, 5)
    invoice_ids = set(
        StockMovement.objects.exclude(reason="initial").values_list("invoice", flat=True)
    )
    assert len(invoice_ids) == 1 and None not in invoice_ids
    assert set(StockMovement.objects.exclude(reason="initial").values_list("actor", flat=True)) == {
        staff_user.pk
    }
    assert ledger_breaks() == []


def test_a_refused_purchase_writes_no_movement(staff_client):
    customer = CustomerFactory()
    item = ItemFactory(quantity=2)
    body = [{"item": item.pk, "quantity": 3}]
    assert staff_client.post(purchase_url(customer.pk), body, format="json").status_code == 409
    assert ledger(item) == [("initial", 2, 2)]


# --- staff adjustments over the API -----------------------------------------------------------


def test_the_documented_adjustment_takes_out_three_with_its_note(staff_client, staff_user):
    item = ItemFactory(quantity=10)
    response = staff_client.post(
        adjust_url(item.pk),
        data=b'{"delta": -3, "note": "broken in transit"}',
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("item", "delta", "balance_after", "reason", "note", "actor")} == {
        "item": item.pk,
        "delta": -3,
        "balance_after": 7,
        "reason": "adjustment",
        "note": "broken in transit",
        "actor": staff_user.username,
    }
    assert Item.objects.get(pk=item.pk).quantity == 7


def test_taking_out_more_than_is_in_stock_is_409_naming_the_item_and_what_is_available(
    staff_client,
):
    item = ItemFactory(name="Bread", quantity=2)
    response = staff_client.post(adjust_url(item.pk), {"delta": -3, "note": "count"}, format="json")
    assert response.status_code == 409
    [error] = response.json()["errors"]
    assert (error["code"], error["attr"]) == ("insufficient_stock", "delta")
    assert error["detail"] == (
        f"Not enough stock of item {item.pk} (Bread): cannot take out 3, 2 available."
    )
    assert ledger(item) == [("initial", 2, 2)]


@pytest.mark.parametrize(
    ("body", "attr", "code"),
    [
        ({"delta": 5}, "note", "required"),
        ({"delta": 5, "note": ""}, "note", "blank"),
        ({"delta": 5, "note": "   "}, "note", "blank"),
        ({"note": "count"}, "delta", "required"),
        ({"delta": 0, "note": "count"}, "delta", "zero"),
        ({"delta": "three", "note": "count"}, "delta", "invalid"),
        ({"delta": 1.5, "note": "count"}, "delta", "invalid"),
        ({"delta": 2**31, "note": "count"}, "delta", "max_value"),
        ({"delta": -(2**31), "note": "count"}, "delta", "min_value"),
        ({"delta": 1, "note": "x" * 501}, "note", "max_length"),
        ({"delta": 1, "note": "null\x00byte"}, "note", "null_characters_not_allowed"),
        ({"delta": 1, "note": "count", "quantity": 99}, "quantity", "unknown_field"),
        ({"delta": 1, "note": "count", "reason": "initial"}, "reason", "unknown_field"),
    ],
)
def test_a_bad_adjustment_is_400_naming_the_field_and_changes_nothing(
    staff_client, body, attr, code
):
    item = ItemFactory(quantity=10)
    response = staff_client.post(adjust_url(item.pk), body, format="json")
    assert response.status_code == 400
    assert (attr, code) in [(e["attr"], e["code"]) for e in response.json()["errors"]]
    assert ledger(item) == [("initial", 10, 10)]


def test_a_lone_surrogate_in_the_note_is_400(staff_client):
    item = ItemFactory(quantity=10)
    response = staff_client.post(
        adjust_url(item.pk),
        data=b'{"delta": 1, "note": "\\ud800"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "note"
    assert ledger(item) == [("initial", 10, 10)]


def test_adding_past_the_column_limit_is_400(staff_client):
    item = ItemFactory(quantity=2**31 - 2)
    response = staff_client.post(adjust_url(item.pk), {"delta": 5, "note": "x"}, format="json")
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [("delta", "max_value")]


def test_only_staff_adjust_or_read_movements(api_client, auth_client):
    item = ItemFactory(quantity=10)
    body = {"delta": 5, "note": "count"}
    assert api_client.post(adjust_url(item.pk), body, format="json").status_code in (401, 403)
    assert auth_client.post(adjust_url(item.pk), body, format="json").status_code == 403
    assert api_client.get(movements_url(item.pk)).status_code in (401, 403)
    assert auth_client.get(movements_url(item.pk)).status_code == 403
    assert ledger(item) == [("initial", 10, 10)]


def test_adjusting_or_listing_an_unknown_item_is_404(staff_client):
    assert staff_client.post(adjust_url(999999), {"delta": 1, "note": "x"}).status_code == 404
    assert staff_client.get(movements_url(999999)).status_code == 404


# --- the history ---------------------------------------------------------------------------------


def test_movements_are_newest_first_with_link_pagination(staff_client):
    item = ItemFactory(quantity=10)
    for delta in (1, 2, 3):
        staff_client.post(adjust_url(item.pk), {"delta": delta, "note": f"+{delta}"})
    ItemFactory(quantity=50)  # another item's movements are not listed
    response = staff_client.get(movements_url(item.pk), {"page_size": 2})
    assert response.status_code == 200
    assert [(m["reason"], m["delta"], m["balance_after"]) for m in response.json()] == [
        ("adjustment", 3, 16),
        ("adjustment", 2, 13),
    ]
    assert response["X-Total-Count"] == "4"
    assert 'rel="next"' in response["Link"] and "page=2" in response["Link"]
    last = staff_client.get(movements_url(item.pk), {"page_size": 2, "page": 2}).json()
    assert [(m["reason"], m["delta"]) for m in last] == [("adjustment", 1), ("initial", 10)]


def test_movements_filter_by_reason_and_date_range(staff_client):
    customer = CustomerFactory()
    item = ItemFactory(quantity=10)
    staff_client.post(purchase_url(customer.pk), [{"item": item.pk, "quantity": 2}], format="json")
    staff_client.post(adjust_url(item.pk), {"delta": -1, "note": "broken"})
    StockMovement.objects.filter(item=item, reason="initial").update(
        created_at=timezone.now() - timedelta(days=10)
    )
    url = movements_url(item.pk)
    assert [m["reason"] for m in staff_client.get(url, {"reason": "purchase"}).json()] == [
        "purchase"
    ]
    both = staff_client.get(f"{url}?reason=purchase&reason=adjustment").json()
    assert [m["reason"] for m in both] == ["adjustment", "purchase"]
    today = timezone.localdate().isoformat()
    assert [m["reason"] for m in staff_client.get(url, {"created_after": today}).json()] == [
        "adjustment",
        "purchase",
    ]
    before = (timezone.localdate() - timedelta(days=5)).isoformat()
    assert [m["reason"] for m in staff_client.get(url, {"created_before": before}).json()] == [
        "initial"
    ]
    purchase = staff_client.get(url, {"reason": "purchase"}).json()[0]
    assert purchase["invoice_number"].startswith("INV-")


@pytest.mark.parametrize(
    ("params", "attr"),
    [
        ({"reason": "theft"}, "reason"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"created_before": "2026-02-30"}, "created_before"),
        ({"page": "0"}, "page"),
        ({"page_size": "100000"}, "page_size"),
    ],
)
def test_bad_movement_filters_are_400_naming_the_parameter(staff_client, params, attr):
    item = ItemFactory()
    response = staff_client.get(movements_url(item.pk), params)
    assert response.status_code == 400
    assert [e["attr"] for e in response.json()["errors"]] == [attr]


def test_listing_movements_costs_the_same_queries_for_any_page(
    staff_client, django_assert_num_queries
):
    item = ItemFactory(quantity=100)
    for _ in range(30):
        staff_client.post(adjust_url(item.pk), {"delta": -1, "note": "count"})
    # the token (two, as on every token request), the staff member's permissions (two), the
    # item, the count, the page (movements joined with their actor and invoice): 7 for 25
    # rows as for 1
    with django_assert_num_queries(7):
        assert len(staff_client.get(movements_url(item.pk), {"page_size": 25}).json()) == 25


# --- the invariant and its check -------------------------------------------------------------


def test_stock_ledger_check_passes_then_names_an_item_whose_stock_was_overwritten(db):
    customer = CustomerFactory()
    good, bad = ItemFactory(name="Good", quantity=5), ItemFactory(name="Bad", quantity=5)
    from inventory.services import PurchaseLine, purchase_create

    purchase_create(customer_id=customer.pk, lines=[PurchaseLine(item=good.pk, quantity=2)])
    out = StringIO()
    call_command("stock_ledger_check", stdout=out)
    assert "OK" in out.getvalue()
    Item.objects.filter(pk=bad.pk).update(quantity=9)  # behind the services' back
    StockMovement.objects.filter(item=good, reason="purchase").update(balance_after=1)
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("stock_ledger_check", stdout=out, stderr=err)
    assert exit_.value.code == 1
    assert f"item {bad.pk} (Bad): quantity 9 but its movements add up to 5" in out.getvalue()
    assert f"item {good.pk} (Good): movement" in out.getvalue()
    assert "running sum is 3" in out.getvalue()
    assert "2 item(s) break the stock ledger." in err.getvalue()


def test_an_item_without_an_initial_movement_breaks_the_ledger(db):
    item = ItemFactory(quantity=0)
    item.movements.all().delete()
    assert [b.problem for b in ledger_breaks()] == ["0 initial movements (expected 1)"]


# --- expired stock -----------------------------------------------------------------------------


def test_an_expired_item_cannot_be_sold_and_nothing_changes(staff_client):
    customer = CustomerFactory()
    yesterday = timezone.localdate() - timedelta(days=1)
    fresh = ItemFactory(quantity=10)
    old = ItemFactory(name="Old milk", quantity=10, expiry_date=yesterday)
    body = [{"item": fresh.pk, "quantity": 1}, {"item": old.pk, "quantity": 1}]
    response = staff_client.post(purchase_url(customer.pk), body, format="json")
    assert response.status_code == 409
    assert response.json()["errors"] == [
        {
            "code": "expired",
            "detail": f"Item {old.pk} (Old milk) expired on {yesterday.isoformat()} and cannot "
            "be sold.",
            "attr": "1.item",
        }
    ]
    assert not customer.invoices.exists()
    assert (ledger(fresh), ledger(old)) == ([("initial", 10, 10)], [("initial", 10, 10)])


def test_an_item_expiring_today_is_still_sold(staff_client):
    customer = CustomerFactory()
    item = ItemFactory(quantity=10, expiry_date=timezone.localdate())
    body = [{"item": item.pk, "quantity": 1}]
    assert staff_client.post(purchase_url(customer.pk), body, format="json").status_code == 201


def test_a_put_may_give_back_expired_stock_but_not_take_more(staff_client):
    customer = CustomerFactory()
    item = ItemFactory(quantity=10)
    staff_client.post(purchase_url(customer.pk), [{"item": item.pk, "quantity": 4}], format="json")
    Item.objects.filter(pk=item.pk).update(expiry_date=timezone.localdate() - timedelta(days=1))
    more = staff_client.put(purchase_url(customer.pk), [{"item": item.pk, "quantity": 5}])
    assert more.status_code == 409
    assert more.json()["errors"][0]["code"] == "expired"
    less = staff_client.put(
        purchase_url(customer.pk), [{"item": item.pk, "quantity": 1}], format="json"
    )
    assert less.status_code == 200
    assert ledger(item)[-1] == ("purchase_change", 3, 9)


def test_the_admin_add_form_records_the_staff_member_on_the_initial_movement(superuser_client):
    data = {"name": "Rice", "description": "", "price": "3.00", "quantity": "12"}
    data |= {"reorder_level": "4", "expiry_date": "", "sku": ""}
    data |= {"movements-TOTAL_FORMS": "0", "movements-INITIAL_FORMS": "0"}
    assert superuser_client.post(reverse("admin:inventory_item_add"), data).status_code == 302
    movement = StockMovement.objects.get(item__name="Rice")
    assert (movement.reason, movement.delta, movement.actor.is_superuser) == ("initial", 12, True)


def test_the_admin_item_page_shows_its_movements_read_only(superuser_client):
    item = ItemFactory(quantity=10)
    superuser_client.post(
        reverse("admin:inventory_item_adjust_stock", args=[item.pk]),
        {"delta": "-3", "note": "3 broken"},
    )
    page = superuser_client.get(reverse("admin:inventory_item_change", args=[item.pk]))
    html = page.content.decode()
    assert "stock movements (newest first)" in html.lower()
    assert "3 broken" in html
    assert 'name="movements-0-delta"' not in html  # shown, not editable


def test_staff_without_permissions_cannot_use_the_admin_adjust_page(client, db):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    item = ItemFactory(quantity=10)
    response = client.post(
        reverse("admin:inventory_item_adjust_stock", args=[item.pk]),
        {"delta": "-3", "note": "x"},
    )
    assert response.status_code in (302, 403)
    assert Item.objects.get(pk=item.pk).quantity == 10


# --- staff need the inventory permissions, as in the admin -----------------------------------


def test_a_staff_token_without_permissions_is_403_on_every_inventory_write_and_staff_read(
    make_token_client, db
):
    client = make_token_client(UserFactory(is_staff=True))
    item, customer = ItemFactory(quantity=10), CustomerFactory()
    json = {"format": "json"}
    requests = [
        client.post(adjust_url(item.pk), {"delta": 1, "note": "x"}, **json),
        client.get(movements_url(item.pk)),
        client.patch(reverse("item-detail", args=[item.pk]), {"name": "pwn"}, **json),
        client.post(reverse("item-list"), {"name": "x", "price": "1.00"}, **json),
        client.delete(reverse("item-detail", args=[item.pk])),
        client.get(reverse("customer-list")),
        client.post(purchase_url(customer.pk), [{"item": item.pk, "quantity": 1}], **json),
        client.get(purchase_url(customer.pk)),
        client.get(reverse("invoice-list")),
        client.get(reverse("creditnote-list")),
        client.get(reverse("low-stock-items")),
    ]
    assert [r.status_code for r in requests] == [403] * len(requests)
    assert Item.objects.values_list("name", "quantity").get(pk=item.pk) == (item.name, 10)
    assert item.movements.count() == 1
    assert not customer.invoices.exists()


def test_a_staff_member_who_may_only_view_reads_but_cannot_adjust(make_token_client, db):
    from django.contrib.auth.models import Permission

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.set(
        Permission.objects.filter(content_type__app_label="inventory", codename__startswith="view_")
    )
    client = make_token_client(viewer)
    item = ItemFactory(quantity=10)
    assert client.get(movements_url(item.pk)).status_code == 200
    assert client.get(reverse("invoice-list")).status_code == 200
    assert client.post(adjust_url(item.pk), {"delta": 1, "note": "x"}).status_code == 403
    assert Item.objects.get(pk=item.pk).quantity == 10


# --- the probe's findings ---------------------------------------------------------------------


@pytest.mark.parametrize("delta", ["1_000", "\uff11", " 3 ", True, "3.0", "0x10"])
def test_a_delta_that_is_not_a_plain_integer_is_400_and_moves_nothing(staff_client, delta):
    item = ItemFactory(quantity=10)
    body = {"delta": delta, "note": "x"}
    response = staff_client.post(adjust_url(item.pk), body, format="json")
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [("delta", "invalid")]
    assert Item.objects.get(pk=item.pk).quantity == 10


@pytest.mark.parametrize("quantity", ["1_0", "\uff11", True])
def test_a_purchase_quantity_that_is_not_a_plain_integer_is_400(staff_client, quantity):
    customer, item = CustomerFactory(), ItemFactory(quantity=100)
    body = [{"item": item.pk, "quantity": quantity}]
    response = staff_client.post(purchase_url(customer.pk), body, format="json")
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [
        ("0.quantity", "invalid")
    ]
    assert Item.objects.get(pk=item.pk).quantity == 100


def test_a_note_cannot_forge_a_log_line(staff_client, caplog, django_capture_on_commit_callbacks):
    item = ItemFactory(quantity=10)
    with (
        caplog.at_level("INFO", "inventory"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        body = {"delta": 1, "note": "ok\n2026-12-02 INFO forged line"}
        assert staff_client.post(adjust_url(item.pk), body, format="json").status_code == 201
    [record] = [r for r in caplog.records if r.name == "inventory.services.movements"]
    assert "\n" not in record.getMessage()
    assert "'ok\\n2026-12-02 INFO forged line'" in record.getMessage()
    assert item.movements.latest("id").note == "ok\n2026-12-02 INFO forged line"  # kept as sent
