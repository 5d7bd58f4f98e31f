from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.constants import MAX_DB_ID
from core.pagination import LinkHeaderPagination, link_header_parameters, link_paginated
from core.permissions import StaffWithPerms
from core.serializers import ConflictErrorResponseSerializer
from inventory import ledger, selectors, services
from inventory.exceptions import CustomerNotFound, InvoiceNotFound
from inventory.filters import ItemFilter, MovementFilter
from inventory.invoice_serializers import InvoiceSerializer
from inventory.invoice_views import (
    IF_NONE_MATCH,
    NOT_MODIFIED,
    PDF_RESPONSE,
    invoice_pdf_response,
)
from inventory.renderers import JSONErrorsMixin, PDFRenderer, PlainTextRenderer
from inventory.serializers import (
    CustomerSerializer,
    InventoryValidationErrorSerializer,
    ItemSerializer,
    PurchaseLineSerializer,
    PurchaseSetLineSerializer,
    StockAdjustSerializer,
    StockMovementSerializer,
    StockReportSerializer,
    purchase_lines_validate,
)
from inventory.services import PurchaseLine

CONFLICT = OpenApiResponse(ConflictErrorResponseSerializer)


@link_paginated
# `name` is optional in the body, but required when there is no description to take it from.
@extend_validation_errors(["required"], field_name="name", actions=["create"])
@extend_validation_errors(
    ["out_of_range"], field_name="expiry_date", actions=["create", "update", "partial_update"]
)
@extend_validation_errors(
    ["not_updatable"], field_name="quantity", actions=["update", "partial_update"]
)
@extend_validation_errors(["zero"], field_name="delta", actions=["adjust"])
@extend_validation_errors(["invalid"], field_name="page", actions=["movements"])
class ItemViewSet(viewsets.ModelViewSet):
    """The catalogue: anyone may read it; staff create, change and delete items."""

    serializer_class = ItemSerializer
    filterset_class = ItemFilter
    search_fields = ["name", "description", "sku"]
    ordering_fields = ["id", "name", "price", "quantity", "expiry_date", "created_at"]
    ordering = ["name", "id"]

    def get_queryset(self):
        return selectors.item_list()

    required_perms = {
        "create": ["inventory.add_item"],
        "update": ["inventory.change_item"],
        "partial_update": ["inventory.change_item"],
        "destroy": ["inventory.delete_item"],
        "adjust": ["inventory.change_item"],
        "movements": ["inventory.view_stockmovement"],
        "metadata": [],
    }

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]
        return [StaffWithPerms()]

    def perform_create(self, serializer):
        serializer.instance = services.item_create(
            data=serializer.validated_data, actor=self.request.user
        )

    def perform_update(self, serializer):
        # `quantity` is refused unless it equals the stock: stock moves through adjust/.
        services.item_update(item=serializer.instance, data=serializer.validated_data)

    @extend_schema(responses={204: None, 409: CONFLICT})
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance):
        services.item_delete(item=instance)

    @extend_schema(
        summary="Add or take out stock, with a note (staff)",
        request=StockAdjustSerializer,
        responses={201: StockMovementSerializer, 409: CONFLICT},
        examples=[
            OpenApiExample(
                "Three broken", value={"delta": -3, "note": "broken in transit"}, request_only=True
            )
        ],
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def adjust(self, request, pk=None):
        item = self.get_object()
        body = StockAdjustSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        movement = services.item_stock_adjust(item=item, actor=request.user, **body.validated_data)
        return Response(StockMovementSerializer(movement).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The item's stock movements, newest first (staff)",
        parameters=link_header_parameters(),
        responses={200: StockMovementSerializer(many=True)},
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[DjangoFilterBackend],
        filterset_class=MovementFilter,
        pagination_class=LinkHeaderPagination,
    )
    def movements(self, request, pk=None):
        # Not get_object(): the movement filters (?reason=...) are for the movements, not items.
        item = get_object_or_404(self.get_queryset(), pk=pk)
        movements = self.filter_queryset(ledger.movement_list(item_id=item.pk))
        page = self.paginate_queryset(movements)
        return self.get_paginated_response(StockMovementSerializer(page, many=True).data)


@link_paginated
@extend_validation_errors(
    ["invalid_text"], field_name="phone", actions=["create", "update", "partial_update"]
)
class CustomerViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Customers (staff with the customer permissions)."""

    serializer_class = CustomerSerializer
    permission_classes = [StaffWithPerms]
    required_perms = {
        "list": ["inventory.view_customer"],
        "retrieve": ["inventory.view_customer"],
        "create": ["inventory.add_customer"],
        "update": ["inventory.change_customer"],
        "partial_update": ["inventory.change_customer"],
        "metadata": [],
    }
    search_fields = ["name", "phone", "email", "address"]
    ordering_fields = ["id", "name", "created_at"]
    ordering = ["name", "id"]

    def get_queryset(self):
        return selectors.customer_list()

    def perform_create(self, serializer):
        serializer.instance = services.customer_create(data=serializer.validated_data)

    def perform_update(self, serializer):
        services.customer_update(customer=serializer.instance, data=serializer.validated_data)


PURCHASE_EXAMPLE = OpenApiExample(
    "Two items", value=[{"item": 4, "quantity": 1}, {"item": 7, "quantity": 3}], request_only=True
)
PURCHASE_ERRORS = {
    400: OpenApiResponse(
        InventoryValidationErrorSerializer,
        description="Bad lines, one error per line (`attr` = `<index>.<field>`): not a list, "
        "empty, too many lines, quantity not a whole number or out of range, unknown item "
        "(`does_not_exist`), the same item twice (`duplicate_item`), and for POST an item "
        "already on the invoice (`already_on_invoice`). Nothing changes.",
    ),
    409: OpenApiResponse(
        ConflictErrorResponseSerializer,
        description="Not enough stock (`insufficient_stock`), one error per short line naming "
        "the item, the quantity asked and what is available. Nothing changes.",
    ),
}


class PurchaseView(JSONErrorsMixin, APIView):
    """A customer's purchases, on their open invoice (opened by the first purchase)."""

    permission_classes = [StaffWithPerms]
    # A purchase changes the customer's open invoice (opening one when there is none).
    required_perms = {
        "get": ["inventory.view_invoice"],
        "post": ["inventory.change_invoice"],
        "put": ["inventory.change_invoice"],
        "options": [],
    }

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if kwargs["customer_id"] > MAX_DB_ID:  # beyond a 64-bit key: no such customer
            raise CustomerNotFound(f"Customer {kwargs['customer_id']} does not exist.")

    def get_renderers(self):
        if self.request.method in ("GET", "HEAD"):  # HEAD answers what GET would
            return [PDFRenderer(), JSONRenderer()]
        return [JSONRenderer()]

    @extend_schema(
        summary="The customer's current invoice: PDF, or JSON with Accept: application/json",
        description="The open invoice, or the latest issued one when none is open. "
        "404 when the customer does not exist or has no invoice yet. An issued invoice's PDF "
        "is its stored bytes with an `ETag` (304 on a matching `If-None-Match`).",
        parameters=[IF_NONE_MATCH],
        responses={
            (200, "application/pdf"): PDF_RESPONSE,
            (200, "application/json"): InvoiceSerializer,
            304: NOT_MODIFIED,
        },
    )
    def get(self, request, customer_id: int):
        invoice = selectors.invoice_current_for_customer(customer_id=customer_id)
        if invoice is None:
            if not selectors.customer_list().filter(pk=customer_id).exists():
                raise CustomerNotFound(f"Customer {customer_id} does not exist.")
            raise InvoiceNotFound(
                f"Customer {customer_id} has no invoice yet; POST a purchase first."
            )
        if request.accepted_renderer.format == "pdf":
            return invoice_pdf_response(invoice, request=request)
        return Response(InvoiceSerializer(invoice).data)

    @extend_schema(
        summary="Add lines to the open invoice and take the stock (all or nothing)",
        request=PurchaseLineSerializer(many=True),
        responses={201: InvoiceSerializer, **PURCHASE_ERRORS},
        examples=[PURCHASE_EXAMPLE],
    )
    def post(self, request, customer_id: int):
        return self._purchase(
            request, customer_id, PurchaseLineSerializer, services.purchase_create
        )

    @extend_schema(
        summary="Set quantities on the open invoice (0 removes a line; all or nothing)",
        request=PurchaseSetLineSerializer(many=True),
        responses={200: InvoiceSerializer, **PURCHASE_ERRORS},
        examples=[PURCHASE_EXAMPLE],
    )
    def put(self, request, customer_id: int):
        return self._purchase(
            request, customer_id, PurchaseSetLineSerializer, services.purchase_update
        )

    def _purchase(self, request, customer_id, child, service):
        lines = [PurchaseLine(**line) for line in purchase_lines_validate(child, request.data)]
        invoice = service(customer_id=customer_id, lines=lines, actor=request.user)
        code = status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK
        data = InvoiceSerializer(selectors.invoice_get_for_pdf(invoice_id=invoice.pk)).data
        return Response(data, status=code)


class LowStockView(JSONErrorsMixin, APIView):
    """The latest stock list (generated on the spot when there is none yet)."""

    permission_classes = [StaffWithPerms]
    required_perms = {"get": ["inventory.view_stockreport"], "options": []}
    renderer_classes = [PlainTextRenderer, JSONRenderer]

    @extend_schema(
        summary="Latest stock list: text/plain (stocklist.txt), or JSON with ?format=json",
        parameters=[
            OpenApiParameter(
                "format", str, enum=["txt", "json"], description="`json` for structured data."
            )
        ],
        responses={
            (200, "text/plain"): OpenApiResponse(OpenApiTypes.STR, description="stocklist.txt"),
            (200, "application/json"): StockReportSerializer,
        },
    )
    def get(self, request, format=None):
        report = selectors.stock_report_latest()
        if report is None:
            services.stock_report_generate()
            report = selectors.stock_report_latest()
        if request.accepted_renderer.format == "txt":
            response = Response(report.text, content_type="text/plain; charset=utf-8")
            response["Content-Disposition"] = 'inline; filename="stocklist.txt"'
            return response
        return Response(StockReportSerializer(report).data)
