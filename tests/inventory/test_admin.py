"""The inventory admin is a door onto the inventory services, like the API: stock changes only
through "Adjust stock" (item_stock_adjust) and the add form's initial quantity."""

import logging

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.urls import reverse

from inventory import demo, services
from inventory.admin import ItemAdmin
from inventory.exceptions import InvoiceNotFound
from inventory.models import Customer, Invoice, Item, StockReport
from inventory.services import PurchaseLine, invoice_issue, purchase_create
from tests.inventory.factories import CustomerFactory, ItemFactory
from tests.members.factories import UserFactory


def adjust_url(item) -> str:
    return reverse("admin:inventory_item_adjust_stock", args=[item.pk])


def movements_inline(item) -> dict:
    """The read-only stock movements inline as the browser posts it: its management form and
    each shown row's hidden keys."""
    ids = list(item.movements.order_by("-created_at", "-id").values_list("pk", flat=True))
    data = {
        "movements-TOTAL_FORMS": str(len(ids)),
        "movements-INITIAL_FORMS": str(len(ids)),
        "movements-MIN_NUM_FORMS": "0",
        "movements-MAX_NUM_FORMS": "1000",
    }
    for index, pk in enumerate(ids):
        data |= {f"movements-{index}-id": str(pk), f"movements-{index}-item": str(item.pk)}
    return data


def item_form(item, **changes) -> dict:
    """The item change form as the browser posts it (quantity is not on it)."""
    return {
        "name": item.name,
        "description": item.description,
        "price": str(item.price),
        "reorder_level": item.reorder_level,
        "expiry_date": "",
        "sku": item.sku or "",
        **movements_inline(item),
        **changes,
    }


