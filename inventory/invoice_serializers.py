"""Invoices and credit notes as the API shows them (read-only)."""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from inventory.models import Invoice, InvoiceLine


class InvoiceLineSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="item.name", read_only=True)
    description = serializers.CharField(source="item.description", read_only=True)
    line_total = serializers.DecimalField(max_digits=20, decimal_places=2, read_only=True)

    class Meta:
        model = InvoiceLine
        fields = ["id", "item", "name", "description", "quantity", "unit_price", "line_total"]
        read_only_fields = fields


# A pattern, not an enum: the project-wide enum naming would collide with other apps' "status"
# fields (and ENUM_NAME_OVERRIDES lives in config/settings.py).
@extend_schema_field({"type": "string", "pattern": "^(open|issued)$"})
class InvoiceStatusField(serializers.CharField):
    pass


class InvoiceListSerializer(serializers.ModelSerializer):
    status = InvoiceStatusField(read_only=True, help_text="open, then issued (locked).")
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    line_count = serializers.IntegerField(read_only=True)
    currency = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "customer",
            "customer_name",
            "status",
            "total",
            "currency",
            "line_count",
            "created_at",
            "issued_at",
        ]
        read_only_fields = fields

    def get_currency(self, invoice) -> str:
        return settings.INVOICE_CURRENCY


class InvoiceSerializer(InvoiceListSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)

    class Meta(InvoiceListSerializer.Meta):
        fields = [f for f in InvoiceListSerializer.Meta.fields if f != "line_count"] + ["lines"]
        read_only_fields = fields
