from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from inventory import demo
from inventory.models import Customer, Invoice, Item


def test_demo_seed_is_idempotent(db):
    first = demo.seed()
    counts = (Item.objects.count(), Customer.objects.count(), Invoice.objects.count())
    second = demo.seed()
    assert first == "8 items, 2 customers, 2 invoice(s), 1 credit note created"
    assert second == "0 items, 0 customers, 0 invoice(s), 0 credit note created"
    assert counts == (Item.objects.count(), Customer.objects.count(), Invoice.objects.count())
    assert Item.objects.filter(quantity__lte=10).exists()
    assert Item.objects.filter(expiry_date__isnull=False).exists()


# The request bodies of docs/inventory.md's examples that create rows, as written there.
DOC_ITEM_BODIES = [
    {"name": "Green tea", "description": "100 bags", "price": "349.00", "quantity": 40},
    {"description": "xyz", "price": 9999, "quantity": 100},
]
DOC_CUSTOMER_BODIES = [
    {"name": "Test User", "phone": "098765 43210", "address": "12 MG Road"},
    {"name": "xyz", "phone": "+9999999999", "address": "xyz"},
]


def _user_rows() -> list[tuple]:
    customers = Customer.objects.exclude(pk__in=_demo_pks(Customer)).order_by("pk")
    items = Item.objects.exclude(pk__in=_demo_pks(Item)).order_by("pk")
    return [*customers.values_list(), *items.values_list()]


def _demo_pks(model) -> list[int]:
    from django.contrib.contenttypes.models import ContentType

    from core.models import DemoRow

    content_type = ContentType.objects.get_for_model(model)
    return [
        int(pk)
        for pk in DemoRow.objects.filter(content_type=content_type).values_list(
            "object_id", flat=True
        )
    ]


def test_seed_demo_twice_after_the_docs_examples_and_an_admin_duplicate(
    staff_client, superuser_client
):
    for body in DOC_ITEM_BODIES:
        assert staff_client.post("/api/items/", body, format="json").status_code == 201
    for body in DOC_CUSTOMER_BODIES:
        assert staff_client.post("/api/customers/", body, format="json").status_code == 201
    # A user's item that took a demo SKU first, and the demo customer added in the admin.
    taken = {"sku": "DSC-001", "name": "Mine", "price": "1.00", "quantity": 3}
    assert staff_client.post("/api/items/", taken, format="json").status_code == 201
    admin_body = {"name": "Test User", "phone": "+919876543210", "address": "x", "email": ""}
    add = reverse("admin:inventory_customer_add")
    assert superuser_client.post(add, admin_body).status_code == 302
    before = _user_rows()

    call_command("seed_demo", stdout=StringIO())
    demo_counts = (Item.objects.count(), Customer.objects.count(), Invoice.objects.count())
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert "inventory: 0 items, 0 customers, 0 invoice(s), 0 credit note created" in out.getvalue()
    assert demo_counts == (Item.objects.count(), Customer.objects.count(), Invoice.objects.count())
    assert demo_counts == (3 + 8, 3 + 2, 2)
    assert _user_rows() == before  # the users' rows untouched, the SKU-clash item's stock too
    assert Customer.objects.filter(name="Test User", phone="+919876543210").count() == 3
    assert set(Invoice.objects.values_list("customer_id", flat=True)) <= set(_demo_pks(Customer))
    assert Item.objects.filter(pk__in=_demo_pks(Item), sku__isnull=True).count() == 1


def test_docs_purchase_on_the_demo_customer_then_seed_again(staff_client):
    call_command("seed_demo", stdout=StringIO())
    # The docs' items 4 and 7 and customer 1, as ids are on a fresh database (PostgreSQL's
    # sequences run on between tests).
    pks = list(Item.objects.order_by("pk").values_list("pk", flat=True))
    body = [{"item": pks[3], "quantity": 1}, {"item": pks[6], "quantity": 3}]
    customer = Customer.objects.order_by("pk").first()
    response = staff_client.post(f"/api/customer-purchase/{customer.pk}", body, format="json")
    assert response.status_code == 201
    call_command("seed_demo", stdout=StringIO())
    assert Invoice.objects.count() == 2
    assert Item.objects.count() == 8


def test_a_deleted_demo_item_is_made_again_once(db):
    demo.seed()
    Item.objects.get(pk__in=_demo_pks(Item), sku="DSC-002").delete()  # on no invoice
    assert demo.seed().startswith("1 items, 0 customers, 0 invoice(s)")
    assert demo.seed().startswith("0 items, 0 customers, 0 invoice(s)")
    assert Item.objects.count() == 8


def test_the_demo_has_an_issued_invoice_with_a_credit_note(db):
    demo.seed()
    issued = Invoice.objects.get(status="issued")
    [credit_note] = issued.credit_notes.all()
    assert credit_note.number.startswith("CN-")
    assert [(line.item.sku, line.quantity) for line in credit_note.lines.all()] == [("DSC-008", 1)]
    assert issued.pdf_sha256 and credit_note.pdf_sha256
    assert issued.net_total == issued.total - credit_note.total
