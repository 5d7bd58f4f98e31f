from datetime import UTC, date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property

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
    scope = models.PositiveSmallIntegerField(choices=Scope.choices, null=True, blank=True)
    source = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where the type's factors come from; a new factor version without a source "
        "takes this one.",
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "unit"],
                name="carbon_usagetype_name_unit_uniq",
                violation_error_message="A usage type with this name and unit already exists.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    @cached_property
    def factor(self) -> Decimal | None:
        """kg CO2e per unit valid today (UTC); selectors annotate it, else one query."""
        version = self.factor_version_at(datetime.now(UTC))
        return version.factor if version else None

    def factor_version_at(self, moment: datetime) -> "EmissionFactor | None":
        """The version valid at `moment`: the latest with valid_from <= its UTC date."""
        return (
            self.factors.filter(valid_from__lte=factor_date(moment)).order_by("-valid_from").first()
        )


def factor_date(moment: datetime) -> date:
    """The date a factor version is looked up by: the moment's date in UTC."""
    return moment.astimezone(UTC).date() if moment.tzinfo else moment.date()


# A type's first version is valid from the start of the usage range, so it covers every usage.
FACTOR_VALID_FROM_MIN = date(1900, 1, 1)
FACTOR_VALID_FROM_MAX = date(2199, 12, 31)


class EmissionFactor(models.Model):
    """One version of a usage type's emission factor, valid from a date until the next one.

    Append-only: versions are added, never edited; one that a usage uses cannot be deleted.
    """

    usage_type = models.ForeignKey(UsageType, on_delete=models.CASCADE, related_name="factors")
    factor = models.DecimalField(
        max_digits=12, decimal_places=6, help_text="kg CO2e per unit of the type (> 0)."
    )
    valid_from = models.DateField(
        help_text="First day (UTC) this factor applies to; it applies until the next version."
    )
    source = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text="Where the factor comes from, e.g. 'UBA 2024, German grid mix'.",
    )
    note = models.TextField(blank=True, max_length=2000, help_text="Why this version was added.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who added it (empty for migrations and the system).",
    )

    class Meta:
        ordering = ["usage_type_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["usage_type", "valid_from"],
                name="carbon_emissionfactor_type_valid_from_uniq",
                violation_error_message=(
                    "This usage type already has a factor valid from that date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(factor__gt=0),
                name="carbon_emissionfactor_factor_gt_0",
                violation_error_message="The emission factor must be greater than 0.",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__gte=FACTOR_VALID_FROM_MIN)
                & Q(valid_from__lte=FACTOR_VALID_FROM_MAX),
                name="carbon_emissionfactor_valid_from_range",
                violation_error_message="valid_from must be from 1900-01-01 to 2199-12-31.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.usage_type}: {self.factor.normalize():f} from {self.valid_from}"


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
    amount = models.DecimalField(
        max_digits=14, decimal_places=4, help_text="In the type's unit (converted from input)."
    )
    input_amount = models.DecimalField(
        max_digits=24,
        decimal_places=10,
        null=True,
        blank=True,
        help_text="The amount as the client sent it, in input_unit.",
    )
    input_unit = models.CharField(
        max_length=20, blank=True, help_text="The unit the client sent the amount in."
    )
    factor = models.DecimalField(
        max_digits=12,
        decimal_places=6,
        help_text="The factor of the version valid at usage_at, when it was written or last "
        "recalculated.",
    )
    emission_factor = models.ForeignKey(
        EmissionFactor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="usages",
        help_text="The factor version used (empty only for usages from before versions whose "
        "factor no version holds).",
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
AMOUNT_QUANTUM = Decimal("0.0001")


class Recalculation(models.Model):
    """One explicit re-application of a type's factor versions to its usages in a range."""

    usage_type = models.ForeignKey(
        UsageType, on_delete=models.PROTECT, related_name="recalculations"
    )
    usage_at_after = models.DateTimeField(help_text="Start of the range (inclusive).")
    usage_at_before = models.DateTimeField(help_text="End of the range (exclusive).")
    usages_checked = models.PositiveIntegerField(help_text="Usages of the type in the range.")
    usages_changed = models.PositiveIntegerField(help_text="Usages whose factor changed.")
    co2e_kg_before = models.DecimalField(
        max_digits=24, decimal_places=6, help_text="kg CO2e of the range before."
    )
    co2e_kg_after = models.DecimalField(
        max_digits=24, decimal_places=6, help_text="kg CO2e of the range after."
    )
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.usage_type} {self.usage_at_after:%Y-%m-%d}..{self.usage_at_before:%Y-%m-%d}: "
            f"{self.usages_changed} changed"
        )
