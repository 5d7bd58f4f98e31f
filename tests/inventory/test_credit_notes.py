"""Credit notes: returns after issue, from the outside."""

import hashlib
import io
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from inventory.models import (
    CreditNote,
    CreditNoteSequence,
    Invoice,
    InvoiceLine,
    Item,
    StockMovement,
    document_storage,
)
from inventory.services import (
    CreditLine,
    PurchaseLine,
    credit_note_create,
    invoice_issue,
    purchase_create,
)
from tests.inventory.conftest import postgres_only
from tests.inventory.factories import CustomerFactory, ItemFactory

CREDIT_NOTES = reverse("creditnote-list")
YEAR = timezone.localdate().year


def credit_url(invoice) -> str:
    return reverse("invoice-credit-notes", args=[invoice.pk])


def issued(customer=None, items=None, quantity=4) -> Invoice:
    customer = customer or CustomerFactory(name="Ada Lovelace")
    items = items or [
        ItemFactory(name="Blue mug", price="4.50", quantity=10),
        ItemFactory(name="Tea towel", price="2.25", quantity=10),
    ]
    invoice = purchase_create(
        customer_id=customer.pk,
        lines=[PurchaseLine(item=item.pk, quantity=quantity) for item in items],
    )
    return invoice_issue(invoice_id=invoice.pk)


def item_ids(invoice) -> list[int]:
    return list(invoice.lines.order_by("id").values_list("item_id", flat=True))


def errors(response) -> list[tuple[str, str]]:
    return [(e["attr"], e["code"]) for e in response.json()["errors"]]


def test_a_credit_note_returns_stock_and_credits_the_invoice(staff_client):
    invoice = issued()
    mug, towel = item_ids(invoice)
    response = staff_client.post(
        credit_url(invoice), [{"item": mug, "quantity": 3}, {"item": towel, "quantity": 1}]
    )
    assert response.status_code == 201
    body = response.json()
    assert body["number"] == f"CN-{YEAR}-000001"
    assert (body["invoice"], body["invoice_number"], body["total"]) == (
        invoice.pk,
        invoice.number,
        "15.75",
    )
    assert [(line["name"], line["quantity"], line["line_total"]) for line in body["lines"]] == [
        ("Blue mug", 3, "13.50"),
        ("Tea towel", 1, "2.25"),
    ]
    assert Item.objects.get(pk=mug).quantity == 6 + 3
    movements = StockMovement.objects.filter(credit_note_id=body["id"]).order_by("item_id")
    assert [(m.item_id, m.delta, m.reason, m.invoice_id) for m in movements] == [
        (mug, 3, "return", invoice.pk),
        (towel, 1, "return", invoice.pk),
    ]
    assert movements[0].actor == staff_client.user

    detail = staff_client.get(reverse("invoice-detail", args=[invoice.pk])).json()
    assert (detail["total"], detail["credited_total"], detail["net_total"]) == (
        "27.00",
        "15.75",
        "11.25",
    )
    assert [line["credited_quantity"] for line in detail["lines"]] == [3, 1]


def test_numbers_are_gapless_and_a_failed_request_uses_none(staff_client):
    invoice = issued()
    mug, _towel = item_ids(invoice)
    failed = staff_client.post(credit_url(invoice), [{"item": mug, "quantity": 5}])
    assert failed.status_code == 409
    first = staff_client.post(credit_url(invoice), [{"item": mug, "quantity": 1}])
    second = staff_client.post(credit_url(invoice), [{"item": mug, "quantity": 1}])
    assert [first.json()["number"], second.json()["number"]] == [
        f"CN-{YEAR}-000001",
        f"CN-{YEAR}-000002",
    ]


def test_over_crediting_is_409_naming_the_line_and_changes_nothing(staff_client):
    invoice = issued()
    mug, towel = item_ids(invoice)
    staff_client.post(credit_url(invoice), [{"item": towel, "quantity": 3}])
    response = staff_client.post(
        credit_url(invoice), [{"item": mug, "quantity": 1}, {"item": towel, "quantity": 2}]
    )
    assert response.status_code == 409
    assert errors(response) == [("1.quantity", "exceeds_sold")]
    detail = response.json()["errors"][0]["detail"]
    assert "Tea towel" in detail
    assert "credit 2, sold 4, already credited 3" in detail
    assert InvoiceLine.objects.get(invoice=invoice, item_id=mug).credited_quantity == 0
    assert Item.objects.get(pk=mug).quantity == 6
    assert CreditNote.objects.count() == 1


