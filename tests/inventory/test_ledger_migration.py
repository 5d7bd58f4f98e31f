"""The backfill migration: a database from before the ledger satisfies its invariant after it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inventory.ledger import ledger_breaks
from inventory.models import Invoice, InvoiceLine, StockMovement
from tests.migrations import migrate, migrate_to_latest

BEFORE = [("inventory", "0008_item_expiry_date_range")]
AFTER = [("inventory", "0010_ledger_backfill")]


@pytest.mark.django_db(transaction=True)
def test_existing_items_invoices_and_issued_snapshots_are_backfilled():
    old = migrate(BEFORE)
    try:
        Item = old.get_model("inventory", "Item")
        Customer = old.get_model("inventory", "Customer")
        OldInvoice = old.get_model("inventory", "Invoice")
        OldLine = old.get_model("inventory", "InvoiceLine")
        tea = Item.objects.create(name="Tea", price="2.00", quantity=7, reorder_level=1)
        rice = Item.objects.create(name="Rice", price="3.00", quantity=0, reorder_level=1)
        unsold = Item.objects.create(name="Salt", price="1.00", quantity=4, reorder_level=1)
        asha = Customer.objects.create(name="Asha", phone="+919876543210", address="4 Park St")
        issued = OldInvoice.objects.create(
            customer=asha,
            number="INV-2026-000001",
            status="issued",
            issued_at=timezone.now() - timedelta(days=1),
        )
        open_ = OldInvoice.objects.create(customer=asha, number="INV-2026-000002")
        OldLine.objects.create(invoice=issued, item=tea, quantity=2, unit_price="2.00")
        OldLine.objects.create(invoice=issued, item=rice, quantity=5, unit_price="3.00")
        OldLine.objects.create(invoice=open_, item=tea, quantity=1, unit_price="2.00")
    finally:
        migrate(AFTER)
        migrate_to_latest()

    def ledger(pk):
        return list(
            StockMovement.objects.filter(item_id=pk)
            .order_by("id")
            .values_list("reason", "delta", "balance_after", "invoice_id")
        )

    assert ledger(tea.pk) == [
        ("initial", 10, 10, None),
        ("purchase", -2, 8, issued.pk),
        ("purchase", -1, 7, open_.pk),
    ]
    assert ledger(rice.pk) == [("initial", 5, 5, None), ("purchase", -5, 0, issued.pk)]
    assert ledger(unsold.pk) == [("initial", 4, 4, None)]
    assert ledger_breaks() == []
    frozen = Invoice.objects.get(pk=issued.pk)
    assert (frozen.customer_name, frozen.customer_phone, frozen.customer_address) == (
        "Asha",
        "+919876543210",
        "4 Park St",
    )
    assert list(
        InvoiceLine.objects.filter(invoice=issued.pk).order_by("id").values_list("item_name")
    ) == [("Tea",), ("Rice",)]
    assert Invoice.objects.get(pk=open_.pk).customer_name == ""  # open: shown live
