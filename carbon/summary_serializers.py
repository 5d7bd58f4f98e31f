"""Query and response shapes of the summary endpoints."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import serializers

from carbon.models import USAGE_AT_MIN, validate_usage_at, validate_usage_at_before
from carbon.serializers import AwareDateTimeField
from carbon.summary import GROUP_BY_CHOICES, GROUP_BY_PERIODS, SPLIT_CHOICES
from core.constants import MAX_DB_ID
from members.ids import MEMBER_ID_LENGTH
from members.validators import validate_time_zone

# 5 years of 365 days plus two leap days.
SUMMARY_MAX_RANGE = timedelta(days=5 * 365 + 2)
SUMMARY_DEFAULT_RANGE = timedelta(days=365)


class SummaryQuerySerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=GROUP_BY_CHOICES, default="month")
    split = serializers.ChoiceField(
        choices=SPLIT_CHOICES,
        required=False,
        help_text="A second level for the period groupings: each bucket's `breakdown` per usage "
        "type or scope.",
    )
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
        if "split" in attrs and attrs.get("group_by", "month") not in GROUP_BY_PERIODS:
            raise serializers.ValidationError(
                {"split": "Only the period groupings (day, week, month, year) take a split."},
                code="split_needs_period",
            )
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


def _amounts(amounts: dict) -> list:
    return UnitAmountSerializer(
        [{"unit": unit, "amount": amount} for unit, amount in sorted(amounts.items())],
        many=True,
    ).data


class SummaryUsageTypeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()


SCOPE_HELP = "GHG scope 1, 2 or 3; null for usage types without a scope."


class SummaryPartSerializer(serializers.Serializer):
    """One usage type's or one scope's share of a bucket (`split`)."""

    usage_type = SummaryUsageTypeSerializer(
        allow_null=True, help_text="With `split=usage_type`; null with `split=scope`."
    )
    scope = serializers.IntegerField(allow_null=True, help_text=SCOPE_HELP)
    label = serializers.CharField()
    count = serializers.IntegerField()
    amounts = serializers.SerializerMethodField(help_text="Total amount per unit.")
    co2e_kg = serializers.DecimalField(max_digits=30, decimal_places=6)

    def get_amounts(self, part) -> UnitAmountSerializer(many=True):
        return _amounts(part.amounts)


class SummaryBucketSerializer(serializers.Serializer):
    period = serializers.DateField(
        allow_null=True,
        help_text="First day of the period in `tz` (null when by usage_type or scope).",
    )
    usage_type = SummaryUsageTypeSerializer(allow_null=True)
    scope = serializers.IntegerField(
        allow_null=True,
        help_text="With `group_by=scope`: 1, 2, 3, or null for the unscoped types; with "
        "`group_by=usage_type`: the type's scope; null by period.",
    )
    count = serializers.IntegerField()
    amounts = serializers.SerializerMethodField(help_text="Total amount per unit.")
    co2e_kg = serializers.DecimalField(max_digits=30, decimal_places=6)
    breakdown = SummaryPartSerializer(
        many=True,
        allow_null=True,
        help_text="With `split`: the bucket per usage type or scope (those with usages).",
    )

    def get_amounts(self, bucket) -> UnitAmountSerializer(many=True):
        return _amounts(bucket.amounts)


class SummaryTotalSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    amounts = serializers.SerializerMethodField()
    co2e_kg = serializers.DecimalField(max_digits=30, decimal_places=6)
    scopes = SummaryPartSerializer(
        many=True, help_text="Always four: scopes 1, 2, 3 and the unscoped types, zeros included."
    )

    def get_amounts(self, summary) -> UnitAmountSerializer(many=True):
        return _amounts(summary.amounts)


class SummarySerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=GROUP_BY_CHOICES)
    split = serializers.ChoiceField(choices=SPLIT_CHOICES, allow_null=True)
    tz = serializers.CharField()
    usage_at_after = serializers.DateTimeField()
    usage_at_before = serializers.DateTimeField()
    buckets = SummaryBucketSerializer(many=True)
    total = SummaryTotalSerializer(source="*")
