"""Units of usage amounts, read and converted by pint, in Decimal (no float round trip).

A usage type's `unit` is stored as people write it (the brief's `kwh`, `m3`); `unit_parse`
reads such a spelling into a pint unit: first a short list of the units carbon teams send,
matched without regard to case (so `kwh`, `KWH` and `kWh` agree, and `mwh` is a megawatt
hour, never a milliwatt hour), then pint's own names (`therm`, `MMBtu`, `gallon`, ...).
`m3`, `m^3` and `m**3` mean the same.
"""

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import pint

from core.exceptions import InvalidInput

registry = pint.UnitRegistry(non_int_type=Decimal)

# The spellings that spreadsheets and utility bills use, by dimension. Lower-cased, they are
# all different, so a match without regard to case is never ambiguous.
COMMON_UNITS = {
    "energy": ["Wh", "kWh", "MWh", "GWh", "J", "kJ", "MJ", "GJ", "TJ", "therm", "MMBtu", "Btu"],
    "volume": ["l", "ml", "hl", "m**3", "cm**3", "gal", "ft**3"],
    "mass": ["g", "kg", "t", "lb"],
    "distance": ["m", "km", "mi"],
}
_BY_LOWER = {unit.lower(): unit for units in COMMON_UNITS.values() for unit in units}
_POWER = re.compile(r"^([A-Za-z]+)(?:\*\*|\^)?([23])$")  # m3, m^3, m**3
_SPELLING = re.compile(r"^[A-Za-z]+(?:(?:\*\*|\^)?[23])?$")
UNIT_MAX_LENGTH = 20


class UnitError(InvalidInput):
    default_code = "invalid_unit"


def _canonical(text: str) -> str:
    match = _POWER.match(text)
    if match:
        text = f"{match[1]}**{match[2]}"
    return text


@lru_cache(maxsize=512)
def _parse(text: str) -> pint.Unit | None:
    if len(text) > UNIT_MAX_LENGTH or not _SPELLING.match(text):
        return None
    canonical = _canonical(text)
    known = _BY_LOWER.get(canonical.lower())
    try:
        unit = registry.parse_units(known or canonical)
    except Exception:  # pint's parser raises assorted errors (undefined, syntax) on odd input
        return None
    if dimension_name(unit) is None:
        return None
    return unit


def dimension_name(unit: pint.Unit) -> str | None:
    """ "energy", "volume", "mass" or "distance"; None for anything else (temperature, ...)."""
    dims = unit.dimensionality
    for name, probe in _PROBES.items():
        if dims == probe:
            return name
    return None


_PROBES = {
    name: registry.parse_units(units[0]).dimensionality for name, units in COMMON_UNITS.items()
}


def unit_parse(text: str, *, attr: str = "unit") -> pint.Unit:
    """The pint unit of `text`, or UnitError naming `attr`."""
    unit = _parse(text.strip()) if isinstance(text, str) else None
    if unit is None:
        examples = ", ".join(["kWh", "MWh", "l", "m3", "kg", "t", "km"])
        raise UnitError(
            f"Unknown unit {text!r}: use a unit of energy, volume, mass or distance "
            f"(e.g. {examples}).",
            attr=attr,
        )
    return unit


def unit_is_known(text: str) -> bool:
    return isinstance(text, str) and _parse(text.strip()) is not None


def amount_convert(
    *, amount: Decimal, from_unit: str, to_unit: str, type_name: str = "", attr: str = "unit"
) -> Decimal:
    """`amount` given in `from_unit`, expressed in `to_unit` (exact Decimal arithmetic).

    Spellings that are the same unit (`kwh` and `kWh`) return `amount` untouched. A unit of
    another dimension is a UnitError naming `attr`: "kg is a mass; electricity is measured in
    kWh". A `to_unit` pint does not know (a type from before units were checked) accepts only
    its own spelling.
    """
    if from_unit == to_unit:
        return amount
    source = unit_parse(from_unit, attr=attr)
    if not unit_is_known(to_unit):
        raise UnitError(
            f"{type_name or 'This usage type'} is measured in {to_unit!r}, which cannot be "
            f"converted: send the amount in {to_unit!r} (leave out unit).",
            code="incompatible_unit",
            attr=attr,
        )
    target = unit_parse(to_unit)
    if source == target:
        return amount
    source_dim, target_dim = dimension_name(source), dimension_name(target)
    if source_dim != target_dim:
        article = "an" if source_dim[0] in "aeiou" else "a"
        raise UnitError(
            f"{from_unit} is {article} {source_dim}; {type_name or 'this usage type'} is "
            f"measured in {to_unit}.",
            code="incompatible_unit",
            attr=attr,
        )
    return amount * _conversion_factor(source, target)


@lru_cache(maxsize=256)
def _conversion_factor(source: pint.Unit, target: pint.Unit) -> Decimal:
    """How many `target` one `source` is: exact for the decimal definitions of pint (all the
    units above are linear, none has an offset), so `amount * factor` is the conversion."""
    try:
        return Decimal(registry.Quantity(Decimal(1), source).to(target).magnitude)
    except (pint.errors.DimensionalityError, InvalidOperation) as exc:  # pragma: no cover
        raise UnitError(str(exc), code="incompatible_unit") from None
