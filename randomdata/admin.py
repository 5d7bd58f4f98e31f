"""Admin for ingested data: view-only (the ingest services are the writers).

Card numbers are never stored; cards show as `•••• 1234`. The beat schedule (django-celery-beat's
Periodic tasks) is where the ingestion intervals are edited.
"""

from django.contrib import admin

from core.admin import ViewOnlyMixin as CoreViewOnlyMixin
from core.admin import export_as_csv
from randomdata.models import (
    ADDRESS_DATA_FIELDS,
    USER_DATA_FIELDS,
    Address,
    CreditCard,
    IngestionRun,
    RandomUser,
)


class AssignedFilter(admin.SimpleListFilter):
    title = "owner"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("yes", "assigned"), ("no", "unassigned")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(user__isnull=False)
        if self.value() == "no":
            return queryset.filter(user__isnull=True)
        return queryset


class ViewOnlyMixin(CoreViewOnlyMixin):
    """Nothing is added, changed or deleted here: the ingest services are the only writers."""

    actions = [export_as_csv]  # viewing includes taking a copy (no secret is stored here)


@admin.display(description="number")
def masked(card: CreditCard) -> str:
    return card.masked_number


ADDRESS_READONLY = ["uid", *ADDRESS_DATA_FIELDS, "link_method"]


class AddressInline(ViewOnlyMixin, admin.TabularInline):
    model = Address
    fields = ["full_address", "street_address", "city", "state", "country", "link_method"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


class CreditCardInline(ViewOnlyMixin, admin.TabularInline):
    model = CreditCard
    fields = [masked, "brand", "expiry_date", "link_method"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(RandomUser)
class RandomUserAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "gender",
        "subscription_plan",
        "subscription_status",
        "updated_at",
    ]
    list_filter = ["gender", "subscription_plan", "subscription_status", "subscription_term"]
    search_fields = ["uid", "username", "first_name", "last_name", "email"]
    readonly_fields = ["uid", *USER_DATA_FIELDS, "fetched_at", "updated_at"]
    fields = readonly_fields
    inlines = [AddressInline, CreditCardInline]


@admin.register(Address)
class AddressAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["full_address", "city", "country", "user", "link_method", "updated_at"]
    list_filter = [AssignedFilter, "link_method", "country", "country_code"]
    list_select_related = ["user"]
    search_fields = ["uid", "full_address", "street_address", "city", "zip_code", "country"]
    readonly_fields = [*ADDRESS_READONLY, "user", "fetched_at", "updated_at"]
    fields = readonly_fields


@admin.register(CreditCard)
class CreditCardAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = [masked, "brand", "expiry_date", "user", "link_method", "updated_at"]
    list_filter = [AssignedFilter, "link_method", "brand"]
    list_select_related = ["user"]
    search_fields = ["uid", "brand", "last4", "fingerprint"]
    readonly_fields = [
        "uid",
        "upstream_id",
        masked,
        "brand",
        "expiry_date",
        "fingerprint",
        "user",
        "link_method",
        "fetched_at",
        "updated_at",
    ]
    fields = readonly_fields


@admin.register(IngestionRun)
class IngestionRunAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "status",
        "started_at",
        "requested",
        "created",
        "updated",
        "skipped",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["error"]
    date_hierarchy = "started_at"
    readonly_fields = [
        "kind",
        "status",
        "started_at",
        "finished_at",
        "requested",
        "created",
        "updated",
        "skipped",
        "skip_reasons",
        "error",
    ]
    fields = readonly_fields
