"""Invoice and credit note PDFs: context building and the one render function every door uses."""

import functools
import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from inventory.models import CreditNote, Invoice

# Font subsetting and layout progress log at INFO for every page: keep them out of the logs.
logging.getLogger("fontTools").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "inventory"


class BlockedURL(ValueError):
    pass


MIME_TYPES = {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml"}


def bundled_static_path(url: str) -> Path:
    """The bundled file `url` points to; BlockedURL for anything else.

    Only file:// URLs inside static/inventory/ pass. Network URLs, data: URLs and files
    anywhere else are refused, so nothing a customer types into a name or an address can
    make the renderer read a local file or call out.
    """
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise BlockedURL(f"Refusing to fetch {url!r}: only bundled static files are allowed.")
    path = Path(unquote(parts.path)).resolve()
    if not path.is_relative_to(STATIC_DIR.resolve()) or not path.is_file():
        raise BlockedURL(f"Refusing to fetch {url!r}: not a bundled static file.")
    return path


@functools.cache
def _url_fetcher():
    # WeasyPrint loads Pango when imported; only PDF rendering needs it, so import it late.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = bundled_static_path(url)
            content_type = MIME_TYPES.get(path.suffix, "application/octet-stream")
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticOnlyURLFetcher(allowed_protocols=["file"])


def _seller() -> dict:
    return {
        "name": settings.INVOICE_SELLER_NAME,
        "phone": settings.INVOICE_SELLER_PHONE,
        "email": settings.INVOICE_SELLER_EMAIL,
        "address": settings.INVOICE_SELLER_ADDRESS,
    }


def invoice_customer(*, invoice: Invoice) -> dict:
    """The customer as the invoice shows them: frozen at issue, the live customer while open."""
    if invoice.is_issued:
        return {
            "name": invoice.customer_name,
            "phone": invoice.customer_phone,
            "address": invoice.customer_address,
            "email": invoice.customer_email,
        }
    customer = invoice.customer
    return {
        "name": customer.name,
        "phone": customer.phone,
        "address": customer.address,
        "email": customer.email,
    }


def invoice_pdf_context(*, invoice: Invoice, lines: list | None = None) -> dict:
    """Template context; `invoice` should come from selectors.invoice_get_for_pdf(), or `lines`
    be given (each with `invoice` set)."""
    lines = list(invoice.lines.all()) if lines is None else lines
    return {
        "invoice": invoice,
        "customer": invoice_customer(invoice=invoice),
        "lines": lines,
        "quantity_total": sum(line.quantity for line in lines),
        "currency": settings.INVOICE_CURRENCY,
        "date": timezone.localtime(invoice.issued_at or invoice.created_at),
        "seller": _seller(),
    }


def credit_note_pdf_context(*, credit_note: CreditNote, lines: list | None = None) -> dict:
    """Template context; `credit_note` should come with its invoice joined and lines fetched."""
    lines = list(credit_note.lines.all()) if lines is None else lines
    invoice = credit_note.invoice
    return {
        "credit_note": credit_note,
        "invoice": invoice,
        "customer": invoice_customer(invoice=invoice),
        "lines": lines,
        "quantity_total": sum(line.quantity for line in lines),
        "currency": settings.INVOICE_CURRENCY,
        "date": timezone.localtime(credit_note.created_at or timezone.now()),
        "seller": _seller(),
    }


def pdf_render(*, template: str, context: dict) -> bytes:
    """Render a template to PDF bytes (no file is written); only bundled files are fetched."""
    from weasyprint import HTML

    html = render_to_string(template, context)
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=_url_fetcher())
    return document.write_pdf()


def invoice_pdf_render(*, invoice: Invoice, lines: list | None = None) -> bytes:
    """Render the invoice to PDF bytes (no file is written)."""
    context = invoice_pdf_context(invoice=invoice, lines=lines)
    return pdf_render(template="inventory/invoice.html", context=context)


def credit_note_pdf_render(*, credit_note: CreditNote, lines: list | None = None) -> bytes:
    context = credit_note_pdf_context(credit_note=credit_note, lines=lines)
    return pdf_render(template="inventory/credit_note.html", context=context)


def invoice_pdf_filename(*, invoice: Invoice) -> str:
    # The number is ours (prefix-year-digits), never customer input, so it is safe in a header.
    return f"invoice-{invoice.number}.pdf"


def credit_note_pdf_filename(*, credit_note: CreditNote) -> str:
    return f"credit-note-{credit_note.number}.pdf"
