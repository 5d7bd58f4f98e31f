"""Estimates: what a usage would emit, computed as usage_create would
(the version valid at the date, the unit conversion, the rounding) and never saved."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from carbon.models import UsageType, factor_date
from carbon.services import amount_in_type_unit, co2e_compute
from core.exceptions import InvalidInput


@dataclass(frozen=True)
class Estimate:
    co2e_kg: Decimal
    factor: Decimal
    factor_valid_from: date
    source: str
    amount_in_type_unit: Decimal
    unit: str


def usage_estimate(
    *, usage_type: UsageType, amount: Decimal, unit: str | None, at: datetime
) -> Estimate:
    """The emissions of `amount` `unit` of `usage_type` at `at`: the same version lookup,
    conversion and rounding as a saved usage, and the same errors. Writes nothing."""
    version = usage_type.factor_version_at(at)
    if version is None:
        raise InvalidInput(
            f"{usage_type} has no emission factor valid on {factor_date(at)}.",
            code="no_factor",
            attr="at",
        )
    converted = amount_in_type_unit(usage_type=usage_type, amount=amount, unit=unit)
    return Estimate(
        co2e_kg=co2e_compute(amount=converted, factor=version.factor),
        factor=version.factor,
        factor_valid_from=version.valid_from,
        source=version.source,
        amount_in_type_unit=converted,
        unit=usage_type.unit,
    )
