"""Invoices and their PDFs (staff only)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.pagination import link_paginated
from core.serializers import ConflictErrorResponseSerializer, StrictSerializer
from inventory import selectors, services
from inventory.filters import InvoiceFilter
from inventory.invoice_serializers import InvoiceListSerializer, InvoiceSerializer
from inventory.pdf import invoice_pdf_filename, invoice_pdf_render
from inventory.renderers import JSONErrorsMixin, PDFRenderer

PDF_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="The invoice as a PDF.")
CONFLICT = OpenApiResponse(ConflictErrorResponseSerializer)


def invoice_pdf_response(invoice) -> Response:
    response = Response(invoice_pdf_render(invoice=invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice_pdf_filename(invoice=invoice)}"'
    return response


@link_paginated
@extend_schema_view(
    list=extend_schema(summary="Invoices, newest first"),
    retrieve=extend_schema(summary="One invoice with its lines"),
)
class InvoiceViewSet(JSONErrorsMixin, viewsets.ReadOnlyModelViewSet):
    """Invoices (staff only): list, retrieve, PDF, issue."""

    permission_classes = [permissions.IsAdminUser]
    filterset_class = InvoiceFilter
    search_fields = ["number", "customer__name"]
    ordering_fields = ["id", "number", "created_at", "issued_at", "total"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.invoice_list()
        return selectors.invoice_detail_queryset()

    def get_serializer_class(self):
        return InvoiceListSerializer if self.action == "list" else InvoiceSerializer

    @extend_schema(
        summary="The invoice as a PDF", responses={(200, "application/pdf"): PDF_RESPONSE}
    )
    @action(detail=True, methods=["get"], renderer_classes=[PDFRenderer], filter_backends=[])
    def pdf(self, request, pk=None):
        return invoice_pdf_response(self.get_object())

    @extend_schema(
        summary="Issue (lock) the invoice",
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
