"""Invoices and credit notes as the API shows them (read-only)."""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from inventory.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine

MONEY = {"max_digits": 24, "decimal_places": 2, "read_only": True}


class InvoiceLineSerializer(serializers.ModelSerializer):
    name = serializers.CharField(
        read_only=True, help_text="The item's name; frozen once the invoice is issued."
    )
    description = serializers.CharField(
        read_only=True, help_text="The item's description; frozen once the invoice is issued."
    )
    line_total = serializers.DecimalField(max_digits=20, decimal_places=2, read_only=True)

    class Meta:
        model = InvoiceLine
        fields = [
            "id",
            "item",
            "name",
            "description",
            "quantity",
            "unit_price",
            "line_total",
            "credited_quantity",
        ]
        read_only_fields = fields


# A pattern, not an enum: the project-wide enum naming would collide with other apps' "status"
# fields (and ENUM_NAME_OVERRIDES lives in config/settings.py).
@extend_schema_field({"type": "string", "pattern": "^(open|issued)$"})
class InvoiceStatusField(serializers.CharField):
    pass


class InvoiceListSerializer(serializers.ModelSerializer):
    status = InvoiceStatusField(read_only=True, help_text="open, then issued (locked).")
    customer_name = serializers.SerializerMethodField(
        help_text="As frozen at issue; the customer's current name while open."
    )
    line_count = serializers.IntegerField(read_only=True)
    currency = serializers.SerializerMethodField()
    credited_total = serializers.DecimalField(
        **MONEY, help_text="Sum of the invoice's credit notes."
    )
    net_total = serializers.DecimalField(**MONEY, help_text="total - credited_total.")
    pdf_sha256 = serializers.CharField(
        read_only=True,
        help_text='SHA-256 (hex) of the stored PDF, also its ETag; "" while the invoice is open '
        "(its PDF renders live) and for an invoice issued before PDFs were stored until its "
        "first download.",
    )

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "customer",
            "customer_name",
            "status",
            "total",
            "credited_total",
            "net_total",
            "currency",
            "line_count",
            "created_at",
            "issued_at",
            "pdf_sha256",
        ]
        read_only_fields = fields

    def get_currency(self, invoice) -> str:
        return settings.INVOICE_CURRENCY

    def get_customer_name(self, invoice) -> str:
        return invoice.customer_name if invoice.is_issued else invoice.customer.name


class InvoiceSerializer(InvoiceListSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)

    class Meta(InvoiceListSerializer.Meta):
        fields = [f for f in InvoiceListSerializer.Meta.fields if f != "line_count"] + ["lines"]
        read_only_fields = fields


class CreditNoteLineSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="item_name", read_only=True, help_text="As invoiced.")
    line_total = serializers.DecimalField(max_digits=20, decimal_places=2, read_only=True)

    class Meta:
        model = CreditNoteLine
        fields = ["id", "item", "invoice_line", "name", "quantity", "unit_price", "line_total"]
        read_only_fields = fields


class CreditNoteSerializer(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)
    customer = serializers.IntegerField(source="invoice.customer_id", read_only=True)
    customer_name = serializers.CharField(
        source="invoice.customer_name", read_only=True, help_text="As frozen on the invoice."
    )
    currency = serializers.SerializerMethodField()
    lines = CreditNoteLineSerializer(many=True, read_only=True)

    class Meta:
        model = CreditNote
        fields = [
            "id",
            "number",
            "invoice",
            "invoice_number",
            "customer",
            "customer_name",
            "total",
            "currency",
            "created_at",
            "pdf_sha256",
            "lines",
        ]
        read_only_fields = fields

    def get_currency(self, credit_note) -> str:
        return settings.INVOICE_CURRENCY
