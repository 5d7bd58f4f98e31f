"""The admin: a door like the API. Every write and delete calls an inventory service; stock
changes only through the "Adjust stock" page (item_stock_adjust) and purchases."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from core.admin import ServiceDeleteMixin, ViewOnlyInlineMixin, ViewOnlyMixin, export_as_csv
from core.exceptions import ApplicationError
from inventory import services
from inventory.admin_alerts import StockAlertAdmin  # noqa: F401  (registers the alerts' page)
from inventory.admin_invoices import InvoiceAdmin  # noqa: F401  (registers the invoice pages)
from inventory.models import (
    Customer,
    Item,
    StockAlert,
    StockMovement,
    StockReport,
    StockReportLine,
)


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


class StockAdjustForm(forms.Form):
    delta = forms.IntegerField(
        label="Change",
        min_value=-services.MAX_STOCK,
        max_value=services.MAX_STOCK,
        help_text="Units to add; negative takes them out (e.g. -3 for three broken). Not 0.",
    )
    note = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the stock changes (counted, damaged, delivered...). Required.",
    )


class StockMovementInline(ViewOnlyInlineMixin, admin.TabularInline):
    """The item's ledger, newest first: read-only, movements are written by the services."""

    model = StockMovement
    fields = ["created_at", "reason", "delta", "balance_after", "invoice", "actor", "note"]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]
    verbose_name_plural = "stock movements (newest first)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invoice", "actor")


@admin.register(StockMovement)
class StockMovementAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """Every item's movements, for searching a long history; read-only."""

    list_display = ["created_at", "item", "reason", "delta", "balance_after", "invoice", "actor"]
    list_filter = ["reason", "created_at"]
    list_select_related = ["item", "invoice", "actor"]
    search_fields = ["item__name", "item__sku", "note", "invoice__number"]
    date_hierarchy = "created_at"
    fields = [
        "item",
        "created_at",
        "reason",
        "delta",
        "balance_after",
        "invoice",
        "credit_note",
        "actor",
        "note",
    ]
    readonly_fields = fields
    actions = [export_as_csv]


@admin.register(Item)
class ItemAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "sku", "price", "quantity", "reorder_level", "expiry_date", "low"]
    list_filter = [LowStockFilter, ExpiryFilter]
    search_fields = ["name", "description", "sku"]
    readonly_fields = ["created_at", "updated_at"]
    change_form_template = "inventory/admin/item_change_form.html"
    actions = [export_as_csv]
    inlines = [StockMovementInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_low_stock()

    def get_readonly_fields(self, request, obj=None):
        # The add form takes the initial quantity; after that, stock moves through
        # "Adjust stock" (or purchases), never through the change form.
        fields = list(super().get_readonly_fields(request, obj))
        return fields if obj is None else [*fields, "quantity"]

    @admin.display(boolean=True, description="low stock", ordering="is_low_stock")
    def low(self, item: Item) -> bool:
        return item.is_low_stock

    def save_model(self, request, obj, form, change):
        if change:
            stored = Item.objects.get(pk=obj.pk)
            data = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in services.ITEM_UPDATABLE_FIELDS
            }
            services.item_update(item=stored, data=data)
        else:
            fields = {*services.ITEM_UPDATABLE_FIELDS, "quantity"} & set(form.cleaned_data)
            saved = services.item_create(
                data={name: form.cleaned_data[name] for name in fields}, actor=request.user
            )
            obj.pk = saved.pk

    def delete_service(self, obj, *, actor):
        services.item_delete(item=obj)

    def get_deleted_objects(self, objs, request):
        # An item that may be deleted (on no invoice or credit note) takes its own ledger and
        # alert records with it; nobody deletes those alone, so their missing delete
        # permission must not block deleting the item.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed -= {StockMovement._meta.verbose_name, StockAlert._meta.verbose_name}
        return deleted, counts, perms_needed, protected

    def get_urls(self):
        adjust = path(
            "<path:object_id>/adjust-stock/",
            self.admin_site.admin_view(self.adjust_stock_view),
            name="inventory_item_adjust_stock",
        )
        return [adjust, *super().get_urls()]

    def adjust_stock_view(self, request, object_id):
        """Add or take out stock with a note, through item_stock_adjust (row-locked, never
        below zero); the change is recorded in the item's admin history."""
        item = self.get_object(request, unquote(object_id))
        if item is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, item):
            raise PermissionDenied
        form = StockAdjustForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            delta, note = form.cleaned_data["delta"], form.cleaned_data["note"]
            try:
                services.item_stock_adjust(item=item, delta=delta, actor=request.user, note=note)
            except ApplicationError as exc:
                for attr, (detail, _code) in exc.items().items():
                    form.add_error(attr if attr in form.fields else None, detail)
            else:
                self.log_change(request, item, f"Adjusted stock by {delta:+d}: {note}")
                self.message_user(
                    request,
                    f"Stock of “{item}” changed by {delta:+d}: {item.quantity} in stock.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:inventory_item_change", args=[item.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Adjust stock: {item}",
            "opts": self.opts,
            "original": item,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "inventory/admin/item_adjust_stock.html", context)


@admin.register(Customer)
class CustomerAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "phone", "email", "created_at"]
    search_fields = ["name", "phone", "email", "address"]
    readonly_fields = ["created_at", "updated_at"]
    actions = [export_as_csv]

    def save_model(self, request, obj, form, change):
        fields = services.CUSTOMER_UPDATABLE_FIELDS
        if change:
            stored = Customer.objects.get(pk=obj.pk)
            data = {name: form.cleaned_data[name] for name in form.changed_data if name in fields}
            services.customer_update(customer=stored, data=data)
        else:
            saved = services.customer_create(
                data={name: form.cleaned_data[name] for name in fields & set(form.cleaned_data)}
            )
            obj.pk = saved.pk

    def delete_service(self, obj, *, actor):
        services.customer_delete(customer=obj)


class StockReportLineInline(ViewOnlyInlineMixin, admin.TabularInline):
    model = StockReportLine
    fields = ["kind", "name", "sku", "quantity", "reorder_level", "expiry_date"]
    readonly_fields = fields


@admin.register(StockReport)
class StockReportAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    list_display = ["generated_at", "as_of", "days"]
    readonly_fields = ["generated_at", "as_of", "days", "text"]
    fields = readonly_fields
    inlines = [StockReportLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # view only: reports are written by stock_report_generate

    def delete_service(self, obj, *, actor):
        services.stock_report_delete(report=obj)
