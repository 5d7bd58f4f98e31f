from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.constants import MAX_DB_ID
from core.serializers import StrictFieldsMixin, WholeNumberField
from inventory.models import Customer, Item, StockMovement, StockReport, StockReportLine
from inventory.phones import PHONE_INPUT_MAX_LENGTH, phone_normalize

MAX_QUANTITY = 1_000_000


class ItemSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    quantity = WholeNumberField(
        min_value=0,
        max_value=2**31 - 1,
        required=False,
        help_text="Units in stock. Sent on creation: the initial stock (default 0). After that "
        "it changes only through stock movements (POST /api/items/<id>/adjust/, purchases, "
        "credit notes); an update may send it back unchanged, any other value is refused.",
    )
    reorder_level = WholeNumberField(min_value=0, max_value=2**31 - 1, required=False)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)

    class Meta:
        model = Item
        fields = [
            "id",
            "name",
            "description",
            "price",
            "quantity",
            "expiry_date",
            "sku",
            "reorder_level",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # Optional, keeping the model's validators (one line, 200 characters): without it the
        # service takes the name from `description`, as Disecto's items had only that.
        extra_kwargs = {
            "name": {
                "required": False,
                "help_text": "Optional: taken from `description` when absent (its first 200 "
                "characters, on one line).",
            }
        }


class StockAdjustSerializer(StrictFieldsMixin, serializers.Serializer):
    """POST /api/items/<id>/adjust/: add (or with a negative delta take out) stock, with a note."""

    delta = WholeNumberField(
        min_value=-(2**31 - 1),
        max_value=2**31 - 1,
        help_text="Units to add; negative takes them out (e.g. -3 for three broken). Not 0.",
    )
    note = serializers.CharField(
        max_length=500, help_text="Why the stock changes (counted, damaged, delivered...)."
    )


class StockMovementSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        help_text="The staff member's username; null for the system.",
    )
    invoice_number = serializers.CharField(
        source="invoice.number", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "item",
            "delta",
            "balance_after",
            "reason",
            "invoice",
            "invoice_number",
            "credit_note",
            "actor",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class PhoneField(serializers.CharField):
    """A phone as any common format, checked and normalised by inventory.phones (E.164, or
    "+" and 7-15 digits): one line (code `invalid_text`) of at most `max_length` characters.
    Errors quote the input."""

    def to_internal_value(self, data) -> str:
        raw = super().to_internal_value(data)  # a string, trimmed
        if self.max_length is not None and len(raw) > self.max_length:
            # Checked on what was sent: the validators see the (shorter) normalised number.
            self.fail("max_length", max_length=self.max_length)
        try:
            return phone_normalize(raw)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages, code=exc.code) from None


class CustomerSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    phone = PhoneField(
        max_length=PHONE_INPUT_MAX_LENGTH,
        help_text="Any common format. Stored and returned as E.164 when it is a valid number, "
        'otherwise as "+" and its digits when it is "+" and 7-15 digits once spaces, dots, '
        "dashes and brackets are removed (e.g. +9999999999).",
    )

    class Meta:
        model = Customer
        fields = ["id", "name", "phone", "address", "email", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class _PurchaseLineSerializer(StrictFieldsMixin, serializers.Serializer):
    item = WholeNumberField(min_value=1, max_value=MAX_DB_ID, help_text="Item id.")

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            # Name the item in every message, so a client can tell which line is wrong.
            item = data.get("item") if isinstance(data, dict) else None
            if item is None or not isinstance(exc.detail, dict):
                raise
            raise serializers.ValidationError(
                {
                    field: [
                        serializers.ErrorDetail(
                            f"Item {item!r}: {message} (asked: {data.get(field)!r}).",
                            code=message.code,
                        )
                        for message in messages
                    ]
                    for field, messages in exc.detail.items()
                }
            ) from None


class PurchaseLineSerializer(_PurchaseLineSerializer):
    """One line of a POST: `quantity` ≥ 1."""

    quantity = WholeNumberField(min_value=1, max_value=MAX_QUANTITY)


class PurchaseSetLineSerializer(_PurchaseLineSerializer):
    """One line of a PUT: the new quantity; 0 removes the line."""

    quantity = WholeNumberField(min_value=0, max_value=MAX_QUANTITY)


def purchase_lines_validate(child: type[serializers.Serializer], data) -> list[dict]:
    """Validate a purchase body (a list of lines); errors are keyed "<index>.<field>"."""
    serializer = serializers.ListSerializer(
        child=child(),
        data=data,
        allow_empty=False,
        max_length=settings.INVENTORY_PURCHASE_MAX_LINES,
    )
    if serializer.is_valid():
        return serializer.validated_data
    errors = serializer.errors
    if not isinstance(errors, dict):
        raise serializers.ValidationError(errors)
    # DRF reports bad lines as {index: {field: [...]}}; spell the index into the key so that
    # line 0 keeps its number in the flattened `attr` too ("0.quantity", not "quantity").
    flat = {}
    for key, value in errors.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{field}": messages for field, messages in value.items()})
        else:
            flat[str(key)] = value
    raise serializers.ValidationError(flat)


class StockReportLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = StockReportLine
        fields = ["item", "name", "sku", "quantity", "reorder_level", "expiry_date"]
        read_only_fields = fields


class StockReportSerializer(serializers.ModelSerializer):
    low_stock = serializers.SerializerMethodField()
    expiring = serializers.SerializerMethodField()
    expired = serializers.SerializerMethodField()

    class Meta:
        model = StockReport
        fields = ["id", "generated_at", "as_of", "days", "low_stock", "expiring", "expired"]
        read_only_fields = fields

    def _kind(self, report, kind) -> list[dict]:
        lines = [line for line in report.lines.all() if line.kind == kind]
        return StockReportLineSerializer(lines, many=True).data

    @extend_schema_field(StockReportLineSerializer(many=True))
    def get_low_stock(self, report) -> list[dict]:
        return self._kind(report, StockReportLine.Kind.LOW_STOCK)

    @extend_schema_field(StockReportLineSerializer(many=True))
    def get_expiring(self, report) -> list[dict]:
        return self._kind(report, StockReportLine.Kind.EXPIRING)

    @extend_schema_field(StockReportLineSerializer(many=True))
    def get_expired(self, report) -> list[dict]:
        return self._kind(report, StockReportLine.Kind.EXPIRED)


# --- Schema-only: the error bodies this app adds to the project's shape ---------------------


class LineErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField(
        allow_null=True, help_text='Which line and field: "<0-based index>.<field>", e.g. "2.item".'
    )


class InventoryValidationErrorSerializer(serializers.Serializer):
    type = serializers.CharField(help_text='"validation_error", or "client_error" for bad JSON.')
    errors = LineErrorSerializer(many=True)
