import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from inventory import pdf, selectors
from inventory.exceptions import InsufficientStock
from inventory.models import Invoice, InvoiceSequence
from inventory.services import PurchaseLine, invoice_issue, invoice_number_allocate, purchase_create
from tests.inventory.factories import CustomerFactory, ItemFactory

INVOICES = reverse("invoice-list")


def purchase(customer, items, quantity=1) -> Invoice:
    return purchase_create(
        customer_id=customer.pk, lines=[PurchaseLine(item=i.pk, quantity=quantity) for i in items]
    )


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_numbers_are_gapless_per_year(db):
    assert [invoice_number_allocate(year=2026) for _ in range(3)] == [
        "INV-2026-000001",
        "INV-2026-000002",
        "INV-2026-000003",
    ]
    assert invoice_number_allocate(year=2027) == "INV-2027-000001"
    assert InvoiceSequence.objects.get(year=2026).last_number == 3


def test_failed_purchase_uses_no_number(customer, items):
    purchase(CustomerFactory(), items[:1])
    with pytest.raises(InsufficientStock):
        purchase(customer, items, quantity=1000)
    invoice = purchase(customer, items[:1])
    assert invoice.number.endswith("-000002")


def test_issue_locks_the_invoice_and_next_purchase_opens_a_new_one(staff_client, customer, items):
    first = purchase(customer, items[:1])
    response = staff_client.post(reverse("invoice-issue", args=[first.pk]))
    assert response.status_code == 200
    assert response.json()["status"] == "issued"
    assert response.json()["issued_at"]
    again = staff_client.post(reverse("invoice-issue", args=[first.pk]))
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "already_issued"
    body = [{"item": items[0].pk, "quantity": 1}]
    second = staff_client.post(reverse("customer-purchase", args=[customer.pk]), body).json()
    assert second["id"] != first.pk
    assert first.lines.count() == 1
    assert Invoice.objects.get(pk=first.pk).status == "issued"


def test_put_never_touches_an_issued_invoice(staff_client, customer, items):
    first = purchase(customer, items[:1], quantity=2)
    invoice_issue(invoice_id=first.pk)
    response = staff_client.put(
        reverse("customer-purchase", args=[customer.pk]), [{"item": items[0].pk, "quantity": 0}]
    )
    assert response.status_code == 404
    assert first.lines.get().quantity == 2


def test_issue_unknown_invoice_is_404(staff_client, db):
    assert staff_client.post(reverse("invoice-issue", args=[999])).status_code == 404


def test_invoice_list_filters(staff_client, items):
    one, two = CustomerFactory.create_batch(2)
    a = purchase(one, items[:1])
    invoice_issue(invoice_id=a.pk)
    b = purchase(one, items[1:2])
    c = purchase(two, items[2:])
    assert {r["id"] for r in staff_client.get(INVOICES).json()} == {a.pk, b.pk, c.pk}
    by_customer = staff_client.get(INVOICES, {"customer": one.pk}).json()
    assert {r["id"] for r in by_customer} == {a.pk, b.pk}
    issued = staff_client.get(INVOICES, {"status": "issued"}).json()
    assert [r["id"] for r in issued] == [a.pk]
    today = timezone.localdate()
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert staff_client.get(INVOICES, {"created_after": tomorrow})["X-Total-Count"] == "0"
    assert staff_client.get(INVOICES, {"created_before": today.isoformat()})["X-Total-Count"] == "3"


@pytest.mark.parametrize(
    "params", [{"status": "paid"}, {"created_after": "yesterday"}, {"customer": "x"}]
)
def test_bad_invoice_filters_are_400(staff_client, db, params):
    assert staff_client.get(INVOICES, params).status_code == 400


def test_invoice_list_runs_a_fixed_number_of_queries(
    staff_client, items, django_assert_num_queries
):
    for customer in CustomerFactory.create_batch(6):
        purchase(customer, items)
    with django_assert_num_queries(6):  # 2 token auth + count + page (customer joined)
        response = staff_client.get(INVOICES)
    assert (len(response.json()), response["X-Total-Count"]) == (6, "6")
    assert response.json()[0]["line_count"] == 3


def test_invoice_detail_runs_a_fixed_number_of_queries(
    staff_client, customer, django_assert_num_queries
):
    invoice = purchase(customer, ItemFactory.create_batch(8))
    with django_assert_num_queries(6):  # 2 token auth + invoice/customer + lines/items
        response = staff_client.get(reverse("invoice-detail", args=[invoice.pk]))
    assert len(response.json()["lines"]) == 8


def test_invoices_are_staff_only(auth_client, db):
    assert auth_client.get(INVOICES).status_code == 403


# --- PDF ---------------------------------------------------------------------------------------


