"""The admin's invoice and credit note pages: view only; issuing goes through invoice_issue,
credit notes are created through the API (credit_note_create)."""

from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.urls import reverse
from django.utils.html import format_html

from core.admin import ViewOnlyInlineMixin, ViewOnlyMixin, export_as_csv
from core.exceptions import ApplicationError
from inventory import services
from inventory.exceptions import InvoiceAlreadyIssued
from inventory.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine


class InvoiceLineInline(ViewOnlyInlineMixin, admin.TabularInline):
    """Read-only: lines change only through purchases, which move the stock with them."""

    model = InvoiceLine
    fields = ["item", "name", "quantity", "unit_price", "line_total", "credited_quantity"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item", "invoice")


class InvoiceCreditNoteInline(ViewOnlyInlineMixin, admin.TabularInline):
    model = CreditNote
    fields = ["number", "total", "created_at", "actor"]
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = "Credit notes"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Invoice)
class InvoiceAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "customer",
        "status",
        "total",
        "credited_total",
        "created_at",
        "issued_at",
        "pdf_link",
    ]
    list_filter = ["status", "created_at"]
    list_select_related = ["customer"]
    search_fields = ["number", "customer__name"]
    readonly_fields = [
        "number",
        "customer",
        "total",
        "credited_total",
        "net_total",
        "created_at",
        "issued_at",
        "status",
        "customer_name",
        "customer_phone",
        "customer_address",
        "customer_email",
        "pdf_sha256",
        "pdf_link",
    ]
    fields = readonly_fields
    inlines = [InvoiceLineInline, InvoiceCreditNoteInline]
    date_hierarchy = "created_at"
    actions = ["issue", export_as_csv]
    csv_fields = ["number", "customer", "status", "total", "created_at", "issued_at"]

    # View only (ViewOnlyMixin): purchases open invoices, purchases and issuing change them
    # through services, and deleting one would drop its lines without returning their stock
    # (an open invoice is emptied through PUT /api/customer-purchase/<id>, quantity 0).

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

    @admin.display(description="Net total")
    def net_total(self, invoice: Invoice):
        return invoice.net_total

    @admin.display(description="PDF")
    def pdf_link(self, invoice: Invoice) -> str:
        url = reverse("invoice-pdf", args=[invoice.pk])
        return format_html('<a href="{}" target="_blank">download PDF</a>', url)


class CreditNoteLineInline(ViewOnlyInlineMixin, admin.TabularInline):
    model = CreditNoteLine
    fields = ["item", "item_name", "quantity", "unit_price", "line_total"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item")


@admin.register(CreditNote)
class CreditNoteAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """Read-only: credit notes are created through POST /api/invoices/<id>/credit-notes/."""

    list_display = ["number", "invoice", "customer", "total", "created_at", "pdf_link"]
    list_select_related = ["invoice__customer"]
    list_filter = ["created_at"]
    search_fields = ["number", "invoice__number", "invoice__customer_name"]
    readonly_fields = [
        "number",
        "invoice",
        "customer",
        "total",
        "note",
        "actor",
        "created_at",
        "pdf_sha256",
        "pdf_link",
    ]
    fields = readonly_fields
    inlines = [CreditNoteLineInline]
    date_hierarchy = "created_at"

    @admin.display(description="Customer", ordering="invoice__customer_name")
    def customer(self, credit_note: CreditNote) -> str:
        return credit_note.invoice.customer_name

    @admin.display(description="PDF")
    def pdf_link(self, credit_note: CreditNote) -> str:
        url = reverse("creditnote-pdf", args=[credit_note.pk])
        return format_html('<a href="{}" target="_blank">download PDF</a>', url)
