"""Record the rows an earlier `seed_demo` made (found by its old keys) as the demo's own.

Before core.DemoRow the inventory demo found its rows by SKU and by name and phone; a database
seeded then would otherwise get a second set of demo rows. Run once, at upgrade: only rows with
every field the old demo wrote are adopted, the oldest first.
"""

from django.db import migrations

ITEMS = {
    "DSC-001": "Basmati rice 5 kg",
    "DSC-002": "Whole milk 1 l",
    "DSC-003": "Greek yoghurt 400 g",
    "DSC-004": "Sourdough bread",
    "DSC-005": "Olive oil 1 l",
    "DSC-006": "Paneer 200 g",
    "DSC-007": "Green tea, 100 bags",
    "DSC-008": "Dish soap 500 ml",
}
CUSTOMERS = [
    ("Test User", "+919876543210", "12 MG Road, Bengaluru 560001", "test.user@example.com"),
    ("Asha Rao", "+918041234567", "4 Park Street, Kolkata 700016", ""),
]


def demo_rows_adopt(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    DemoRow = apps.get_model("core", "DemoRow")
    Item = apps.get_model("inventory", "Item")
    Customer = apps.get_model("inventory", "Customer")
    Invoice = apps.get_model("inventory", "Invoice")
    if not Item.objects.exists():
        return  # a fresh database (contenttypes may not be filled in yet either)

    def claim(model_name: str, key: str, pk) -> None:
        content_type, _ = ContentType.objects.get_or_create(app_label="inventory", model=model_name)
        DemoRow.objects.get_or_create(
            content_type=content_type, key=key, defaults={"object_id": str(pk)}
        )

    for sku, name in ITEMS.items():
        pk = Item.objects.filter(sku=sku, name=name).values_list("pk", flat=True).first()
        if pk is not None:
            claim("item", f"item:{sku}", pk)
    for index, (name, phone, address, email) in enumerate(CUSTOMERS):
        found = Customer.objects.filter(name=name, phone=phone, address=address, email=email)
        pk = found.order_by("pk").values_list("pk", flat=True).first()
        if pk is None:
            continue
        claim("customer", f"customer:{index}", pk)
        if index == 0:
            invoice = Invoice.objects.filter(customer_id=pk).order_by("pk").first()
            if invoice is not None:
                claim("invoice", "invoice:0", invoice.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_demo_rows"),
        ("inventory", "0005_customer_phone_international_fallback"),
    ]

    operations = [migrations.RunPython(demo_rows_adopt, migrations.RunPython.noop)]
