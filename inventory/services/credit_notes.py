"""Credit notes: units of an issued invoice returned after issue, all or nothing."""

from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from inventory import pdf
from inventory.exceptions import (
    CreditExceedsSold,
    CreditNoteInvalid,
    InvoiceNotIssued,
)
from inventory.models import (
    CreditNote,
    CreditNoteLine,
    CreditNoteSequence,
    Invoice,
    InvoiceLine,
    Item,
)
from inventory.services.invoices import document_pdf_store, invoice_lock, stored_files_cleanup
from inventory.services.movements import MAX_STOCK, StockReason, stock_move
from inventory.services.numbering import document_number_allocate
from inventory.services.purchases import PurchaseLine, _duplicates_reject

CreditLine = PurchaseLine  # an item id and a quantity ≥ 1


def credit_note_number_allocate(*, year: int) -> str:
    """Next gapless credit note number of `year` (inside a transaction; see numbering)."""
    return document_number_allocate(
        sequence=CreditNoteSequence, prefix=settings.CREDIT_NOTE_NUMBER_PREFIX, year=year
    )


def _invoice_lock(*, invoice_id: int) -> Invoice:
    customer, invoice = invoice_lock(invoice_id=invoice_id)  # then the items, by pk
    if not invoice.is_issued:
        raise InvoiceNotIssued(
            f"Invoice {invoice.number} is still open: change its lines with PUT "
            f"/api/customer-purchase/{customer.pk} instead of crediting them."
        )
    return invoice


def _invoice_lines(*, invoice: Invoice, lines: Sequence[CreditLine]) -> dict[int, InvoiceLine]:
    on_invoice = {
        line.item_id: line
        for line in InvoiceLine.objects.filter(
            invoice=invoice, item_id__in=[line.item for line in lines]
        )
    }
    errors = {
        f"{index}.item": (
            f"Item {line.item} is not on invoice {invoice.number}.",
            "not_on_invoice",
        )
        for index, line in enumerate(lines)
        if line.item not in on_invoice
    }
    if errors:
        raise CreditNoteInvalid(errors=errors)
    return on_invoice


def _over_credit_reject(
    *, invoice: Invoice, lines: Sequence[CreditLine], on_invoice: dict[int, InvoiceLine]
) -> None:
    errors = {}
    for index, line in enumerate(lines):
        sold = on_invoice[line.item]
        left = sold.quantity - sold.credited_quantity
        if line.quantity > left:
            errors[f"{index}.quantity"] = (
                f"Item {line.item} ({sold.item_name}) on invoice {invoice.number}: asked to "
                f"credit {line.quantity}, sold {sold.quantity}, already credited "
                f"{sold.credited_quantity}; at most {left} can be credited.",
                "exceeds_sold",
            )
    if errors:
        raise CreditExceedsSold(errors=errors)


def _max_stock_reject(*, lines: Sequence[CreditLine], items: dict[int, Item]) -> None:
    errors = {
        f"{index}.quantity": (
            f"Returning {line.quantity} of item {line.item} ({items[line.item].name}) would take "
            f"its stock past {MAX_STOCK} ({items[line.item].quantity} in stock).",
            "max_value",
        )
        for index, line in enumerate(lines)
        if items[line.item].quantity + line.quantity > MAX_STOCK
    }
    if errors:
        raise CreditNoteInvalid(errors=errors)


def credit_note_create(
    *,
    invoice_id: int,
    lines: Sequence[CreditLine],
    actor: AbstractBaseUser | None = None,
    note: str = "",
) -> CreditNote:
    """Credit `lines` (item, quantity) of an issued invoice: a new gapless CN number, the
    credit note and its lines, the invoice lines' `credited_quantity` and the invoice's
    `credited_total` go up, the stock comes back (`return` movements by `actor`), and the
    credit note's PDF is rendered once and stored.

    All or nothing: an unknown invoice (404), an open one (409 not_issued), an item not on
    the invoice or listed twice (400), more than sold minus credited (409 exceeds_sold) raise
    and nothing is written, no number used."""
    _duplicates_reject(lines)
    with stored_files_cleanup() as stored, transaction.atomic():
        invoice = _invoice_lock(invoice_id=invoice_id)
        on_invoice = _invoice_lines(invoice=invoice, lines=lines)
        _over_credit_reject(invoice=invoice, lines=lines, on_invoice=on_invoice)
        items = {
            item.pk: item
            for item in Item.objects.select_for_update()
            .filter(pk__in=[line.item for line in lines])
            .order_by("pk")
        }
        _max_stock_reject(lines=lines, items=items)

        now = timezone.now()
        credit_note = CreditNote(
            invoice=invoice,
            number=credit_note_number_allocate(year=timezone.localdate(now).year),
            total=sum(
                (on_invoice[line.item].unit_price * line.quantity for line in lines),
                Decimal("0.00"),
            ),
            note=note,
            actor=actor,
        )
        credit_note.save()
        credit_lines = [
            CreditNoteLine(
                credit_note=credit_note,
                invoice_line=on_invoice[line.item],
                item_id=line.item,
                quantity=line.quantity,
                unit_price=on_invoice[line.item].unit_price,
                # Frozen at issue; an invoice issued before names were frozen has none yet.
                item_name=on_invoice[line.item].item_name or items[line.item].name,
            )
            for line in lines
        ]
        CreditNoteLine.objects.bulk_create(credit_lines, batch_size=500)
        for line in lines:
            on_invoice[line.item].credited_quantity += line.quantity
        InvoiceLine.objects.bulk_update(
            [on_invoice[line.item] for line in lines], ["credited_quantity"], batch_size=500
        )
        invoice.credited_total += credit_note.total
        invoice.save(update_fields=["credited_total", "updated_at"])
        stock_move(
            items=items,
            deltas={line.item: line.quantity for line in lines},
            reason=StockReason.RETURN,
            invoice=invoice,
            credit_note=credit_note,
            actor=actor,
            note=f"Credit note {credit_note.number}",
        )
        document_pdf_store(
            document=credit_note,
            content=pdf.credit_note_pdf_render(credit_note=credit_note, lines=credit_lines),
            filename=pdf.credit_note_pdf_filename(credit_note=credit_note),
            stored=stored,
        )
        credit_note.save(update_fields=["pdf", "pdf_sha256"])
        return credit_note


def credit_note_pdf_store(*, credit_note_id: int) -> CreditNote:
    """Render and store a credit note's PDF again, from its frozen lines and its invoice's
    frozen customer: for a stored file that went missing or no longer matches its SHA-256."""
    with stored_files_cleanup() as stored, transaction.atomic():
        credit_note = (
            CreditNote.objects.select_for_update(of=("self",))
            .select_related("invoice")
            .get(pk=credit_note_id)
        )
        document_pdf_store(
            document=credit_note,
            content=pdf.credit_note_pdf_render(credit_note=credit_note),
            filename=pdf.credit_note_pdf_filename(credit_note=credit_note),
            stored=stored,
        )
        credit_note.save(update_fields=["pdf", "pdf_sha256"])
        return credit_note
