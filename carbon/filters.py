"""Query-string filters for usages (django-filter)."""

import re
from datetime import UTC

import django_filters
from django import forms
from django.utils.dateparse import parse_datetime

from carbon.models import Usage, validate_usage_at, validate_usage_at_before
from core.constants import MAX_DB_ID
from members.ids import MEMBER_ID_LENGTH

# An unencoded `+01:00` in a query string arrives as ` 01:00`; put the plus back.
SPACE_OFFSET_RE = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")


def parse_aware_datetime(value: str):
    """Parse ISO 8601 with an offset; None when unparsable, ValueError when naive."""
    value = SPACE_OFFSET_RE.sub(r"\1+\2", value.strip())
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is not None and parsed.utcoffset() is None:
        raise ValueError("naive")
    return parsed


class AwareDateTimeField(forms.Field):
    """ISO 8601 date-time with a time zone offset (`Z` or `+01:00`); naive values are refused."""

    default_error_messages = {
        "invalid": "Enter an ISO 8601 date-time, e.g. 2024-03-01T00:00:00Z.",
        "naive": "Include a time zone offset, e.g. 2024-03-01T00:00:00+01:00 or ...Z.",
        "overflow": "Date-time out of range.",
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            parsed = parse_aware_datetime(str(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["naive"], code="naive") from None
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            parsed.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["overflow"], code="overflow") from None
        return parsed


class AwareDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = AwareDateTimeField


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_DB_ID)
        super().__init__(*args, **kwargs)


class UsageFilter(django_filters.FilterSet):
    usage_at_after = AwareDateTimeFilter(
        field_name="usage_at",
        lookup_expr="gte",
        validators=[validate_usage_at],
        label="Usages at or after this ISO 8601 date-time (with offset), from 1900.",
    )
    usage_at_before = AwareDateTimeFilter(
        field_name="usage_at",
        lookup_expr="lt",
        validators=[validate_usage_at_before],
        label="Usages before this ISO 8601 date-time (with offset), exclusive; up to 2200.",
    )
    # PlanetlyTask's names (its carbonusage/app/filters.py), kept so its clients work unchanged.
    usage_at_start_date = AwareDateTimeFilter(
        field_name="usage_at",
        lookup_expr="gte",
        validators=[validate_usage_at],
        label="PlanetlyTask's name: usages at or after this ISO 8601 date-time (with offset).",
    )
    usage_at_end_date = AwareDateTimeFilter(
        field_name="usage_at",
        lookup_expr="lte",
        validators=[validate_usage_at],
        label="PlanetlyTask's name: usages at or before this ISO 8601 date-time, inclusive.",
    )
    usage_type = IdFilter(field_name="usage_type_id", label="Usage type id.")
    user = django_filters.CharFilter(
        field_name="user_id",
        max_length=MEMBER_ID_LENGTH,
        label="Member id (staff; others see only their own).",
    )

    class Meta:
        model = Usage
        fields = [
            "usage_at_after",
            "usage_at_before",
            "usage_at_start_date",
            "usage_at_end_date",
            "usage_type",
            "user",
        ]
