"""Query and response shapes of the summary endpoints."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import serializers

from carbon.models import USAGE_AT_MIN, validate_usage_at, validate_usage_at_before
from carbon.serializers import AwareDateTimeField
from carbon.summary import GROUP_BY_CHOICES
from core.constants import MAX_DB_ID
from members.ids import MEMBER_ID_LENGTH
from members.validators import validate_time_zone

# 5 years of 365 days plus two leap days.
SUMMARY_MAX_RANGE = timedelta(days=5 * 365 + 2)
SUMMARY_DEFAULT_RANGE = timedelta(days=365)


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
