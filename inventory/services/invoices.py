"""Issuing invoices."""

from django.db import transaction
from django.utils import timezone

from inventory.exceptions import InvoiceAlreadyIssued, InvoiceNotFound
from inventory.models import Customer, Invoice


@transaction.atomic
def invoice_issue(*, invoice_id: int) -> Invoice:
    """Lock the invoice: no more purchases on it; the customer's next purchase opens a new one."""
    customer_id = (
        Invoice.objects.filter(pk=invoice_id).values_list("customer_id", flat=True).first()
    )
    if customer_id is None:
        raise InvoiceNotFound(f"Invoice {invoice_id} does not exist.")
    # Same lock order as purchases (customer, then invoice), so an issue cannot slip between a
    # purchase reading the open invoice and adding lines to it.
    Customer.objects.select_for_update().filter(pk=customer_id).exists()
    invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
    if invoice.is_issued:
        raise InvoiceAlreadyIssued(f"Invoice {invoice.number} was already issued.")
    invoice.status = Invoice.Status.ISSUED
    invoice.issued_at = timezone.now()
    invoice.save(update_fields=["status", "issued_at", "updated_at"])
    return invoice
