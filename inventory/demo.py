"""Demo data for `manage.py seed_demo`: items (some low, some expiring), customers, an invoice."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from inventory.models import Customer, Invoice, Item
from inventory.services import PurchaseLine, customer_create, item_create, purchase_create

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


@transaction.atomic
def seed() -> str:
    today = timezone.localdate()
    created_items = 0
    for sku, name, description, price, quantity, reorder, expires in ITEMS:
        if not Item.objects.filter(sku=sku).exists():
            item_create(
                data={
                    "sku": sku,
                    "name": name,
                    "description": description,
                    "price": Decimal(price),
                    "quantity": quantity,
                    "reorder_level": reorder,
                    "expiry_date": None if expires is None else today + timedelta(days=expires),
                }
            )
            created_items += 1
    created_customers = 0
    for name, phone, address, email in CUSTOMERS:
        if not Customer.objects.filter(name=name, phone=phone).exists():
            customer_create(data={"name": name, "phone": phone, "address": address, "email": email})
            created_customers += 1
    customer = Customer.objects.get(name=CUSTOMERS[0][0], phone=CUSTOMERS[0][1])
    invoices = 0
    if not Invoice.objects.filter(customer=customer).exists():
        skus = {"DSC-001": 1, "DSC-005": 2, "DSC-008": 3}
        items = dict(Item.objects.filter(sku__in=skus).values_list("sku", "pk"))
        purchase_create(
            customer_id=customer.pk,
            lines=[PurchaseLine(item=items[sku], quantity=q) for sku, q in skus.items()],
        )
        invoices = 1
    return f"{created_items} items, {created_customers} customers, {invoices} invoice created"
