"""The admin's invoice pages: view only; issuing goes through invoice_issue."""

from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.urls import reverse
from django.utils.html import format_html

from core.admin import export_as_csv
from core.exceptions import ApplicationError
from inventory import services
from inventory.exceptions import InvoiceAlreadyIssued
from inventory.models import Invoice, InvoiceLine


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
    actions = ["issue", export_as_csv]
    csv_fields = ["number", "customer", "status", "total", "created_at", "issued_at"]

    def has_add_permission(self, request):
        return False  # invoices are opened by purchases

    def has_change_permission(self, request, obj=None):
        return False  # view only: purchases and issuing change invoices, through services

    def has_delete_permission(self, request, obj=None):
        # Deleting an invoice would drop its lines without returning their stock; an open
        # invoice is emptied through PUT /api/customer-purchase/<id> (quantity 0) instead.
        return False

    def has_issue_permission(self, request) -> bool:
        # The change form is view-only for everyone; issuing is for who may change invoices.
        codename = get_permission_codename("change", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    @admin.action(description="Issue invoice", permissions=["issue"])
    def issue(self, request, queryset):
        """Issue each selected open invoice through invoice_issue; issued ones are skipped."""
        issued, skipped = [], []
        for invoice in queryset.order_by("pk"):
            if invoice.is_issued:
                skipped.append(invoice.number)
                continue
            try:
                services.invoice_issue(invoice_id=invoice.pk)
            except InvoiceAlreadyIssued:
                skipped.append(invoice.number)  # issued meanwhile, by another door
            except ApplicationError as exc:
                self.message_user(request, f"{invoice.number}: {exc.detail}", messages.ERROR)
            else:
                issued.append(invoice.number)
                self.log_change(request, invoice, "Issued.")
        if issued:
            self.message_user(request, f"Issued {len(issued)}: {', '.join(issued)}.")
        if skipped:
            self.message_user(
                request,
                f"Skipped {len(skipped)} already issued: {', '.join(skipped)}.",
                messages.WARNING,
            )

    @admin.display(description="PDF")
    def pdf(self, invoice: Invoice) -> str:
        url = reverse("invoice-pdf", args=[invoice.pk])
        return format_html('<a href="{}" target="_blank">download PDF</a>', url)
