"""Issuing invoices, and the frozen PDFs of issued invoices and credit notes."""

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from inventory import pdf
from inventory.exceptions import (
    InvoiceAlreadyIssued,
    InvoiceEmpty,
    InvoiceNotFound,
    InvoiceNotIssued,
)
from inventory.models import Customer, Invoice, InvoiceLine

logger = logging.getLogger(__name__)


@contextmanager
def stored_files_cleanup() -> Iterator[list[str]]:
    """Collect the names of files stored inside a transaction; if it fails, delete them, so a
    rolled-back issue or credit note leaves no orphan PDF behind."""
    names: list[str] = []
    try:
        yield names
    except BaseException:
        from inventory.models import document_storage

        for name in names:
            try:
                document_storage().delete(name)
            except Exception:  # cleanup must never hide the original error
                logger.exception("could not delete %s after a rollback", name)
        raise


def document_pdf_store(
    *, document: models.Model, content: bytes, filename: str, stored: list[str]
) -> None:
    """Save `content` as `document.pdf` (settings.STORAGES["documents"]) and set its SHA-256;
    the caller saves the row. The stored name goes into `stored` for cleanup on rollback."""
    document.pdf.save(filename, ContentFile(content), save=False)
    stored.append(document.pdf.name)
    document.pdf_sha256 = hashlib.sha256(content).hexdigest()


def invoice_lock(*, invoice_id: int) -> tuple[Customer, Invoice]:
    """Lock an invoice's customer, then the invoice (the lock order of purchases: customer,
    invoice, then items by primary key), inside the caller's transaction. InvoiceNotFound if
    there is no such invoice."""
    customer_id = (
        Invoice.objects.filter(pk=invoice_id).values_list("customer_id", flat=True).first()
    )
    if customer_id is None:
        raise InvoiceNotFound(f"Invoice {invoice_id} does not exist.")
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    return customer, Invoice.objects.select_for_update().get(pk=invoice_id)


def _customer_snapshot(*, invoice: Invoice, customer: Customer) -> None:
    invoice.customer_name = customer.name
    invoice.customer_phone = customer.phone
    invoice.customer_address = customer.address
    invoice.customer_email = customer.email


def invoice_issue(*, invoice_id: int) -> Invoice:
    """Lock the invoice: no more purchases on it; the customer's next purchase opens a new one.

    Freezes the customer onto the invoice and each item's name and description onto its line,
    renders the PDF once and stores it with its SHA-256: every later download serves it."""
    with stored_files_cleanup() as stored, transaction.atomic():
        # Same lock order as purchases, so an issue cannot slip between a purchase reading the
        # open invoice and adding lines to it.
        customer, invoice = invoice_lock(invoice_id=invoice_id)
        if invoice.is_issued:
            raise InvoiceAlreadyIssued(f"Invoice {invoice.number} was already issued.")
        if not InvoiceLine.objects.filter(invoice=invoice).exists():
            raise InvoiceEmpty(
                f"Invoice {invoice.number} has no lines (all removed with PUT): nothing to issue."
            )
        invoice.customer = customer
        invoice.status = Invoice.Status.ISSUED
        invoice.issued_at = timezone.now()
        _customer_snapshot(invoice=invoice, customer=customer)
        lines = list(InvoiceLine.objects.filter(invoice=invoice).select_related("item"))
        for line in lines:
            line.invoice = invoice
            line.item_name = line.item.name
            line.item_description = line.item.description
        InvoiceLine.objects.bulk_update(lines, ["item_name", "item_description"], batch_size=500)
        content = pdf.invoice_pdf_render(invoice=invoice, lines=lines)
        document_pdf_store(
            document=invoice,
            content=content,
            filename=pdf.invoice_pdf_filename(invoice=invoice),
            stored=stored,
        )
        invoice.save(
            update_fields=[
                "status",
                "issued_at",
                "customer_name",
                "customer_phone",
                "customer_address",
                "customer_email",
                "pdf",
                "pdf_sha256",
                "updated_at",
            ]
        )
        return invoice


def invoice_pdf_store(*, invoice_id: int, rebuild: bool = False) -> Invoice:
    """Store the PDF of an issued invoice that has none yet (issued before PDFs were stored):
    rendered once from its frozen fields; later calls return the stored one untouched. With
    `rebuild`, render and store it again (the stored file went missing or no longer matches
    its SHA-256)."""
    from inventory import selectors

    with stored_files_cleanup() as stored, transaction.atomic():
        _customer, locked = invoice_lock(invoice_id=invoice_id)
        if not locked.is_issued:
            raise InvoiceNotIssued(f"Invoice {locked.number} is open: its PDF renders live.")
        if locked.pdf and not rebuild:
            return locked  # stored meanwhile by another download
        invoice = selectors.invoice_get_for_pdf(invoice_id=invoice_id)
        document_pdf_store(
            document=invoice,
            content=pdf.invoice_pdf_render(invoice=invoice),
            filename=pdf.invoice_pdf_filename(invoice=invoice),
            stored=stored,
        )
        invoice.save(update_fields=["pdf", "pdf_sha256"])
        return invoice
