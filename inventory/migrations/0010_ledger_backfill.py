"""Existing databases satisfy the ledger's invariant: per item one `initial` movement (its
quantity now plus what its invoice lines hold) and one `purchase` movement per invoice line;
invoices issued before this release get their customer and line snapshots (their PDF is
rendered and stored on its first download)."""

from django.db import migrations
from django.db.models import Sum


def backfill(apps, schema_editor):
    Item = apps.get_model("inventory", "Item")
    InvoiceLine = apps.get_model("inventory", "InvoiceLine")
    Invoice = apps.get_model("inventory", "Invoice")
    StockMovement = apps.get_model("inventory", "StockMovement")
    held = dict(InvoiceLine.objects.values_list("item_id").annotate(n=Sum("quantity")).order_by())
    movements = []
    for item in Item.objects.exclude(movements__isnull=False).order_by("pk").iterator(2000):
        balance = item.quantity + held.get(item.pk, 0)
        movements.append(
            StockMovement(
                item_id=item.pk,
                delta=balance,
                balance_after=balance,
                reason="initial",
                note="stock when the ledger started",
                created_at=item.created_at,
            )
        )
        for line in InvoiceLine.objects.filter(item_id=item.pk).select_related("invoice"):
            balance -= line.quantity
            movements.append(
                StockMovement(
                    item_id=item.pk,
                    delta=-line.quantity,
                    balance_after=balance,
                    reason="purchase",
                    invoice_id=line.invoice_id,
                    note="recorded when the ledger started",
                    created_at=line.invoice.created_at,
                )
            )
        if len(movements) >= 2000:
            StockMovement.objects.bulk_create(movements)
            movements = []
    StockMovement.objects.bulk_create(movements)

    for invoice in Invoice.objects.filter(status="issued").select_related("customer"):
        customer = invoice.customer
        invoice.customer_name = customer.name
        invoice.customer_phone = str(customer.phone)
        invoice.customer_address = customer.address
        invoice.customer_email = customer.email
        invoice.save(
            update_fields=["customer_name", "customer_phone", "customer_address", "customer_email"]
        )
        for line in InvoiceLine.objects.filter(invoice=invoice).select_related("item"):
            line.item_name = line.item.name
            line.item_description = line.item.description
            line.save(update_fields=["item_name", "item_description"])


class Migration(migrations.Migration):
    dependencies = [("inventory", "0009_ledger_invoices_frozen_credit_notes_alerts")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
