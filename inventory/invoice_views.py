"""Invoices, credit notes and their PDFs (staff only)."""

import hashlib
import logging

from django.utils.http import parse_etags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.pagination import link_paginated
from core.permissions import StaffWithPerms
from core.serializers import ConflictErrorResponseSerializer, StrictSerializer
from inventory import selectors, services
from inventory.filters import CreditNoteFilter, InvoiceFilter
from inventory.invoice_serializers import (
    CreditNoteSerializer,
    InvoiceListSerializer,
    InvoiceSerializer,
)
from inventory.models import document_storage
from inventory.pdf import (
    credit_note_pdf_filename,
    invoice_pdf_filename,
    invoice_pdf_render,
)
from inventory.renderers import JSONErrorsMixin, PDFRenderer
from inventory.serializers import (
    InventoryValidationErrorSerializer,
    PurchaseLineSerializer,
    purchase_lines_validate,
)

PDF_RESPONSE = OpenApiResponse(
    OpenApiTypes.BINARY,
    description="The invoice as a PDF: an issued invoice's stored bytes (with `ETag`), an open "
    "invoice rendered live.",
)
NOT_MODIFIED = OpenApiResponse(
    description="Not modified: `If-None-Match` matched the stored PDF's ETag (no body)."
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='An ETag from an earlier download (`"<pdf_sha256>"`, `W/` accepted, a list or '
    "`*`): 304 when the stored PDF still matches. Open invoices have no ETag.",
)
CONFLICT = OpenApiResponse(ConflictErrorResponseSerializer)
logger = logging.getLogger(__name__)


def _etag_matches(header: str | None, etag: str) -> bool:
    """RFC 9110 If-None-Match: `*`, or any listed tag equal to ours by weak comparison."""
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def _stored_pdf_read(document) -> bytes | None:
    """The document's stored PDF, or None when the file is missing or no longer matches its
    SHA-256 (deleted or damaged in storage)."""
    try:
        with document_storage().open(document.pdf.name, "rb") as stored:
            content = stored.read()
    except FileNotFoundError:
        return None
    return content if hashlib.sha256(content).hexdigest() == document.pdf_sha256 else None


