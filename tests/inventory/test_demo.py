from inventory import demo
from inventory.models import Customer, Invoice, Item


def test_demo_seed_is_idempotent(db):
    first = demo.seed()
    counts = (Item.objects.count(), Customer.objects.count(), Invoice.objects.count())
    second = demo.seed()
    assert first.startswith("8 items, 2 customers, 1 invoice")
    assert second.startswith("0 items, 0 customers, 0 invoice")
    assert counts == (Item.objects.count(), Customer.objects.count(), Invoice.objects.count())
    assert Item.objects.filter(quantity__lte=10).exists()
    assert Item.objects.filter(expiry_date__isnull=False).exists()
