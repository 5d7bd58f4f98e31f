from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from rest_framework import serializers

from carbon.filters import SPACE_OFFSET_RE
from carbon.models import (
    FACTOR_VALID_FROM_MAX,
    FACTOR_VALID_FROM_MIN,
    EmissionFactor,
    Recalculation,
    Usage,
    UsageType,
    validate_usage_at,
    validate_usage_at_before,
)
from carbon.units import UNIT_MAX_LENGTH
from core.constants import MAX_DB_ID
from core.serializers import StrictFieldsMixin, bulk_delete_serializer
from core.validators import validate_single_line
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


FACTOR_MIN = Decimal("0.000001")


def validate_valid_from(value: date) -> None:
    if not FACTOR_VALID_FROM_MIN <= value <= FACTOR_VALID_FROM_MAX:
        raise serializers.ValidationError(
            f"Must be from {FACTOR_VALID_FROM_MIN} to {FACTOR_VALID_FROM_MAX}.",
            code="out_of_range",
        )


class UsageTypeSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    unit = serializers.CharField(
        max_length=UNIT_MAX_LENGTH,
        validators=[validate_single_line],
        help_text="The unit usages of this type are stored in: a unit of energy, volume, mass "
        "or distance that the server can convert (kwh, MWh, l, m3, m^3, gal, kg, t, km, ...); "
        "anything else is a 400 `invalid_unit` naming `unit`. It cannot change once the type "
        "has usages (400 `not_updatable`).",
    )
    factor = serializers.DecimalField(
        max_digits=12,
        decimal_places=6,
        min_value=FACTOR_MIN,
        help_text="kg CO2e per unit (> 0) of the version valid today (UTC). On create it becomes "
        "the type's first version, valid from 1900-01-01. On PATCH/PUT a new value adds a "
        "version valid from today (a second change on the same day corrects that version while "
        "no usage uses it; once one does, 409 `factor_version_exists`): saved usages keep the "
        "factor they were written with until a recalculation. Versions: "
        "/api/v1/usage-types/{id}/factors/.",
    )

    class Meta:
        model = UsageType
        fields = ["id", "name", "unit", "factor", "scope", "source"]
        read_only_fields = ["id"]


class EmissionFactorSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    factor = serializers.DecimalField(
        max_digits=12,
        decimal_places=6,
        min_value=FACTOR_MIN,
        help_text="kg CO2e per unit of the type (> 0).",
    )
    valid_from = serializers.DateField(
        validators=[validate_valid_from],
        help_text="First day (UTC) the factor applies to, from 1900-01-01 to 2199-12-31; it "
        "applies until the next version's. One version per type and date (409 "
        "`factor_version_exists`).",
    )
    source = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        validators=[validate_single_line],
        help_text="Where the factor comes from. Default: the type's source.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Why the version was added."
    )
    created_by = serializers.CharField(
        source="created_by_id",
        read_only=True,
        allow_null=True,
        help_text="Who added it (null for the migration and the system).",
    )

    class Meta:
        model = EmissionFactor
        fields = [
            "id",
            "usage_type",
            "factor",
            "valid_from",
            "source",
            "note",
            "created_at",
            "created_by",
        ]
        read_only_fields = ["id", "usage_type", "created_at", "created_by"]
        validators = []  # (usage_type, valid_from) is the service's 409, not a 400


class RecalculateSerializer(StrictFieldsMixin, serializers.Serializer):
    usage_at_after = AwareDateTimeField(
        validators=[validate_usage_at],
        help_text="Start (inclusive), ISO 8601 with offset, from 1900.",
    )
    usage_at_before = AwareDateTimeField(
        validators=[validate_usage_at_before],
        help_text="End (exclusive), ISO 8601 with offset, later than usage_at_after, up to 2200.",
    )

    def validate(self, attrs):
        if attrs["usage_at_after"] >= attrs["usage_at_before"]:
            raise serializers.ValidationError(
                {"usage_at_before": "Must be later than usage_at_after."}, code="range_empty"
            )
        return attrs


class RecalculationSerializer(serializers.ModelSerializer):
    run_by = serializers.CharField(
        source="run_by_id", read_only=True, allow_null=True, help_text="Who ran it."
    )

    class Meta:
        model = Recalculation
        fields = [
            "id",
            "usage_type",
            "usage_at_after",
            "usage_at_before",
            "usages_checked",
            "usages_changed",
            "co2e_kg_before",
            "co2e_kg_after",
            "run_by",
            "created_at",
        ]
        read_only_fields = fields


class EstimateSerializer(StrictFieldsMixin, serializers.Serializer):
    usage_type = serializers.PrimaryKeyRelatedField(queryset=UsageType.objects.all())
    amount = serializers.DecimalField(
        max_digits=24,
        decimal_places=10,
        min_value=Decimal("0.0000000001"),
        help_text="> 0, in `unit`, as for a usage.",
    )
    unit = serializers.CharField(
        required=False,
        max_length=UNIT_MAX_LENGTH,
        help_text="The unit `amount` is given in (default: the type's unit; any unit of the "
        "same dimension).",
    )
    at = AwareDateTimeField(
        required=False,
        validators=[validate_usage_at],
        help_text="When the usage happens (ISO 8601 with offset), from 1900 up to 2200: the "
        "factor version valid then is used. Default: now.",
    )


class EstimateResultSerializer(serializers.Serializer):
    co2e_kg = serializers.DecimalField(max_digits=20, decimal_places=6)
    factor = serializers.DecimalField(max_digits=12, decimal_places=6)
    factor_valid_from = serializers.DateField()
    source = serializers.CharField()
    amount_in_type_unit = serializers.DecimalField(max_digits=14, decimal_places=4)
    unit = serializers.CharField(help_text="The type's unit, which amount_in_type_unit is in.")


_STORED_AMOUNT = serializers.DecimalField(max_digits=14, decimal_places=4)


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
        # Stored to 4 places in the type's unit: shown as stored, not at the input's precision.
        data["amount"] = _STORED_AMOUNT.to_representation(instance.amount)
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
