import pytest
from django.core.management import call_command
from django.urls import reverse

from inventory import demo
from inventory.models import Customer, Invoice, Item
from inventory.services import PurchaseLine, invoice_issue, purchase_create
from tests.inventory.factories import CustomerFactory, ItemFactory
from tests.members.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_demo_seed_is_idempotent(db):
    first = demo.seed()
    counts = (Item.objects.count(), Customer.objects.count(), Invoice.objects.count())
    second = demo.seed()
    assert first.startswith("8 items, 2 customers, 1 invoice")
    assert second.startswith("0 items, 0 customers, 0 invoice")
    assert counts == (Item.objects.count(), Customer.objects.count(), Invoice.objects.count())
    assert Item.objects.filter(quantity__lte=10).exists()
    assert Item.objects.filter(expiry_date__isnull=False).exists()


@pytest.mark.parametrize("url_name", ["item", "customer", "invoice", "stockreport"])
def test_admin_changelists_render(admin_client, url_name):
    demo.seed()
    call_command("generate_stock_list")
    response = admin_client.get(reverse(f"admin:inventory_{url_name}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("params", [{"low_stock": "yes"}, {"expiry": "7"}, {"expiry": "expired"}])
def test_item_admin_filters(admin_client, params):
    demo.seed()
    assert admin_client.get(reverse("admin:inventory_item_changelist"), params).status_code == 200


def test_invoice_admin_shows_lines_and_pdf_link(admin_client):
    invoice = purchase_create(
        customer_id=CustomerFactory().pk,
        lines=[PurchaseLine(item=ItemFactory(name="Admin widget").pk, quantity=2)],
    )
    invoice_issue(invoice_id=invoice.pk)
    response = admin_client.get(reverse("admin:inventory_invoice_change", args=[invoice.pk]))
    assert response.status_code == 200
    assert b"Admin widget" in response.content
    assert reverse("invoice-pdf", args=[invoice.pk]).encode() in response.content
    assert admin_client.get(reverse("invoice-pdf", args=[invoice.pk])).status_code == 200


def test_item_admin_list_editable_quantity(admin_client):
    item = ItemFactory(quantity=1)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(item.pk),
        "form-0-quantity": "42",
        "_save": "Save",
    }
    response = admin_client.post(reverse("admin:inventory_item_changelist"), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.quantity == 42