def stored_pdf_response(request, *, document, filename: str, restore) -> Response:
    """The stored bytes of an issued document's PDF with `ETag: "<sha256>"`; 304 (no body)
    when the request's If-None-Match matches. A stored file that is missing or damaged is
    rendered again from the frozen fields by `restore()` (which returns the document with its
    new file), logged as an error, and served."""
    if request is not None and _etag_matches(
        request.headers.get("If-None-Match"), f'"{document.pdf_sha256}"'
    ):
        response = Response(b"", status=status.HTTP_304_NOT_MODIFIED)
    else:
        content = _stored_pdf_read(document)
        if content is None:
            logger.error(
                "the stored PDF %s of %s is missing or damaged: rendering it again",
                document.pdf.name,
                document,
            )
            document = restore()
            content = _stored_pdf_read(document)
        response = Response(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = f'"{document.pdf_sha256}"'
    # Always revalidate: the bytes never change, but access is checked on every request.
    response["Cache-Control"] = "private, no-cache"
    return response


def invoice_pdf_response(invoice, request=None) -> Response:
    """An issued invoice's stored PDF (stored now if it was issued before PDFs were), or an
    open invoice rendered live. With `request`, If-None-Match can answer 304."""
    filename = invoice_pdf_filename(invoice=invoice)
    if invoice.is_issued:
        if not invoice.pdf:
            invoice = services.invoice_pdf_store(invoice_id=invoice.pk)
        return stored_pdf_response(
            request,
            document=invoice,
            filename=filename,
            restore=lambda: services.invoice_pdf_store(invoice_id=invoice.pk, rebuild=True),
        )
    selectors.invoice_lines_fetch(invoice=invoice)  # no query when already prefetched
    response = Response(invoice_pdf_render(invoice=invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


CREDIT_NOTE_ERRORS = {
    400: OpenApiResponse(
        InventoryValidationErrorSerializer,
        description="Bad lines, one error per line (`attr` = `<index>.<field>`): not a list, "
        "empty, too many lines, an unknown field, quantity not a whole number or out of range, "
        "an item not on the invoice (`not_on_invoice`), the same item twice (`duplicate_item`), "
        "stock that would pass the maximum (`max_value`). Nothing changes.",
    ),
    409: OpenApiResponse(
        ConflictErrorResponseSerializer,
        description="The invoice is open (`not_issued`: change it with PUT), or a line asks "
        "for more than sold minus already credited (`exceeds_sold`, one error per line naming "
        "the item, sold, credited and asked). Nothing changes and no number is used.",
    ),
}


@link_paginated
@extend_schema_view(
    list=extend_schema(summary="Invoices, newest first"),
    retrieve=extend_schema(summary="One invoice with its lines"),
)
class InvoiceViewSet(JSONErrorsMixin, viewsets.ReadOnlyModelViewSet):
    """Invoices (staff with the invoice permissions): list, retrieve, PDF, issue, credit notes."""

    permission_classes = [StaffWithPerms]
    # As in the admin: reading needs view_invoice, issuing change_invoice (the admin's "Issue
    # invoice" action), crediting add_creditnote.
    required_perms = {
        "list": ["inventory.view_invoice"],
        "retrieve": ["inventory.view_invoice"],
        "pdf": ["inventory.view_invoice"],
        "issue": ["inventory.change_invoice"],
        "credit_notes": ["inventory.add_creditnote"],
        "metadata": [],
    }
    filterset_class = InvoiceFilter
    search_fields = ["number", "customer__name"]
    ordering_fields = ["id", "number", "created_at", "issued_at", "total"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.invoice_list()
        if self.action in ("pdf", "credit_notes", "issue"):
            return selectors.invoice_pdf_queryset()
        return selectors.invoice_detail_queryset()

    def get_serializer_class(self):
        return InvoiceListSerializer if self.action == "list" else InvoiceSerializer

    @extend_schema(
        summary="The invoice as a PDF",
        description="Issued invoices: the bytes stored at issue, byte for byte, whatever "
        'happened to the customer or items since, with `ETag: "<pdf_sha256>"`; send it back '
        "in `If-None-Match` for a 304. Open invoices render live.",
        parameters=[IF_NONE_MATCH],
        responses={(200, "application/pdf"): PDF_RESPONSE, 304: NOT_MODIFIED},
    )
    @action(detail=True, methods=["get"], renderer_classes=[PDFRenderer], filter_backends=[])
    def pdf(self, request, pk=None):
        return invoice_pdf_response(self.get_object(), request=request)

    @extend_schema(
        summary="Issue (lock) the invoice",
        description="Freezes the customer and the items' names and descriptions onto the "
        "invoice, renders its PDF once and stores it (`pdf_sha256`).",
        request=None,
        responses={200: InvoiceSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def issue(self, request, pk=None):
        StrictSerializer(data=request.data).is_valid(raise_exception=True)  # takes no body
        invoice = self.get_object()
        services.invoice_issue(invoice_id=invoice.pk)
        return Response(
            InvoiceSerializer(selectors.invoice_get_for_pdf(invoice_id=invoice.pk)).data
        )

    @extend_schema(
        summary="Credit returned units of an issued invoice (all or nothing)",
        description="Each line: an item on the invoice and a quantity of at most sold minus "
        "already credited. The stock comes back (`return` movements), the credit note gets the "
        "next gapless number `CN-<year>-<000001>` and a stored PDF.",
        request=PurchaseLineSerializer(many=True),
        responses={201: CreditNoteSerializer, **CREDIT_NOTE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="credit-notes", filter_backends=[])
    def credit_notes(self, request, pk=None):
        invoice = self.get_object()
        lines = [
            services.CreditLine(**line)
            for line in purchase_lines_validate(PurchaseLineSerializer, request.data)
        ]
        credit_note = services.credit_note_create(
            invoice_id=invoice.pk, lines=lines, actor=request.user
        )
        data = CreditNoteSerializer(selectors.credit_note_get(credit_note_id=credit_note.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)


@link_paginated
@extend_schema_view(
    list=extend_schema(summary="Credit notes, newest first"),
    retrieve=extend_schema(summary="One credit note with its lines"),
)
class CreditNoteViewSet(JSONErrorsMixin, viewsets.ReadOnlyModelViewSet):
    """Credit notes (staff only): list (filter by invoice, customer), retrieve, PDF. They are
    created with POST /api/invoices/<id>/credit-notes/."""

    permission_classes = [StaffWithPerms]
    required_perms = {
        "list": ["inventory.view_creditnote"],
        "retrieve": ["inventory.view_creditnote"],
        "pdf": ["inventory.view_creditnote"],
        "metadata": [],
    }
    serializer_class = CreditNoteSerializer
    filterset_class = CreditNoteFilter
    search_fields = ["number", "invoice__number", "invoice__customer_name"]
    ordering_fields = ["id", "number", "created_at", "total"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        if self.action == "pdf":
            return selectors.credit_note_pdf_queryset()
        return selectors.credit_note_list()

    @extend_schema(
        summary="The credit note as a PDF",
        description='The bytes stored when it was created, with `ETag: "<pdf_sha256>"`; '
        "`If-None-Match` with it answers 304.",
        parameters=[IF_NONE_MATCH],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The credit note as a PDF."
            ),
            304: NOT_MODIFIED,
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[PDFRenderer], filter_backends=[])
    def pdf(self, request, pk=None):
        credit_note = self.get_object()
        return stored_pdf_response(
            request,
            document=credit_note,
            filename=credit_note_pdf_filename(credit_note=credit_note),
            restore=lambda: services.credit_note_pdf_store(credit_note_id=credit_note.pk),
        )
