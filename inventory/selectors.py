"""Reads. Querysets come back with what their callers render already joined or prefetched."""

from django.db.models import Count, Prefetch, QuerySet, prefetch_related_objects

from inventory.models import (
    CreditNote,
    CreditNoteLine,
    Customer,
    Invoice,
    InvoiceLine,
    Item,
    StockReport,
)


def item_list(
    *,
    queryset: QuerySet[Item] | None = None,
    low_stock: bool | None = None,
    expiring_within_days: int | None = None,
) -> QuerySet[Item]:
    """Items, optionally only low-stock ones or ones expiring within N days from today."""
    items = Item.objects.all() if queryset is None else queryset
    if low_stock is True:
        items = items.low_stock()
    elif low_stock is False:
        items = items.not_low_stock()
    if expiring_within_days is not None:
        items = items.expiring(within_days=expiring_within_days)
    return items


def customer_list() -> QuerySet[Customer]:
    return Customer.objects.all()


def _lines() -> Prefetch:
    return Prefetch("lines", queryset=InvoiceLine.objects.select_related("item").order_by("id"))


def invoice_list() -> QuerySet[Invoice]:
    return Invoice.objects.select_related("customer").annotate(line_count=Count("lines"))


def invoice_detail_queryset() -> QuerySet[Invoice]:
    return Invoice.objects.select_related("customer").prefetch_related(_lines())


def invoice_get_for_pdf(*, invoice_id: int) -> Invoice | None:
    return invoice_detail_queryset().filter(pk=invoice_id).first()


def invoice_pdf_queryset() -> QuerySet[Invoice]:
    """For PDF downloads: an issued invoice's stored PDF needs no lines (invoice_lines_fetch)."""
    return Invoice.objects.select_related("customer")


def invoice_lines_fetch(*, invoice: Invoice) -> Invoice:
    """Fetch the lines (with their items) of `invoice` in one query, for a live render."""
    prefetch_related_objects([invoice], _lines())
    return invoice


def invoice_current_for_customer(*, customer_id: int) -> Invoice | None:
    """The customer's open invoice, else the most recently issued one."""
    return (
        invoice_detail_queryset()
        .filter(customer_id=customer_id)
        .order_by("-status", "-created_at", "-id")  # "open" > "issued": open first
        .first()
    )


def stock_report_latest() -> StockReport | None:
    return StockReport.objects.prefetch_related("lines").order_by("-generated_at", "-id").first()


def credit_note_list() -> QuerySet[CreditNote]:
    """Credit notes, newest first, with their invoice, customer and lines."""
    return CreditNote.objects.select_related("invoice__customer").prefetch_related(
        Prefetch("lines", queryset=CreditNoteLine.objects.order_by("id"))
    )


def credit_note_pdf_queryset() -> QuerySet[CreditNote]:
    """For PDF downloads: the stored file needs nothing joined."""
    return CreditNote.objects.all()


def credit_note_get(*, credit_note_id: int) -> CreditNote | None:
    return credit_note_list().filter(pk=credit_note_id).first()
