"""Invoice PDFs: context building and the one render function every door uses."""

import functools
import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from inventory.models import Invoice

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
    from weasyprint import HTML

    html = render_to_string("inventory/invoice.html", invoice_pdf_context(invoice=invoice))
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=_url_fetcher())
    return document.write_pdf()


def invoice_pdf_filename(*, invoice: Invoice) -> str:
    # The number is ours (prefix-year-digits), never customer input, so it is safe in a header.
    return f"invoice-{invoice.number}.pdf"
