"""The stock alerts' admin page: which items were emailed about, for what, and when; read-only
(inventory.alerts is the one writer). Registered by importing this module from admin.py."""

from django.contrib import admin

from core.admin import ViewOnlyMixin
from inventory.models import StockAlert


class SentFilter(admin.SimpleListFilter):
    title = "sent"
    parameter_name = "sent"

    def lookups(self, request, model_admin):
        return [("yes", "Sent"), ("no", "Not sent (failed or pending)")]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return queryset.filter(sent_at__isnull=self.value() == "no")
        return queryset


@admin.register(StockAlert)
class StockAlertAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["day", "kind", "item", "sent_at"]
    list_filter = ["kind", "day", SentFilter]
    list_select_related = ["item"]
    search_fields = ["item__name", "item__sku"]
    date_hierarchy = "day"
    fields = ["item", "kind", "day", "created_at", "sent_at"]
    readonly_fields = fields
