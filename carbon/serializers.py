from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from rest_framework import serializers

from carbon.filters import SPACE_OFFSET_RE
from carbon.models import (
    USAGE_AT_MIN,
    Usage,
    UsageType,
    validate_usage_at,
    validate_usage_at_before,
)
from carbon.selectors import GROUP_BY_CHOICES
from core.constants import MAX_DB_ID
from core.serializers import StrictFieldsMixin, bulk_delete_serializer
from members.ids import MEMBER_ID_LENGTH
from members.models import User
from members.validators import validate_time_zone

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
    unit = serializers.CharField(source="usage_type.unit", read_only=True)
    usage_at = AwareDateTimeField(
        validators=[validate_usage_at],
        help_text="When the usage happened (ISO 8601 with offset), from 1900 up to 2200.",
    )
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=4, min_value=Decimal("0.0001"), help_text="> 0, in `unit`."
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
            "factor",
            "co2e_kg",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "factor", "co2e_kg", "created_at", "updated_at"]

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


class SummaryQuerySerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=GROUP_BY_CHOICES, default="month")
    usage_at_after = AwareDateTimeField(
        required=False,
        validators=[validate_usage_at],
        help_text="Start (inclusive), from 1900. Default: one year before the end.",
    )
    usage_at_before = AwareDateTimeField(
        required=False,
        validators=[validate_usage_at_before],
        help_text="End (exclusive), before 2200. Default: now.",
    )
    tz = serializers.CharField(
        required=False,
        max_length=64,
        validators=[validate_time_zone],
        help_text="IANA zone the periods are cut in. Default: the caller's own `tz`.",
    )
    usage_type = serializers.IntegerField(required=False, min_value=1, max_value=MAX_DB_ID)
    user = serializers.CharField(
        required=False,
        max_length=MEMBER_ID_LENGTH,
        help_text="Member id (staff; others see only their own).",
    )

    def validate(self, attrs):
        before = attrs.get("usage_at_before") or timezone.now()
        after = attrs.get("usage_at_after") or max(before - SUMMARY_DEFAULT_RANGE, USAGE_AT_MIN)
        if after >= before:
            raise serializers.ValidationError(
                {"usage_at_before": "Must be later than usage_at_after."}, code="range_empty"
            )
        if before - after > SUMMARY_MAX_RANGE:
            raise serializers.ValidationError(
                {"usage_at_before": "The range may span at most 5 years."}, code="range_too_long"
            )
        return {**attrs, "usage_at_after": after, "usage_at_before": before}


class UnitAmountSerializer(serializers.Serializer):
    unit = serializers.CharField()
    amount = serializers.DecimalField(max_digits=30, decimal_places=4)


class SummaryUsageTypeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()


class SummaryBucketSerializer(serializers.Serializer):
    period = serializers.DateField(
        allow_null=True, help_text="First day of the period in `tz` (null when by usage_type)."
    )
    usage_type = SummaryUsageTypeSerializer(allow_null=True)
    count = serializers.IntegerField()
    amounts = serializers.SerializerMethodField(help_text="Total amount per unit.")
    co2e_kg = serializers.DecimalField(max_digits=30, decimal_places=6)

    def get_amounts(self, bucket) -> UnitAmountSerializer(many=True):
        return UnitAmountSerializer(
            [{"unit": unit, "amount": amount} for unit, amount in sorted(bucket.amounts.items())],
            many=True,
        ).data


class SummaryTotalSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    amounts = serializers.SerializerMethodField()
    co2e_kg = serializers.DecimalField(max_digits=30, decimal_places=6)

    def get_amounts(self, summary) -> UnitAmountSerializer(many=True):
        return UnitAmountSerializer(
            [{"unit": unit, "amount": amount} for unit, amount in summary.amounts.items()],
            many=True,
        ).data


class SummarySerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=GROUP_BY_CHOICES)
    tz = serializers.CharField()
    usage_at_after = serializers.DateTimeField()
    usage_at_before = serializers.DateTimeField()
    buckets = SummaryBucketSerializer(many=True)
    total = SummaryTotalSerializer(source="*")