def test_an_open_invoice_cannot_be_credited(staff_client, customer, items):
    invoice = purchase_create(
        customer_id=customer.pk, lines=[PurchaseLine(item=items[0].pk, quantity=1)]
    )
    response = staff_client.post(credit_url(invoice), [{"item": items[0].pk, "quantity": 1}])
    assert response.status_code == 409
    assert errors(response)[0][1] == "not_issued"
    assert "PUT" in response.json()["errors"][0]["detail"]


def test_unknown_invoice_is_404(staff_client, db):
    assert staff_client.post(reverse("invoice-credit-notes", args=[999]), []).status_code == 404


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([{"item": "{mug}", "quantity": 1, "price": "0.01"}], ("0.price", "unknown_field")),
        ([{"item": "{other}", "quantity": 1}], ("0.item", "not_on_invoice")),
        ([{"item": 99999, "quantity": 1}], ("0.item", "not_on_invoice")),
        (
            [{"item": "{mug}", "quantity": 1}, {"item": "{mug}", "quantity": 1}],
            ("1.item", "duplicate_item"),
        ),
        ([{"item": "{mug}", "quantity": 0}], ("0.quantity", "min_value")),
        ([{"item": "{mug}", "quantity": -3}], ("0.quantity", "min_value")),
        ([{"item": "{mug}", "quantity": 10**30}], ("0.quantity", "max_value")),
        ([{"item": "{mug}", "quantity": "two"}], ("0.quantity", "invalid")),
        ([{"item": "{mug}"}], ("0.quantity", "required")),
        ([], ("non_field_errors", "empty")),
        ({"item": "{mug}", "quantity": 1}, ("non_field_errors", "not_a_list")),
    ],
)
def test_bad_bodies_are_400_naming_the_line_and_change_nothing(staff_client, body, expected):
    invoice = issued()
    other = issued(CustomerFactory())
    mug = item_ids(invoice)[0]
    ids = {"{mug}": mug, "{other}": item_ids(other)[0]}

    def fill(value):
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        return ids.get(value, value) if isinstance(value, str) else value

    response = staff_client.post(credit_url(invoice), fill(body), format="json")
    assert response.status_code == 400
    assert expected in errors(response)
    assert CreditNote.objects.count() == 0
    assert Item.objects.get(pk=mug).quantity == 6


