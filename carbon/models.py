from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.validators import validate_single_line

# Usages are dated from 1900 up to (not including) 2200. Outside that a date is a typo, and
# year 1 or 9999 overflow once a summary cuts them in a time zone.
USAGE_AT_MIN = datetime(1900, 1, 1, tzinfo=UTC)
USAGE_AT_MAX = datetime(2200, 1, 1, tzinfo=UTC)


def validate_usage_at(value: datetime) -> None:
    """A usage date-time from 1900 up to 2200 (exclusive), compared in UTC."""
    if value.tzinfo is not None and not USAGE_AT_MIN <= value < USAGE_AT_MAX:
        raise ValidationError(
            "Must be from 1900-01-01T00:00:00Z up to 2200-01-01T00:00:00Z (exclusive).",
            code="out_of_range",
        )


def validate_usage_at_before(value: datetime) -> None:
    """An exclusive end of a range of usages: after 1900, up to 2200 (inclusive)."""
    if value.tzinfo is not None and not USAGE_AT_MIN < value <= USAGE_AT_MAX:
        raise ValidationError(
            "Must be after 1900-01-01T00:00:00Z and at most 2200-01-01T00:00:00Z.",
            code="out_of_range",
        )


class Scope(models.IntegerChoices):
    """GHG Protocol scopes."""

    DIRECT = 1, "Scope 1 (direct)"
    ENERGY = 2, "Scope 2 (purchased energy)"
    VALUE_CHAIN = 3, "Scope 3 (value chain)"


class UsageType(models.Model):
    """Something a member uses (electricity in kWh, water in kg, ...) and its emission factor."""

    name = models.CharField(max_length=100, validators=[validate_single_line])
    unit = models.CharField(
        max_length=20,
        validators=[validate_single_line],
        help_text="Unit of a usage's amount, e.g. kwh, l, m3.",
    )
    factor = models.DecimalField(
        max_digits=12, decimal_places=6, help_text="Emission factor in kg CO2e per unit (> 0)."
    )
    scope = models.PositiveSmallIntegerField(choices=Scope.choices, null=True, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="Where the factor comes from.")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "unit"],
                name="carbon_usagetype_name_unit_uniq",
                violation_error_message="A usage type with this name and unit already exists.",
            ),
            models.CheckConstraint(
                condition=Q(factor__gt=0),
                name="carbon_usagetype_factor_gt_0",
                violation_error_message="The emission factor must be greater than 0.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class Usage(models.Model):
    """One usage by a member. `factor` and `co2e_kg` are frozen when the usage is written."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="usages"
    )
    usage_type = models.ForeignKey(UsageType, on_delete=models.PROTECT, related_name="usages")
    usage_at = models.DateTimeField(
        validators=[validate_usage_at],
        help_text="When the usage happened (set by the client), from 1900 up to 2200.",
    )
    amount = models.DecimalField(max_digits=14, decimal_places=4)
    factor = models.DecimalField(
        max_digits=12, decimal_places=6, help_text="The type's factor when this was written."
    )
    co2e_kg = models.DecimalField(
        max_digits=20, decimal_places=6, help_text="amount x factor, in kg CO2e."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-usage_at", "-id"]
        indexes = [
            models.Index(fields=["user", "usage_at"], name="carbon_usage_user_at_idx"),
            # Staff lists everyone's usages in the default order: without this index every page
            # sorts the whole table (80 ms at 100k rows in the load test; 0.1 ms with it).
            models.Index(fields=["usage_at", "id"], name="carbon_usage_at_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="carbon_usage_amount_gt_0",
                violation_error_message="The amount must be greater than 0.",
            ),
            models.CheckConstraint(condition=Q(factor__gt=0), name="carbon_usage_factor_gt_0"),
            models.CheckConstraint(
                condition=Q(usage_at__gte=USAGE_AT_MIN, usage_at__lt=USAGE_AT_MAX),
                name="carbon_usage_at_in_range",
                violation_error_message="A usage must happen from 1900 up to 2200.",
            ),
        ]

    def __str__(self) -> str:
        amount = f"{self.amount.normalize():f}"
        return (
            f"{self.usage_type.name} {amount} {self.usage_type.unit} "
            f"on {self.usage_at:%Y-%m-%d} ({self.user.username})"
        )


CO2E_QUANTUM = Decimal("0.000001")
