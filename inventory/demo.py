"""Demo data for `manage.py seed_demo`: items (some low, some expiring), customers, an open
invoice, and an issued invoice with a credit note."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.demo_rows import demo_row_claim, demo_row_get
from core.exceptions import ApplicationError
from inventory.models import CreditNote, Customer, Invoice, Item
from inventory.services import (
    CreditLine,
    PurchaseLine,
    credit_note_create,
    customer_create,
    invoice_issue,
    item_create,
    purchase_create,
)

ITEMS = [
    # sku, name, description, price, quantity, reorder level, expires in days (None: never)
    ("DSC-001", "Basmati rice 5 kg", "Aged long-grain rice", "649.00", 120, 20, 300),
    ("DSC-002", "Whole milk 1 l", "Pasteurised, full cream", "62.00", 40, 30, 3),
    ("DSC-003", "Greek yoghurt 400 g", "Thick, plain", "95.00", 6, 10, 5),
    ("DSC-004", "Sourdough bread", "Baked daily", "120.00", 4, 8, 1),
    ("DSC-005", "Olive oil 1 l", "Extra virgin, cold pressed", "899.00", 35, 10, None),
    ("DSC-006", "Paneer 200 g", "Fresh cottage cheese", "90.00", 15, 10, -2),
    ("DSC-007", "Green tea, 100 bags", "Darjeeling", "349.00", 9, 10, 400),
    ("DSC-008", "Dish soap 500 ml", "Lemon", "110.00", 80, 15, None),
]
CUSTOMERS = [
    ("Test User", "+919876543210", "12 MG Road, Bengaluru 560001", "test.user@example.com"),
    ("Asha Rao", "+918041234567", "4 Park Street, Kolkata 700016", ""),
]
# The demo invoice of the first customer, left open: (sku, quantity).
INVOICE = [("DSC-001", 1), ("DSC-005", 2), ("DSC-008", 3)]
# The second customer's invoice, issued, and the credit note returning part of it.
ISSUED_INVOICE = [("DSC-005", 1), ("DSC-008", 2)]
CREDIT_NOTE = [("DSC-008", 1)]
CREDIT_NOTE_NOTE = "Returned: one bottle arrived cracked"


def _item_seed(row: tuple, today: date) -> tuple[Item, bool]:
    sku, name, description, price, quantity, reorder, expires = row
    item = demo_row_get(model=Item, key=f"item:{sku}")
    if item is not None:
        return item, False
    # The SKU is unique: if a user's item already has it, the demo's goes without one.
    taken = Item.objects.filter(sku=sku).exists()
    item = item_create(
        data={
            "sku": None if taken else sku,
            "name": name,
            "description": description,
            "price": Decimal(price),
            "quantity": quantity,
            "reorder_level": reorder,
            "expiry_date": None if expires is None else today + timedelta(days=expires),
        }
    )
    demo_row_claim(obj=item, key=f"item:{sku}")
    return item, True


def _customer_seed(index: int, row: tuple) -> tuple[Customer, bool]:
    name, phone, address, email = row
    customer = demo_row_get(model=Customer, key=f"customer:{index}")
    if customer is not None:
        return customer, False
    customer = customer_create(
        data={"name": name, "phone": phone, "address": address, "email": email}
    )
    demo_row_claim(obj=customer, key=f"customer:{index}")
    return customer, True


@transaction.atomic
def seed() -> str:
    """Create the demo items, customers and invoice that are missing.

    The demo knows its rows by its own keys (core.demo_rows), so customers or items that a
    user added with the same name, phone or SKU are neither reused nor touched.
    """
    today = timezone.localdate()
    items, created_items = {}, 0
    for row in ITEMS:
        items[row[0]], created = _item_seed(row, today)
        created_items += created
    customers, created_customers = [], 0
    for index, row in enumerate(CUSTOMERS):
        customer, created = _customer_seed(index, row)
        customers.append(customer)
        created_customers += created
    invoices, note = 0, ""
    if demo_row_get(model=Invoice, key="invoice:0") is None:
        try:
            with transaction.atomic():
                invoice = purchase_create(
                    customer_id=customers[0].pk,
                    lines=[PurchaseLine(item=items[sku].pk, quantity=q) for sku, q in INVOICE],
                )
        except ApplicationError as exc:  # e.g. the demo items' stock since sold or adjusted
            note = f" (demo invoice not created: {exc})"
        else:
            demo_row_claim(obj=invoice, key="invoice:0")
            invoices = 1
    issued, credit_notes, issued_note = _issued_invoice_seed(customer=customers[1], items=items)
    invoices += issued
    return (
        f"{created_items} items, {created_customers} customers, {invoices} invoice(s), "
        f"{credit_notes} credit note created{note}{issued_note}"
    )


def _issued_invoice_seed(*, customer: Customer, items: dict[str, Item]) -> tuple[int, int, str]:
    """The second customer's issued invoice and its credit note, each made once."""
    made, credited = 0, 0
    try:
        with transaction.atomic():
            invoice = demo_row_get(model=Invoice, key="invoice:1")
            if invoice is None:
                invoice = purchase_create(
                    customer_id=customer.pk,
                    lines=[
                        PurchaseLine(item=items[sku].pk, quantity=q) for sku, q in ISSUED_INVOICE
                    ],
                )
                demo_row_claim(obj=invoice, key="invoice:1")
                made = 1
            if not invoice.is_issued:
                invoice = invoice_issue(invoice_id=invoice.pk)
            if demo_row_get(model=CreditNote, key="credit_note:0") is None:
                credit_note = credit_note_create(
                    invoice_id=invoice.pk,
                    lines=[CreditLine(item=items[sku].pk, quantity=q) for sku, q in CREDIT_NOTE],
                    note=CREDIT_NOTE_NOTE,
                )
                demo_row_claim(obj=credit_note, key="credit_note:0")
                credited = 1
    except ApplicationError as exc:  # e.g. the demo items' stock since sold, or credited by hand
        return 0, 0, f" (demo issued invoice or credit note not created: {exc})"
    return made, credited, ""
