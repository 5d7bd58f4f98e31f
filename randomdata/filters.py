import django_filters

from randomdata.models import Address, CreditCard, IngestionRun, RandomUser


class AssignedFilterMixin(django_filters.FilterSet):
    # A choice, not a BooleanFilter: that one silently ignores values it cannot read.
    assigned = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_assigned",
        label="Has an owner (true) or not (false)",
    )

    def filter_assigned(self, queryset, name, value):
        return queryset.filter(user__isnull=value == "false")


class RandomUserFilter(django_filters.FilterSet):
    class Meta:
        model = RandomUser
        fields = [
            "gender",
            "subscription_plan",
            "subscription_status",
            "subscription_payment_method",
            "subscription_term",
        ]


class AddressFilter(AssignedFilterMixin):
    class Meta:
        model = Address
        fields = ["country", "country_code", "state", "city", "user", "link_method"]


class CreditCardFilter(AssignedFilterMixin):
    expires_before = django_filters.DateFilter(field_name="expiry_date", lookup_expr="lt")
    expires_after = django_filters.DateFilter(field_name="expiry_date", lookup_expr="gte")

    class Meta:
        model = CreditCard
        fields = ["brand", "user", "link_method", "last4"]


class IngestionRunFilter(django_filters.FilterSet):
    started_after = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="gte")
    started_before = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="lt")

    class Meta:
        model = IngestionRun
        fields = ["kind", "status"]
