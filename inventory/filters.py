import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.constants import MAX_DB_ID
from inventory import selectors
from inventory.models import CreditNote, Invoice, StockMovement


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ItemFilter(django_filters.FilterSet):
    # A choice, not BooleanFilter: django-filter silently ignores an unparsable boolean,
    # which would answer ?low_stock=yes with the whole catalogue.
    low_stock = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_low_stock",
        help_text="true: quantity at or below the reorder level; false: above it.",
    )
    expiring_within_days = IntegerFilter(
        method="filter_expiring",
        min_value=0,
        max_value=36500,
        help_text="Items whose expiry date is between today and today + N days.",
    )

    def filter_low_stock(self, queryset, name, value):
        return selectors.item_list(queryset=queryset, low_stock=value == "true")

    def filter_expiring(self, queryset, name, value):
        return selectors.item_list(queryset=queryset, expiring_within_days=value)


class CreatedRangeFilterSet(django_filters.FilterSet):
    """`created_after` / `created_before`: local dates, both included (invoices, credit notes,
    stock movements)."""

    created_after = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", help_text="On or after this date."
    )
    created_before = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", help_text="On or before this date."
    )


class InvoiceFilter(CreatedRangeFilterSet):
    customer = IntegerFilter(field_name="customer_id", min_value=1, max_value=MAX_DB_ID)
    status = django_filters.ChoiceFilter(choices=Invoice.Status.choices)

    class Meta:
        model = Invoice
        fields = ["customer", "status", "created_after", "created_before"]


class CreditNoteFilter(CreatedRangeFilterSet):
    invoice = IntegerFilter(
        field_name="invoice_id", min_value=1, max_value=MAX_DB_ID, help_text="Invoice id."
    )
    customer = IntegerFilter(
        field_name="invoice__customer_id",
        min_value=1,
        max_value=MAX_DB_ID,
        help_text="Customer id.",
    )

    class Meta:
        model = CreditNote
        fields = ["invoice", "customer", "created_after", "created_before"]


class MovementFilter(CreatedRangeFilterSet):
    reason = django_filters.MultipleChoiceFilter(
        choices=StockMovement.Reason.choices,
        help_text="Only these reasons (repeat the parameter for several).",
    )
    # No Meta.model: the filter runs on an item's movements inside ItemViewSet, whose
    # queryset (items) django-filter would otherwise insist it matches.
