from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from rest_framework import serializers

from carbon.filters import SPACE_OFFSET_RE
from carbon.models import (
    Usage,
    UsageType,
    validate_usage_at,
)
from carbon.units import UNIT_MAX_LENGTH
from core.constants import MAX_DB_ID
from core.serializers import StrictFieldsMixin, bulk_delete_serializer
from members.models import User

# 5 years of 365 days plus two leap days.
SUMMARY_MAX_RANGE = timedelta(days=5 * 365 + 2)
SUMMARY_DEFAULT_RANGE = timedelta(days=365)


class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with an offset; a naive date-time is refused instead of guessed."""

    default_error_messages = {
        "naive": "Include a time zone offset, e.g. 2024-03-01T00:00:00+01:00 or ...Z.",
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            value = SPACE_OFFSET_RE.sub(r"\1+\2", value.strip())
        return super().to_internal_value(value)

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            self.fail("naive")
        return super().enforce_timezone(value)


class UsageTypeSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    factor = serializers.DecimalField(
        max_digits=12,
        decimal_places=6,
        min_value=Decimal("0.000001"),
        help_text="kg CO2e per unit (> 0). Changing it leaves existing usages as they were.",
    )

    class Meta:
        model = UsageType
        fields = ["id", "name", "unit", "factor", "scope", "source"]
        read_only_fields = ["id"]


class UsageSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        required=False,
        help_text="Owner. Staff may set it; for everyone else it is the caller (read-only).",
    )
    usage_type = serializers.PrimaryKeyRelatedField(queryset=UsageType.objects.all())
    usage_type_name = serializers.CharField(source="usage_type.name", read_only=True)
    unit = serializers.CharField(
        required=False,
        max_length=UNIT_MAX_LENGTH,
        help_text="In a request: the unit `amount` is given in (default: the type's unit; "
        "any unit of the same dimension, e.g. MWh for a kWh type). In a response: the type's "
        "unit, which `amount` is stored in; the amount as sent is in input_amount/input_unit.",
    )
    usage_at = AwareDateTimeField(
        validators=[validate_usage_at],
        help_text="When the usage happened (ISO 8601 with offset), from 1900 up to 2200.",
    )
    amount = serializers.DecimalField(
        max_digits=24,
        decimal_places=10,
        min_value=Decimal("0.0000000001"),
        help_text="> 0, in `unit`. Stored converted to the type's unit, to 4 decimal places.",
    )

    class Meta:
        model = Usage
        fields = [
            "id",
            "user",
            "usage_type",
            "usage_type_name",
            "unit",
            "usage_at",
            "amount",
            "input_amount",
            "input_unit",
            "factor",
            "emission_factor",
            "co2e_kg",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "input_amount",
            "input_unit",
            "factor",
            "emission_factor",
            "co2e_kg",
            "created_at",
            "updated_at",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["unit"] = instance.usage_type.unit
        return data

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_staff:
            fields["user"] = serializers.CharField(source="user_id", read_only=True)
        return fields


BulkDeleteSerializer = bulk_delete_serializer(
    "UsageBulkDeleteSerializer",
    child=serializers.IntegerField(min_value=1, max_value=MAX_DB_ID),
    help_text="Usage ids to delete: all of them, or none if any is not yours.",
)
