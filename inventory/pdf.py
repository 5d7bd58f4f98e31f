"""Invoice PDFs: context building and the one render function every door uses."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from inventory.models import Invoice

STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "inventory"


class BlockedURL(ValueError):
    pass


def url_fetcher(url: str, timeout: int = 10, ssl_context=None) -> dict:
    """WeasyPrint fetcher that serves only files bundled under static/inventory/.

    Any network URL, data URL or file:// outside that folder is refused, so nothing a customer
    types into a name or address can make the renderer read a local file or call out.
    """
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise BlockedURL(f"Refusing to fetch {url!r}: only bundled static files are allowed.")
    path = Path(unquote(parts.path)).resolve()
    if not path.is_relative_to(STATIC_DIR.resolve()) or not path.is_file():
        raise BlockedURL(f"Refusing to fetch {url!r}: not a bundled static file.")
    mime = {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml"}.get(path.suffix)
    return {"string": path.read_bytes(), "mime_type": mime, "redirected_url": path.as_uri()}


def invoice_pdf_context(*, invoice: Invoice) -> dict:
    """Template context; `invoice` should come from selectors.invoice_get_for_pdf()."""
    lines = list(invoice.lines.all())
    return {
        "invoice": invoice,
        "customer": invoice.customer,
        "lines": lines,
        "quantity_total": sum(line.quantity for line in lines),
        "currency": settings.INVOICE_CURRENCY,
        "date": timezone.localtime(invoice.issued_at or invoice.created_at),
        "seller": {
            "name": settings.INVOICE_SELLER_NAME,
            "phone": settings.INVOICE_SELLER_PHONE,
            "email": settings.INVOICE_SELLER_EMAIL,
            "address": settings.INVOICE_SELLER_ADDRESS,
        },
    }


def invoice_pdf_render(*, invoice: Invoice) -> bytes:
    """Render the invoice to PDF bytes (no file is written)."""
    # Imported here: WeasyPrint loads Pango at import time, which only PDF requests need.
    from weasyprint import HTML

    html = render_to_string("inventory/invoice.html", invoice_pdf_context(invoice=invoice))
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=url_fetcher)
    return document.write_pdf()


def invoice_pdf_filename(*, invoice: Invoice) -> str:
    # The number is ours (prefix-year-digits), never customer input, so it is safe in a header.
    return f"invoice-{invoice.number}.pdf"
