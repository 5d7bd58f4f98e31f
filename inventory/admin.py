from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from phonenumber_field.modelfields import PhoneNumberField

from inventory.models import Customer, Invoice, InvoiceLine, Item, StockReport, StockReportLine


class LowStockFilter(admin.SimpleListFilter):
    title = "stock"
    parameter_name = "low_stock"

    def lookups(self, request, model_admin):
        return [("yes", "At or below reorder level"), ("no", "Above reorder level")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.low_stock()
        if self.value() == "no":
            return queryset.not_low_stock()
        return queryset


class ExpiryFilter(admin.SimpleListFilter):
    title = "expiry"
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [
            ("expired", "Expired"),
            ("7", "Within 7 days"),
            ("30", "Within 30 days"),
            ("none", "No expiry date"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "expired":
            return queryset.expired()
        if value in ("7", "30"):
            return queryset.expiring(within_days=int(value))
        if value == "none":
            return queryset.filter(expiry_date__isnull=True)
        return queryset


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["name", "sku", "price", "quantity", "reorder_level", "expiry_date", "low"]
    list_editable = ["quantity"]
    list_filter = [LowStockFilter, ExpiryFilter]
    search_fields = ["name", "description", "sku"]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_low_stock()

    @admin.display(boolean=True, description="low stock", ordering="is_low_stock")
    def low(self, item: Item) -> bool:
        return item.is_low_stock


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "email", "created_at"]
    search_fields = ["name", "phone", "email", "address"]
    readonly_fields = ["created_at", "updated_at"]
    # Shown as stored (E.164), not in the library's national format.
    formfield_overrides = {PhoneNumberField: {"widget": forms.TextInput}}


class InvoiceLineInline(admin.TabularInline):
    """Read-only: lines change only through purchases, which move the stock with them."""

    model = InvoiceLine
    fields = ["item", "quantity", "unit_price", "line_total"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item")


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "customer", "status", "total", "created_at", "issued_at", "pdf"]
    list_filter = ["status", "created_at"]
    list_select_related = ["customer"]
    search_fields = ["number", "customer__name"]
    readonly_fields = ["number", "customer", "total", "created_at", "issued_at", "status", "pdf"]
    fields = readonly_fields
    inlines = [InvoiceLineInline]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False  # invoices are opened by purchases

    def has_delete_permission(self, request, obj=None):
        # Deleting an invoice would drop its lines without returning their stock; an open
        # invoice is emptied through PUT /api/customer-purchase/<id> (quantity 0) instead.
        return False

    @admin.display(description="PDF")
    def pdf(self, invoice: Invoice) -> str:
        url = reverse("invoice-pdf", args=[invoice.pk])
        return format_html('<a href="{}" target="_blank">download PDF</a>', url)


class StockReportLineInline(admin.TabularInline):
    model = StockReportLine
    fields = ["kind", "name", "sku", "quantity", "reorder_level", "expiry_date"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(StockReport)
class StockReportAdmin(admin.ModelAdmin):
    list_display = ["generated_at", "as_of", "days"]
    readonly_fields = ["generated_at", "as_of", "days", "text"]
    fields = readonly_fields
    inlines = [StockReportLineInline]

    def has_add_permission(self, request):
        return False
