"""Invoices and purchases: all-or-nothing, row-locked, never oversell."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from inventory.exceptions import (
    CustomerNotFound,
    InsufficientStock,
    InvoiceNotFound,
    ItemExpired,
    PurchaseInvalid,
)
from inventory.models import Customer, Invoice, InvoiceLine, InvoiceSequence, Item
from inventory.services.movements import MAX_STOCK, StockReason, stock_move
from inventory.services.numbering import document_number_allocate


@dataclass(frozen=True)
class PurchaseLine:
    item: int
    quantity: int


def invoice_number_allocate(*, year: int) -> str:
    """Next gapless invoice number of `year` (inside a transaction; see numbering)."""
    return document_number_allocate(
        sequence=InvoiceSequence, prefix=settings.INVOICE_NUMBER_PREFIX, year=year
    )


def _invoice_open(*, customer: Customer) -> Invoice:
    invoice = Invoice(
        customer=customer, number=invoice_number_allocate(year=timezone.localdate().year)
    )
    invoice.save()
    return invoice


def _invoice_total_refresh(*, invoice: Invoice) -> None:
    total = (
        InvoiceLine.objects.filter(invoice=OuterRef("pk"))
        .values("invoice")
        .annotate(s=Sum(F("quantity") * F("unit_price")))
        .values("s")
    )
    money = DecimalField(max_digits=24, decimal_places=2)
    Invoice.objects.filter(pk=invoice.pk).update(
        total=Coalesce(
            Subquery(total, output_field=money), Value(Decimal("0.00")), output_field=money
        ),
        updated_at=timezone.now(),
    )
    # Callers get the invoice back from purchase_create/update: it must carry the new total.
    invoice.refresh_from_db(fields=["total", "updated_at"])


# --- Purchases ---------------------------------------------------------------------------------


def _duplicates_reject(lines: Sequence[PurchaseLine]) -> None:
    seen: dict[int, int] = {}
    errors = {}
    for index, line in enumerate(lines):
        if line.item in seen:
            errors[f"{index}.item"] = (
                f"Item {line.item} is listed twice (lines {seen[line.item]} and {index}); "
                "send one line per item.",
                "duplicate_item",
            )
        else:
            seen[line.item] = index
    if errors:
        raise PurchaseInvalid(errors=errors)


def _lock_customer_and_items(
    *, customer_id: int, lines: Sequence[PurchaseLine]
) -> tuple[Customer, dict[int, Item]]:
    # Every purchase locks its customer first, then its items in primary-key order: two
    # purchases of {A, B} and {B, A} then queue behind each other instead of deadlocking.
    customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
    if customer is None:
        raise CustomerNotFound(f"Customer {customer_id} does not exist.")
    ids = [line.item for line in lines]
    items = {
        item.pk: item for item in Item.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    errors = {
        f"{index}.item": (f"Item {line.item} does not exist.", "does_not_exist")
        for index, line in enumerate(lines)
        if line.item not in items
    }
    if errors:
        raise PurchaseInvalid(errors=errors)
    return customer, items


def _shortages_reject(
    *, lines: Sequence[PurchaseLine], items: Mapping[int, Item], current: Mapping[int, int]
) -> None:
    errors = {}
    for index, line in enumerate(lines):
        item = items[line.item]
        extra = line.quantity - current.get(line.item, 0)
        if item.quantity - extra > MAX_STOCK:
            raise PurchaseInvalid(
                f"Returning {-extra} of item {item.pk} ({item.name}) would take its stock past "
                f"{MAX_STOCK}.",
                code="max_value",
                attr=f"{index}.quantity",
            )
        if extra > item.quantity:
            on_invoice = current.get(line.item, 0)
            already = f" ({on_invoice} already on the invoice)" if on_invoice else ""
            errors[f"{index}.quantity"] = (
                f"Not enough stock of item {item.pk} ({item.name}): asked for {line.quantity}"
                f"{already}, {item.quantity} available.",
                "insufficient_stock",
            )
    if errors:
        raise InsufficientStock(errors=errors)


def _expired_reject(
    *, lines: Sequence[PurchaseLine], items: Mapping[int, Item], current: Mapping[int, int]
) -> None:
    # Expired stock cannot be sold: a line taking more of an item whose expiry date is before
    # today (TIME_ZONE). Lowering or removing such a line (its stock coming back) is allowed.
    today = timezone.localdate()
    errors = {
        f"{index}.item": (
            f"Item {line.item} ({items[line.item].name}) expired on "
            f"{items[line.item].expiry_date.isoformat()} and cannot be sold.",
            "expired",
        )
        for index, line in enumerate(lines)
        if line.quantity > current.get(line.item, 0)
        and items[line.item].expiry_date is not None
        and items[line.item].expiry_date < today
    }
    if errors:
        raise ItemExpired(errors=errors)


@transaction.atomic
def purchase_create(
    *, customer_id: int, lines: Sequence[PurchaseLine], actor: AbstractBaseUser | None = None
) -> Invoice:
    """Add `lines` to the customer's open invoice (opening one if needed) and take the stock
    (one `purchase` movement per line, by `actor`).

    All or nothing: an unknown or repeated item, an item already on the invoice (change it with
    purchase_update), an expired item or a shortage raises, and nothing is written.
    """
    _duplicates_reject(lines)
    customer, items = _lock_customer_and_items(customer_id=customer_id, lines=lines)
    invoice = Invoice.objects.filter(customer=customer, status=Invoice.Status.OPEN).first()
    if invoice is not None:
        listed = set(
            InvoiceLine.objects.filter(
                invoice=invoice, item_id__in=[line.item for line in lines]
            ).values_list("item_id", flat=True)
        )
        errors = {
            f"{index}.item": (
                f"Item {line.item} ({items[line.item].name}) is already on invoice "
                f"{invoice.number}; use PUT to change its quantity.",
                "already_on_invoice",
            )
            for index, line in enumerate(lines)
            if line.item in listed
        }
        if errors:
            raise PurchaseInvalid(errors=errors)
    _expired_reject(lines=lines, items=items, current={})
    _shortages_reject(lines=lines, items=items, current={})
    if invoice is None:
        invoice = _invoice_open(customer=customer)
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=invoice,
                item_id=line.item,
                quantity=line.quantity,
                unit_price=items[line.item].price,
            )
            for line in lines
        ],
        batch_size=500,
    )
    stock_move(
        items=items,
        deltas={line.item: -line.quantity for line in lines},
        reason=StockReason.PURCHASE,
        invoice=invoice,
        actor=actor,
    )
    _invoice_total_refresh(invoice=invoice)
    return invoice


@transaction.atomic
def purchase_update(
    *, customer_id: int, lines: Sequence[PurchaseLine], actor: AbstractBaseUser | None = None
) -> Invoice:
    """Set quantities on the customer's open invoice: new items are added, listed ones take the
    new quantity (stock moves by the difference, a `purchase_change` movement), 0 removes the
    line, unmentioned lines stay.

    All or nothing, like purchase_create. Unit prices of lines already listed stay frozen.
    """
    _duplicates_reject(lines)
    customer, items = _lock_customer_and_items(customer_id=customer_id, lines=lines)
    invoice = Invoice.objects.filter(customer=customer, status=Invoice.Status.OPEN).first()
    existing: dict[int, InvoiceLine] = {}
    if invoice is not None:
        existing = {
            line.item_id: line
            for line in InvoiceLine.objects.filter(
                invoice=invoice, item_id__in=[line.item for line in lines]
            )
        }
    current = {pk: line.quantity for pk, line in existing.items()}
    _expired_reject(lines=lines, items=items, current=current)
    _shortages_reject(lines=lines, items=items, current=current)
    if invoice is None:
        if not any(line.quantity for line in lines):
            raise InvoiceNotFound(
                f"Customer {customer_id} has no open invoice to remove lines from."
            )
        invoice = _invoice_open(customer=customer)

    to_create, to_update, to_delete, deltas = [], [], [], {}
    for line in lines:
        old = existing.get(line.item)
        deltas[line.item] = (old.quantity if old else 0) - line.quantity  # stock change
        if old is None and line.quantity:
            to_create.append(
                InvoiceLine(
                    invoice=invoice,
                    item_id=line.item,
                    quantity=line.quantity,
                    unit_price=items[line.item].price,
                )
            )
        elif old is not None and not line.quantity:
            to_delete.append(old.pk)
        elif old is not None and line.quantity != old.quantity:
            old.quantity = line.quantity
            to_update.append(old)
    if to_delete:
        InvoiceLine.objects.filter(pk__in=to_delete).delete()
    if to_update:
        InvoiceLine.objects.bulk_update(to_update, ["quantity"], batch_size=500)
    if to_create:
        InvoiceLine.objects.bulk_create(to_create, batch_size=500)
    stock_move(
        items=items,
        deltas=deltas,
        reason=StockReason.PURCHASE_CHANGE,
        invoice=invoice,
        actor=actor,
    )
    _invoice_total_refresh(invoice=invoice)
    return invoice
