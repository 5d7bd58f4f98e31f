"""Invoices frozen at issue: what a client downloads never changes after issue."""

import hashlib
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from inventory.exceptions import CustomerInUse
from inventory.models import Invoice, document_storage
from inventory.services import PurchaseLine, customer_delete, invoice_issue, purchase_create
from tests.inventory.factories import CustomerFactory, ItemFactory


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def issued_invoice(customer=None, items=None) -> Invoice:
    customer = customer or CustomerFactory(name="Ada Lovelace", address="12 Old Street")
    items = items or [ItemFactory(name="Blue mug", description="Stoneware", price="4.50")]
    invoice = purchase_create(
        customer_id=customer.pk, lines=[PurchaseLine(item=i.pk, quantity=2) for i in items]
    )
    return invoice_issue(invoice_id=invoice.pk)


def pdf_url(invoice) -> str:
    return reverse("invoice-pdf", args=[invoice.pk])


def test_issue_answers_the_stored_pdfs_sha256(staff_client, customer, items):
    invoice = purchase_create(
        customer_id=customer.pk, lines=[PurchaseLine(item=items[0].pk, quantity=1)]
    )
    response = staff_client.post(reverse("invoice-issue", args=[invoice.pk]))
    assert response.status_code == 200
    sha = response.json()["pdf_sha256"]
    download = staff_client.get(pdf_url(invoice))
    assert hashlib.sha256(download.content).hexdigest() == sha
    assert download["ETag"] == f'"{sha}"'


def test_open_invoice_json_has_no_sha_and_no_etag(staff_client, customer, items):
    invoice = purchase_create(
        customer_id=customer.pk, lines=[PurchaseLine(item=items[0].pk, quantity=1)]
    )
    assert staff_client.get(reverse("invoice-detail", args=[invoice.pk])).json()["pdf_sha256"] == ""
    response = staff_client.get(pdf_url(invoice))
    assert response.status_code == 200
    assert "ETag" not in response


def test_pdf_is_byte_identical_after_editing_the_customer_and_the_item(staff_client):
    customer = CustomerFactory(name="Ada Lovelace", address="12 Old Street")
    item = ItemFactory(name="Blue mug", description="Stoneware", price="4.50")
    invoice = issued_invoice(customer, [item])
    before = staff_client.get(pdf_url(invoice)).content
    assert "Ada Lovelace" in pdf_text(before)

    assert (
        staff_client.patch(
            reverse("customer-detail", args=[customer.pk]),
            {"name": "Grace Hopper", "address": "1 New Road"},
            format="json",
        ).status_code
        == 200
    )
    assert (
        staff_client.patch(
            reverse("item-detail", args=[item.pk]),
            {"name": "Red cup", "description": "Porcelain", "price": "99.00"},
            format="json",
        ).status_code
        == 200
    )

    after = staff_client.get(pdf_url(invoice))
    assert after.content == before
    by_customer = staff_client.get(reverse("customer-purchase", args=[customer.pk]))
    assert by_customer.content == before
    text = pdf_text(after.content)
    assert "Grace Hopper" not in text
    assert "Red cup" not in text
    body = staff_client.get(reverse("invoice-detail", args=[invoice.pk])).json()
    assert body["customer_name"] == "Ada Lovelace"
    assert (body["lines"][0]["name"], body["lines"][0]["description"]) == ("Blue mug", "Stoneware")


def test_open_invoice_renders_the_live_customer_and_item(staff_client):
    customer = CustomerFactory(name="Ada Lovelace")
    item = ItemFactory(name="Blue mug")
    purchase_create(customer_id=customer.pk, lines=[PurchaseLine(item=item.pk, quantity=1)])
    staff_client.patch(
        reverse("customer-detail", args=[customer.pk]), {"name": "Grace Hopper"}, format="json"
    )
    staff_client.patch(reverse("item-detail", args=[item.pk]), {"name": "Red cup"}, format="json")
    text = pdf_text(staff_client.get(reverse("customer-purchase", args=[customer.pk])).content)
    assert "Grace Hopper" in text
    assert "Red cup" in text


def test_customer_and_item_on_an_issued_invoice_cannot_be_deleted(staff_client):
    invoice = issued_invoice()
    line = invoice.lines.get()
    item = staff_client.delete(reverse("item-detail", args=[line.item_id]))
    assert (item.status_code, item.json()["errors"][0]["code"]) == (409, "item_in_use")
    with pytest.raises(CustomerInUse):  # customers have no DELETE in the API; the admin's door
        customer_delete(customer=invoice.customer)


@pytest.mark.parametrize(
    "header",
    ['"{sha}"', 'W/"{sha}"', "*", '"other", "{sha}"', '"a",W/"{sha}" , "b"'],
)
def test_if_none_match_answers_304_with_the_etag_and_no_body(staff_client, header):
    invoice = issued_invoice()
    header = header.format(sha=invoice.pdf_sha256)
    response = staff_client.get(pdf_url(invoice), HTTP_IF_NONE_MATCH=header)
    assert response.status_code == 304
    assert response["ETag"] == f'"{invoice.pdf_sha256}"'
    assert response.content == b""


@pytest.mark.parametrize("header", ['"nope"', 'W/"nope"', "", "garbage", '"{sha}x"'])
def test_if_none_match_that_does_not_match_gets_the_bytes(staff_client, header):
    invoice = issued_invoice()
    response = staff_client.get(
        pdf_url(invoice), HTTP_IF_NONE_MATCH=header.format(sha=invoice.pdf_sha256)
    )
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == invoice.pdf_sha256


