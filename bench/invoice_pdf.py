"""Invoice PDF rendering: time and page count for 20, 200 and 1,000 lines, all lines present;
then GET of an issued 1,000-line invoice (its stored bytes, through the real view) against
rendering it (target: at least 100x faster)."""

import io
import time

from pypdf import PdfReader

from bench.harness import count_queries, median_ms, ratio
from inventory import selectors
from inventory.models import Customer, Item
from inventory.pdf import invoice_pdf_render
from inventory.services import PurchaseLine, invoice_issue, purchase_create


def _invoice(n: int):
    customer = Customer.objects.create(name=f"Bench {n}", phone="+919876543210", address="Here")
    items = Item.objects.bulk_create(
        Item(name=f"Bench item {n}-{i:04d}", description="Benchmark line", price="9.99", quantity=5)
        for i in range(n)
    )
    invoice = purchase_create(
        customer_id=customer.pk, lines=[PurchaseLine(item=item.pk, quantity=1) for item in items]
    )
    return invoice.pk, [item.name for item in items]


def invoice_pdf_queries(invoice_id: int) -> None:
    invoice = selectors.invoice_get_for_pdf(invoice_id=invoice_id)
    list(invoice.lines.all())


def run(args):
    for n in (20, 200) if args.quick else (20, 200, 1000):
        invoice_id, names = _invoice(n)
        samples, content = [], b""
        for _ in range(1 if n >= 1000 else 3):
            start = time.perf_counter()
            invoice = selectors.invoice_get_for_pdf(invoice_id=invoice_id)
            content = invoice_pdf_render(invoice=invoice)
            samples.append((time.perf_counter() - start) * 1000)
        reader = PdfReader(io.BytesIO(content))
        text = "\n".join(page.extract_text() for page in reader.pages)
        yield {
            "lines": n,
            "render_ms": round(sorted(samples)[len(samples) // 2], 1),
            "pages": len(reader.pages),
            "all_lines_present": all(name in text for name in names),
            "bytes": len(content),
            "queries": count_queries(lambda pk=invoice_id: invoice_pdf_queries(pk)),
        }

        if n == 1000:
            yield _issued_get_vs_render(invoice_id, content)


def _issued_get_vs_render(invoice_id: int, rendered: bytes) -> dict:
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from rest_framework.test import APIClient

    render_ms = median_ms(
        lambda: invoice_pdf_render(invoice=selectors.invoice_get_for_pdf(invoice_id=invoice_id)),
        repeat=3,
    )
    invoice = invoice_issue(invoice_id=invoice_id)
    staff = get_user_model().objects.create_user(
        username="bench-staff", password="x", is_staff=True
    )
    client = APIClient()
    client.force_authenticate(staff)
    url = reverse("invoice-pdf", args=[invoice_id])
    client.get(url)  # warm up the view's imports
    get_ms = median_ms(lambda: client.get(url), repeat=20)
    response = client.get(url)
    return {
        "lines": 1000,
        "issued_get_ms": get_ms,
        "render_ms": render_ms,
        "speedup": ratio(render_ms, get_ms),
        "target": ">= 100x",
        "status": response.status_code,
        "stored_bytes_served": response.content == invoice.pdf.open("rb").read(),
        "bytes": len(response.content),
        "rendered_bytes": len(rendered),
    }