@pytest.mark.parametrize("url_name", ["item", "customer", "invoice", "stockreport"])
def test_admin_changelists_render(superuser_client, url_name):
    demo.seed()
    call_command("generate_stock_list")
    response = superuser_client.get(reverse(f"admin:inventory_{url_name}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("params", [{"low_stock": "yes"}, {"expiry": "7"}, {"expiry": "expired"}])
def test_item_admin_filters(superuser_client, params):
    demo.seed()
    assert (
        superuser_client.get(reverse("admin:inventory_item_changelist"), params).status_code == 200
    )


def test_item_admin_low_stock_filter_and_column_use_the_one_rule(superuser_client):
    low = ItemFactory(name="Edge", quantity=5, reorder_level=5)
    ItemFactory(name="Plenty", quantity=6, reorder_level=5)
    response = superuser_client.get(
        reverse("admin:inventory_item_changelist"), {"low_stock": "yes"}
    )
    assert [item.pk for item in response.context["cl"].result_list] == [low.pk]
    assert response.context["cl"].result_list[0].is_low_stock is True


def test_invoice_admin_shows_lines_and_pdf_link(superuser_client):
    invoice = purchase_create(
        customer_id=CustomerFactory().pk,
        lines=[PurchaseLine(item=ItemFactory(name="Admin widget").pk, quantity=2)],
    )
    invoice_issue(invoice_id=invoice.pk)
    response = superuser_client.get(reverse("admin:inventory_invoice_change", args=[invoice.pk]))
    assert response.status_code == 200
    assert b"Admin widget" in response.content
    assert reverse("invoice-pdf", args=[invoice.pk]).encode() in response.content
    assert superuser_client.get(reverse("invoice-pdf", args=[invoice.pk])).status_code == 200


def test_invoices_and_stock_reports_are_view_only(superuser_client):
    invoice = purchase_create(
        customer_id=CustomerFactory().pk, lines=[PurchaseLine(item=ItemFactory().pk, quantity=1)]
    )
    call_command("generate_stock_list")
    report = StockReport.objects.get()
    before = Invoice.objects.values("updated_at").get(pk=invoice.pk)
    response = superuser_client.post(
        reverse("admin:inventory_invoice_change", args=[invoice.pk]), {}
    )
    assert response.status_code == 403
    assert Invoice.objects.values("updated_at").get(pk=invoice.pk) == before
    change = reverse("admin:inventory_stockreport_change", args=[report.pk])
    assert superuser_client.post(change, {}).status_code == 403


# --- stock: no door but the adjustment --------------------------------------------------------


def test_the_changelist_no_longer_edits_quantity(superuser_client):
    assert "quantity" not in ItemAdmin.list_editable
    item = ItemFactory(quantity=1)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(item.pk),
        "form-0-quantity": "42",
        "_save": "Save",
    }
    superuser_client.post(reverse("admin:inventory_item_changelist"), data)
    item.refresh_from_db()
    assert item.quantity == 1


def test_the_change_form_shows_quantity_read_only_and_cannot_set_it(superuser_client):
    item = ItemFactory(name="Tea", quantity=7)
    change = reverse("admin:inventory_item_change", args=[item.pk])
    page = superuser_client.get(change)
    assert "quantity" not in page.context["adminform"].form.fields
    assert adjust_url(item) in page.content.decode()  # the "Adjust stock" button
    response = superuser_client.post(change, item_form(item, name="Green tea", quantity="500"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.name, item.quantity) == ("Green tea", 7)


def test_the_add_form_takes_the_initial_quantity_as_a_stock_movement(
    superuser_client, superuser, caplog, django_capture_on_commit_callbacks
):
    data = {"name": "Rice", "description": "", "price": "3.00", "quantity": "12"}
    data |= {"reorder_level": "4", "expiry_date": "", "sku": ""}
    data |= {"movements-TOTAL_FORMS": "0", "movements-INITIAL_FORMS": "0"}
    with (
        caplog.at_level(logging.INFO, "inventory"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = superuser_client.post(reverse("admin:inventory_item_add"), data)
    assert response.status_code == 302
    item = Item.objects.get(name="Rice")
    assert (item.quantity, item.sku) == (12, None)
    assert f"stock moved (initial) by {superuser.pk}: item {item.pk} +12" in caplog.text


def test_adjust_stock_lowers_it_through_the_service_and_records_the_note(
    superuser_client, superuser, caplog, django_capture_on_commit_callbacks
):
    item = ItemFactory(name="Milk", quantity=10)
    assert superuser_client.get(adjust_url(item)).status_code == 200
    with (
        caplog.at_level(logging.INFO, "inventory"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = superuser_client.post(adjust_url(item), {"delta": "-3", "note": "3 broken"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:inventory_item_change", args=[item.pk])
    item.refresh_from_db()
    assert item.quantity == 7
    assert f"stock moved (adjustment) by {superuser.pk}: item {item.pk} -3 - '3 broken'" in (
        caplog.text
    )
    entry = LogEntry.objects.get(object_id=str(item.pk))
    assert entry.get_change_message() == "Adjusted stock by -3: 3 broken"


def test_adjust_stock_refuses_going_below_zero_with_the_services_message(superuser_client):
    item = ItemFactory(name="Bread", quantity=2)
    response = superuser_client.post(adjust_url(item), {"delta": "-3", "note": "count"})
    assert response.status_code == 200  # the form again, with the error
    assert (
        f"Not enough stock of item {item.pk} (Bread): cannot take out 3, 2 available."
        in response.content.decode()
    )
    item.refresh_from_db()
    assert item.quantity == 2
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [({"delta": "5", "note": ""}, "note"), ({"delta": "0", "note": "x"}, "delta")],
    ids=["no-note", "zero"],
)
def test_adjust_stock_needs_a_note_and_a_change(superuser_client, data, field):
    item = ItemFactory(quantity=2)
    response = superuser_client.post(adjust_url(item), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    item.refresh_from_db()
    assert item.quantity == 2


def test_adjust_stock_is_for_staff_who_may_change_items(client, db):
    item = ItemFactory(quantity=2)
    client.force_login(UserFactory(is_staff=True))  # staff, but no inventory permissions
    assert client.post(adjust_url(item), {"delta": "5", "note": "x"}).status_code == 403
    item.refresh_from_db()
    assert item.quantity == 2


# --- the other writes and deletes -------------------------------------------------------------


def test_item_delete_and_bulk_delete_go_through_the_service(superuser_client):
    one, two, three = ItemFactory.create_batch(3)
    delete = reverse("admin:inventory_item_delete", args=[one.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 302
    action = {"action": "delete_selected", "_selected_action": [two.pk, three.pk], "post": "yes"}
    assert (
        superuser_client.post(reverse("admin:inventory_item_changelist"), action).status_code == 302
    )
    assert not Item.objects.exists()


def test_an_item_on_an_invoice_cannot_be_deleted(superuser_client):
    item = ItemFactory()
    purchase_create(
        customer_id=CustomerFactory().pk, lines=[PurchaseLine(item=item.pk, quantity=1)]
    )
    response = superuser_client.post(
        reverse("admin:inventory_item_delete", args=[item.pk]), {"post": "yes"}
    )
    assert response.status_code == 200  # Django lists the invoice line that protects it
    assert Item.objects.filter(pk=item.pk).exists()


def test_customer_added_in_the_admin_in_national_format_is_stored_e164(superuser_client):
    data = {"name": "Asha", "phone": "098765 43210", "address": "4 Park Street", "email": ""}
    response = superuser_client.post(reverse("admin:inventory_customer_add"), data)
    assert response.status_code == 302
    customer = Customer.objects.get()
    assert str(customer.phone) == "+919876543210"
    page = superuser_client.get(reverse("admin:inventory_customer_change", args=[customer.pk]))
    assert 'value="+919876543210"' in page.content.decode()


def test_customer_change_and_delete_go_through_the_services(superuser_client):
    customer = CustomerFactory(name="Old", phone="+919876543210")
    change = reverse("admin:inventory_customer_change", args=[customer.pk])
    data = {"name": "New", "phone": "+91 80 4123 4567", "address": "x", "email": ""}
    assert superuser_client.post(change, data).status_code == 302
    customer.refresh_from_db()
    assert (customer.name, str(customer.phone)) == ("New", "+918041234567")
    delete = reverse("admin:inventory_customer_delete", args=[customer.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Customer.objects.exists()


def test_stock_report_delete_goes_through_the_service(superuser_client):
    call_command("generate_stock_list")
    report = StockReport.objects.get()
    delete = reverse("admin:inventory_stockreport_delete", args=[report.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 302
    assert not StockReport.objects.exists()


def test_the_admin_keeps_a_plausible_international_phone_and_refuses_others(superuser_client):
    add = reverse("admin:inventory_customer_add")
    data = {"name": "Old client", "phone": "+999 999 9999", "address": "x", "email": ""}
    assert superuser_client.post(add, data).status_code == 302
    assert Customer.objects.get().phone == "+9999999999"
    refused = superuser_client.post(add, {**data, "phone": "+999"})
    assert refused.status_code == 200  # the form again, with the error
    assert refused.context["adminform"].form.errors["phone"] == ["'+999' is not a phone number."]
    assert Customer.objects.count() == 1


# --- issue 14: read-only pages, the "Issue invoice" action, human messages, titles ------------


def _invoice(customer=None) -> Invoice:
    return purchase_create(
        customer_id=(customer or CustomerFactory()).pk,
        lines=[PurchaseLine(item=ItemFactory().pk, quantity=1)],
    )


INVOICE_CHANGELIST = reverse("admin:inventory_invoice_changelist")


def test_issued_invoices_and_stock_reports_have_no_save_buttons(superuser_client):
    invoice = _invoice()
    invoice_issue(invoice_id=invoice.pk)
    call_command("generate_stock_list")
    pages = [
        reverse("admin:inventory_invoice_change", args=[invoice.pk]),
        reverse("admin:inventory_stockreport_change", args=[StockReport.objects.get().pk]),
    ]
    for page in pages:
        response = superuser_client.get(page)
        assert response.status_code == 200
        assert b'name="_save"' not in response.content
        assert b'name="_continue"' not in response.content


def test_issue_invoice_issues_open_ones_and_reports_those_already_issued(client, db):
    open_invoice, issued = _invoice(), _invoice()
    invoice_issue(invoice_id=issued.pk)
    staff = UserFactory(
        is_staff=True, permissions=["inventory.view_invoice", "inventory.change_invoice"]
    )
    client.force_login(staff)

    response = client.post(
        INVOICE_CHANGELIST,
        {"action": "issue", "_selected_action": [open_invoice.pk, issued.pk]},
        follow=True,
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert f"Issued 1: {open_invoice.number}." in text
    assert f"Skipped 1 already issued: {issued.number}." in text
    open_invoice.refresh_from_db()
    assert open_invoice.status == Invoice.Status.ISSUED
    entry = LogEntry.objects.get(object_id=str(open_invoice.pk))
    assert (entry.user_id, entry.change_message) == (staff.pk, "Issued.")


def test_issue_invoice_is_not_offered_to_staff_who_may_only_view_invoices(client, db):
    invoice = _invoice()
    client.force_login(UserFactory(is_staff=True, permissions=["inventory.view_invoice"]))

    page = client.get(INVOICE_CHANGELIST)
    response = client.post(
        INVOICE_CHANGELIST, {"action": "issue", "_selected_action": [invoice.pk]}
    )

    assert b'value="issue"' not in page.content
    assert b'value="export_as_csv"' in page.content
    assert response.status_code == 302  # "No action selected." and nothing done
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN


def test_a_refused_issue_is_an_admin_message_not_a_500(superuser_client, monkeypatch):
    invoice = _invoice()

    def refuse(*, invoice_id):
        raise InvoiceNotFound(f"Invoice {invoice_id} does not exist.")

    monkeypatch.setattr(services, "invoice_issue", refuse)
    response = superuser_client.post(
        INVOICE_CHANGELIST, {"action": "issue", "_selected_action": [invoice.pk]}, follow=True
    )

    assert response.status_code == 200
    assert f"{invoice.number}: Invoice {invoice.pk} does not exist." in response.content.decode()


def test_a_database_rule_broken_in_the_add_form_shows_its_human_message(superuser_client):
    data = {"name": "Rice", "description": "", "price": "3.00", "quantity": "-1"}
    data |= {"reorder_level": "4", "expiry_date": "", "sku": ""}
    data |= {"movements-TOTAL_FORMS": "0", "movements-INITIAL_FORMS": "0"}

    response = superuser_client.post(reverse("admin:inventory_item_add"), data)

    assert response.status_code == 200
    assert "The quantity in stock cannot be below 0." in response.content.decode()
    assert b"item_quantity_gte_0" not in response.content
    assert not Item.objects.exists()


def test_an_invoice_page_is_titled_by_its_number_and_customer(superuser_client):
    invoice = _invoice(CustomerFactory(name="Zoë Ñandú"))

    response = superuser_client.get(reverse("admin:inventory_invoice_change", args=[invoice.pk]))

    assert f"Invoice {invoice.number} — Zoë Ñandú" in response.content.decode()


# --- issue 15: frozen invoices and credit notes, read-only ------------------------------------


def _credited_invoice():
    item = ItemFactory(name="Returned widget", price="3.00", quantity=10)
    invoice = purchase_create(
        customer_id=CustomerFactory(name="Ada Lovelace").pk,
        lines=[PurchaseLine(item=item.pk, quantity=4)],
    )
    invoice = invoice_issue(invoice_id=invoice.pk)
    note = services.credit_note_create(
        invoice_id=invoice.pk, lines=[services.CreditLine(item=item.pk, quantity=1)]
    )
    return invoice, note


def test_invoice_page_shows_credit_fields_sha_and_its_credit_notes(superuser_client):
    invoice, note = _credited_invoice()
    response = superuser_client.get(reverse("admin:inventory_invoice_change", args=[invoice.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert invoice.pdf_sha256 in text
    assert note.number in text
    assert "9.00" in text  # net total: 12.00 - 3.00


def test_credit_notes_are_listed_with_their_lines_and_read_only(superuser_client):
    _invoice, note = _credited_invoice()
    listing = superuser_client.get(reverse("admin:inventory_creditnote_changelist"))
    assert listing.status_code == 200
    assert note.number in listing.content.decode()
    assert reverse("creditnote-pdf", args=[note.pk]) in listing.content.decode()
    page = superuser_client.get(reverse("admin:inventory_creditnote_change", args=[note.pk]))
    text = page.content.decode()
    assert "Returned widget" in text
    assert 'name="_save"' not in text
    assert superuser_client.get(reverse("admin:inventory_creditnote_add")).status_code == 403
    delete = reverse("admin:inventory_creditnote_delete", args=[note.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert superuser_client.get(reverse("creditnote-pdf", args=[note.pk])).status_code == 200