def test_a_lone_surrogate_is_400(staff_client):
    invoice = issued()
    response = staff_client.post(
        credit_url(invoice),
        data=b'[{"item": "\\ud800", "quantity": 1}]',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert CreditNote.objects.count() == 0


def test_crediting_past_the_stock_limit_is_400(staff_client):
    invoice = issued()
    mug = item_ids(invoice)[0]
    Item.objects.filter(pk=mug).update(quantity=2**31 - 2)  # as if adjusted up to the limit
    response = staff_client.post(credit_url(invoice), [{"item": mug, "quantity": 2}])
    assert response.status_code == 400
    assert errors(response) == [("0.quantity", "max_value")]
    assert CreditNote.objects.count() == 0


def test_credit_notes_are_staff_only(auth_client, api_client, db):
    invoice = issued()
    body = [{"item": item_ids(invoice)[0], "quantity": 1}]
    assert auth_client.post(credit_url(invoice), body, format="json").status_code == 403
    assert api_client.post(credit_url(invoice), body, format="json").status_code in (401, 403)
    assert auth_client.get(CREDIT_NOTES).status_code == 403
    assert api_client.get(CREDIT_NOTES).status_code in (401, 403)
    assert CreditNote.objects.count() == 0


def test_list_filters_by_invoice_and_customer(staff_client):
    one, two = CustomerFactory(), CustomerFactory()
    a, b = issued(one), issued(two)
    notes = {
        name: credit_note_create(
            invoice_id=invoice.pk, lines=[CreditLine(item=item_ids(invoice)[0], quantity=1)]
        )
        for name, invoice in [("a1", a), ("a2", a), ("b", b)]
    }
    listed = staff_client.get(CREDIT_NOTES)
    assert listed["X-Total-Count"] == "3"
    assert [r["id"] for r in listed.json()] == [notes[k].pk for k in ("b", "a2", "a1")]
    by_invoice = staff_client.get(CREDIT_NOTES, {"invoice": a.pk}).json()
    assert {r["id"] for r in by_invoice} == {notes["a1"].pk, notes["a2"].pk}
    by_customer = staff_client.get(CREDIT_NOTES, {"customer": two.pk}).json()
    assert [r["id"] for r in by_customer] == [notes["b"].pk]
    assert staff_client.get(CREDIT_NOTES, {"invoice": "x"}).status_code == 400
    detail = staff_client.get(reverse("creditnote-detail", args=[notes["b"].pk])).json()
    assert (detail["customer"], detail["lines"][0]["quantity"]) == (two.pk, 1)


def test_credit_note_pdf_is_frozen_with_etag_and_304(staff_client):
    invoice = issued()
    mug = item_ids(invoice)[0]
    note = staff_client.post(credit_url(invoice), [{"item": mug, "quantity": 2}]).json()
    url = reverse("creditnote-pdf", args=[note["id"]])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == note["pdf_sha256"]
    assert response["ETag"] == f'"{note["pdf_sha256"]}"'
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert note["number"] in text
    assert invoice.number in text
    assert "Blue mug 4.50 2 9.00" in text
    assert "Ada Lovelace" in text
    staff_client.patch(reverse("item-detail", args=[mug]), {"name": "Renamed"}, format="json")
    assert staff_client.get(url).content == response.content
    cached = staff_client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert (cached.status_code, cached.content) == (304, b"")
    assert staff_client.get(reverse("creditnote-pdf", args=[999])).status_code == 404


def test_create_runs_a_fixed_number_of_queries(staff_client, django_assert_num_queries):
    CreditNoteSequence.objects.create(year=YEAR)  # the year's first note also inserts this row
    counts = []
    for size in (2, 8):
        invoice = issued(CustomerFactory(), ItemFactory.create_batch(size, quantity=10))
        body = [{"item": pk, "quantity": 1} for pk in item_ids(invoice)]
        # 2 token auth + invoice 404 check; the service: customer, invoice, invoice lines and
        # items locked, the sequence row (locked, bumped, read back),
        # credit note, lines (bulk), credited quantities (bulk), invoice total, stock (one
        # UPDATE and one bulk INSERT), the PDF's name and hash; the answer: note + lines.
        with django_assert_num_queries(24):
            response = staff_client.post(credit_url(invoice), body, format="json")
        assert response.status_code == 201
        counts.append(len(response.json()["lines"]))
    assert counts == [2, 8]


def test_list_runs_a_fixed_number_of_queries(staff_client, django_assert_num_queries):
    for customer in CustomerFactory.create_batch(5):
        invoice = issued(customer, ItemFactory.create_batch(3, quantity=10))
        credit_note_create(
            invoice_id=invoice.pk,
            lines=[CreditLine(item=pk, quantity=1) for pk in item_ids(invoice)],
        )
    with django_assert_num_queries(7):  # 2 token auth + count + page (invoice joined) + lines
        response = staff_client.get(CREDIT_NOTES)
    assert [len(r["lines"]) for r in response.json()] == [3] * 5


@postgres_only
@pytest.mark.postgres
def test_two_concurrent_credit_notes_never_over_credit(transactional_db):
    from tests.inventory.test_concurrency import run_together

    invoice = issued(quantity=4)
    mug = item_ids(invoice)[0]
    job = lambda: credit_note_create(  # noqa: E731
        invoice_id=invoice.pk, lines=[CreditLine(item=mug, quantity=3)]
    )
    results = run_together([job, job])
    assert Counter(type(r).__name__ for r in results) == {"CreditNote": 1, "CreditExceedsSold": 1}
    assert InvoiceLine.objects.get(invoice=invoice, item_id=mug).credited_quantity == 3
    assert Item.objects.get(pk=mug).quantity == 6 + 3
    assert CreditNote.objects.get().number == f"CN-{YEAR}-000001"


def test_the_credit_notes_pdf_footer_names_a_credit_note_not_an_invoice(db):
    from inventory import pdf as pdfs

    customer, item = CustomerFactory(), ItemFactory(quantity=10)
    invoice = purchase_create(
        customer_id=customer.pk, lines=[PurchaseLine(item=item.pk, quantity=2)]
    )
    invoice = invoice_issue(invoice_id=invoice.pk)
    credit_note = credit_note_create(
        invoice_id=invoice.pk, lines=[CreditLine(item=item.pk, quantity=1)]
    )

    def text(content: bytes) -> str:
        return PdfReader(io.BytesIO(content)).pages[0].extract_text()

    footer = text(pdfs.credit_note_pdf_render(credit_note=credit_note))
    assert f"Credit note #{credit_note.number}" in footer
    assert "Invoice #" not in footer
    assert f"Invoice #{invoice.number}" in text(document_storage().open(invoice.pdf.name).read())