def test_customer_purchase_get_is_a_pdf_by_default(staff_client, customer, items):
    invoice = purchase(customer, items)
    response = staff_client.get(reverse("customer-purchase", args=[customer.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="invoice-{invoice.number}.pdf"'
    pages, text = pdf_text(response.content)
    assert pages == 1
    assert invoice.number in text
    assert customer.name in text
    assert "TOTAL" in text


def test_customer_purchase_get_json_with_accept_header(staff_client, customer, items):
    invoice = purchase(customer, items)
    response = staff_client.get(
        reverse("customer-purchase", args=[customer.pk]), HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200
    assert response.json()["number"] == invoice.number
    assert len(response.json()["lines"]) == 3


@pytest.mark.parametrize("accept", ["application/pdf", "application/json"])
def test_customer_without_invoice_is_404_in_json(staff_client, customer, accept):
    response = staff_client.get(
        reverse("customer-purchase", args=[customer.pk]), HTTP_ACCEPT=accept
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "no invoice yet" in response.json()["errors"][0]["detail"]


def test_unknown_customer_get_is_404(staff_client, db):
    response = staff_client.get(reverse("customer-purchase", args=[4242]))
    assert response.status_code == 404
    assert "does not exist" in response.json()["errors"][0]["detail"]


def test_long_invoice_flows_onto_more_pages_with_every_line(staff_client, customer):
    items = ItemFactory.create_batch(300, quantity=5)
    invoice = purchase(customer, items)
    response = staff_client.get(reverse("invoice-pdf", args=[invoice.pk]))
    assert response.status_code == 200
    pages, text = pdf_text(response.content)
    assert pages > 1
    assert [item.name for item in items if item.name not in text] == []
    assert f"page {pages} of {pages}" in text
    assert text.count("Item / Description") == pages  # the header repeats on every page


def test_pdf_lists_name_description_and_amounts_of_every_line(customer):
    items = [
        ItemFactory(name="Blue mug", description="Stoneware, 300 ml", price="4.50"),
        ItemFactory(name="Tea towel", description="", price="2.25"),
    ]
    invoice = selectors.invoice_get_for_pdf(invoice_id=purchase(customer, items, quantity=2).pk)
    pages, text = pdf_text(pdf.invoice_pdf_render(invoice=invoice))
    assert pages == 1
    assert "Tea towel" in text
    assert "Tea towel \u2013" not in text
    assert "Blue mug \u2013 Stoneware, 300 ml 4.50 2 9.00" in text
    assert "Tea towel 2.25 2 4.50" in text
    assert f"TOTAL 4 {settings.INVOICE_CURRENCY} 13.50" in text


def test_pdf_runs_a_fixed_number_of_queries(staff_client, customer, django_assert_num_queries):
    invoice = purchase(customer, ItemFactory.create_batch(10))
    with django_assert_num_queries(6):  # 2 token auth + invoice/customer + lines/items
        response = staff_client.get(reverse("invoice-pdf", args=[invoice.pk]))
    assert response.status_code == 200


def test_markup_and_paths_in_customer_data_render_as_text(tmp_path, items, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "<b>Mallory</b> ../../etc/passwd <img src='file:///etc/passwd'>"
    customer = CustomerFactory(name=name, address="<script>alert(1)</script> ../x")
    invoice = purchase(customer, items)
    content = pdf.invoice_pdf_render(invoice=invoice)
    _pages, text = pdf_text(content)
    flat = text.replace("\n", "")
    assert "<b>Mallory</b>" in flat
    assert "<script>alert(1)</script>" in flat
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1/x.css",
        "https://example.com/font.ttf",
        "data:text/css,body{}",
        f"{pdf.STATIC_DIR.as_uri()}/../../config/settings.py",
        f"{pdf.STATIC_DIR.as_uri()}/missing.css",
    ],
)
def test_url_fetcher_refuses_anything_but_bundled_static_files(url):
    with pytest.raises(pdf.BlockedURL):
        pdf.bundled_static_path(url)


def test_url_fetcher_serves_the_bundled_stylesheet():
    assert pdf.bundled_static_path(f"{pdf.STATIC_DIR.as_uri()}/invoice.css").name == "invoice.css"


def test_invoice_pdf_of_unknown_invoice_is_404(staff_client, db):
    assert staff_client.get(reverse("invoice-pdf", args=[999])).status_code == 404


def test_issue_takes_no_body_and_a_field_sent_is_refused(staff_client, customer, items):
    # The probe's request: POST /api/invoices/<id>/issue/ {"foo":1} issued the invoice (200).
    invoice = purchase(customer, items[:1])

    response = staff_client.post(
        reverse("invoice-issue", args=[invoice.pk]), '{"foo":1}', content_type="application/json"
    )

    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [("foo", "unknown_field")]
    invoice.refresh_from_db()
    assert invoice.status == "open"


def test_an_invoice_emptied_by_put_cannot_be_issued(staff_client, customer, items):
    url = reverse("customer-purchase", args=[customer.pk])
    staff_client.post(url, [{"item": items[0].pk, "quantity": 1}], format="json")
    emptied = staff_client.put(url, [{"item": items[0].pk, "quantity": 0}], format="json")
    invoice_id = emptied.json()["id"]
    response = staff_client.post(reverse("invoice-issue", args=[invoice_id]))
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "empty_invoice"
    assert Invoice.objects.get(pk=invoice_id).status == "open"