def test_an_invoice_issued_before_pdfs_were_stored_is_stored_on_first_download(staff_client):
    invoice = issued_invoice()
    document_storage().delete(invoice.pdf.name)
    Invoice.objects.filter(pk=invoice.pk).update(pdf="", pdf_sha256="")  # as migration 0010 left it
    first = staff_client.get(pdf_url(invoice))
    invoice.refresh_from_db()
    assert invoice.pdf and invoice.pdf_sha256 == hashlib.sha256(first.content).hexdigest()
    assert first["ETag"] == f'"{invoice.pdf_sha256}"'
    assert staff_client.get(pdf_url(invoice)).content == first.content


def stored_files() -> set[str]:
    storage, found, folders = document_storage(), set(), [""]
    while folders:
        folder = folders.pop()
        subfolders, files = storage.listdir(folder) if storage.exists(folder or ".") else ([], [])
        folders += [f"{folder}/{sub}".lstrip("/") for sub in subfolders]
        found |= {f"{folder}/{name}".lstrip("/") for name in files}
    return found


def test_a_failed_issue_leaves_the_invoice_open_and_no_file(customer, items, monkeypatch):
    invoice = purchase_create(
        customer_id=customer.pk, lines=[PurchaseLine(item=items[0].pk, quantity=1)]
    )
    before = stored_files()

    def boom(self, *args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(Invoice, "save", boom)  # fails after the PDF file is written
    with pytest.raises(RuntimeError):
        invoice_issue(invoice_id=invoice.pk)
    monkeypatch.undo()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.pdf_sha256, invoice.pdf.name) == ("open", "", "")
    assert stored_files() == before


def test_issued_pdf_runs_a_fixed_number_of_queries(
    staff_client, customer, django_assert_num_queries
):
    invoice = issued_invoice(customer, ItemFactory.create_batch(10))
    with django_assert_num_queries(5):  # 2 token auth + invoice (the lines are in the file)
        response = staff_client.get(pdf_url(invoice))
    assert response.status_code == 200


def test_invoice_json_shows_the_credit_fields(staff_client):
    invoice = issued_invoice()
    body = staff_client.get(reverse("invoice-detail", args=[invoice.pk])).json()
    assert (body["credited_total"], body["net_total"], body["total"]) == ("0.00", "9.00", "9.00")
    assert body["lines"][0]["credited_quantity"] == 0
    listed = staff_client.get(reverse("invoice-list")).json()[0]
    assert (listed["pdf_sha256"], listed["net_total"]) == (invoice.pdf_sha256, "9.00")


def test_the_issued_pdf_prints_the_frozen_customer(staff_client):
    invoice = issued_invoice()
    text = pdf_text(staff_client.get(pdf_url(invoice)).content)
    assert "Ada Lovelace" in text
    assert "12 Old Street" in text
    assert "Blue mug \u2013 Stoneware 4.50 2 9.00" in text


def test_the_customers_current_invoice_answers_304_too(staff_client):
    invoice = issued_invoice()
    url = reverse("customer-purchase", args=[invoice.customer_id])
    first = staff_client.get(url)
    assert (first.status_code, first["ETag"]) == (200, f'"{invoice.pdf_sha256}"')
    again = staff_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert (again.status_code, again.content) == (304, b"")
    # JSON is not the PDF: no 304 for it, whatever the header.
    as_json = staff_client.get(url, HTTP_ACCEPT="application/json", HTTP_IF_NONE_MATCH="*")
    assert as_json.status_code == 200
    assert as_json.json()["pdf_sha256"] == invoice.pdf_sha256


def test_head_of_the_customers_current_invoice_answers_what_get_would(staff_client):
    invoice = issued_invoice()
    url = reverse("customer-purchase", args=[invoice.customer_id])
    head = staff_client.head(url)
    assert (head.status_code, head["Content-Type"]) == (200, "application/pdf")
    assert head["ETag"] == f'"{invoice.pdf_sha256}"'
    assert staff_client.head(url, HTTP_IF_NONE_MATCH=head["ETag"]).status_code == 304


@pytest.mark.parametrize("damage", ["deleted", "overwritten"])
def test_a_stored_pdf_missing_or_damaged_in_storage_is_rendered_again_not_a_500(
    staff_client, caplog, damage
):
    invoice = issued_invoice()
    storage = document_storage()
    if damage == "deleted":
        storage.delete(invoice.pdf.name)
    else:
        with storage.open(invoice.pdf.name, "wb") as stored:
            stored.write(b"corrupt")
    response = staff_client.get(pdf_url(invoice))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    invoice.refresh_from_db()
    assert hashlib.sha256(response.content).hexdigest() == invoice.pdf_sha256
    assert response["ETag"] == f'"{invoice.pdf_sha256}"'
    assert "missing or damaged" in caplog.text
    assert "Ada Lovelace" in pdf_text(response.content)  # from the frozen fields


def test_a_credit_notes_pdf_missing_in_storage_is_rendered_again(staff_client):
    from inventory.services import CreditLine, credit_note_create

    invoice = issued_invoice()
    line = invoice.lines.get()
    credit_note = credit_note_create(
        invoice_id=invoice.pk, lines=[CreditLine(item=line.item_id, quantity=1)]
    )
    document_storage().delete(credit_note.pdf.name)
    response = staff_client.get(reverse("creditnote-pdf", args=[credit_note.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    credit_note.refresh_from_db()
    assert hashlib.sha256(response.content).hexdigest() == credit_note.pdf_sha256
