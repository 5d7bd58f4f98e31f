"""The only writers of carbon data. Views, admin, demo and benchmarks call these."""

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from carbon.models import (
    AMOUNT_QUANTUM,
    CO2E_QUANTUM,
    FACTOR_VALID_FROM_MAX,
    FACTOR_VALID_FROM_MIN,
    USAGE_AT_MAX,
    USAGE_AT_MIN,
    EmissionFactor,
    Recalculation,
    Usage,
    UsageType,
    factor_date,
)
from carbon.units import amount_convert, unit_is_known, unit_parse
from core.exceptions import Conflict, InvalidInput
from core.services import fields_check, model_update
from members.models import User

USAGE_TYPE_FIELDS = frozenset({"name", "unit", "factor", "scope", "source"})
USAGE_UPDATABLE_FIELDS = frozenset({"usage_type", "usage_at", "amount", "unit", "user"})
_DERIVED_FIELDS = frozenset(
    {"factor", "co2e_kg", "emission_factor", "input_amount", "input_unit"}
)  # set by the service, never by a caller
AMOUNT_MAX = Decimal(10) ** 10  # Usage.amount: 14 digits, 4 after the point


class UsageTypeInUse(Conflict):
    """A usage type with usages cannot be deleted (their history points at it)."""

    default_code = "conflict"


def co2e_compute(*, amount: Decimal, factor: Decimal) -> Decimal:
    """kg CO2e of `amount` at `factor`, rounded to the stored precision."""
    return (amount * factor).quantize(CO2E_QUANTUM)


def _check_aware(value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput("A time zone offset is required.", code="naive", attr="usage_at")


class FactorTable:
    """Every factor version of some usage types, looked up by date without a query per row.

    `FactorTable.load([type ids])` reads them in one query; `version_at(type_id, moment)`
    answers the version valid at `moment` (the latest with valid_from <= its UTC date).
    """

    def __init__(self, versions: Iterable[EmissionFactor]):
        self._dates: dict[int, list] = {}
        self._versions: dict[int, list[EmissionFactor]] = {}
        for version in sorted(versions, key=lambda v: (v.usage_type_id, v.valid_from)):
            self._dates.setdefault(version.usage_type_id, []).append(version.valid_from)
            self._versions.setdefault(version.usage_type_id, []).append(version)

    @classmethod
    def load(cls, usage_type_ids: Iterable[int]) -> "FactorTable":
        return cls(EmissionFactor.objects.filter(usage_type_id__in=set(usage_type_ids)))

    def version_at(self, usage_type_id: int, moment: datetime) -> EmissionFactor | None:
        dates = self._dates.get(usage_type_id, [])
        index = bisect_right(dates, factor_date(moment))
        return self._versions[usage_type_id][index - 1] if index else None


def factor_version_at(*, usage_type: UsageType, usage_at: datetime) -> EmissionFactor:
    """The version of `usage_type` valid at `usage_at`; InvalidInput when it has none."""
    version = usage_type.factor_version_at(usage_at)
    if version is None:
        raise _no_factor(usage_type, usage_at)
    return version


def _no_factor(usage_type: UsageType, usage_at: datetime) -> InvalidInput:
    return InvalidInput(
        f"{usage_type} has no emission factor valid on {factor_date(usage_at)}.",
        code="no_factor",
        attr="usage_at",
    )


def amount_in_type_unit(
    *, usage_type: UsageType, amount: Decimal, unit: str | None, attr: str = "unit"
) -> Decimal:
    """`amount` (given in `unit`, default the type's) in the type's unit, at stored precision.

    UnitError (400 naming `attr`) for an unknown or incompatible unit; InvalidInput naming
    `amount` when the converted amount rounds to 0 or does not fit.
    """
    converted = amount
    if unit not in (None, ""):
        converted = amount_convert(
            amount=amount,
            from_unit=unit,
            to_unit=usage_type.unit,
            type_name=usage_type.name,
            attr=attr,
        )
    converted = converted.quantize(AMOUNT_QUANTUM, rounding=ROUND_HALF_EVEN)
    if converted <= 0:
        raise InvalidInput(
            f"{amount} {unit} is less than 0.0001 {usage_type.unit}, the smallest amount stored.",
            code="min_value",
            attr="amount",
        )
    if converted >= AMOUNT_MAX:
        raise InvalidInput(
            f"{amount} {unit or usage_type.unit} is too large: at most "
            f"{AMOUNT_MAX - AMOUNT_QUANTUM} {usage_type.unit}.",
            code="max_value",
            attr="amount",
        )
    return converted


def _usage_values(
    *,
    usage_type: UsageType,
    usage_at: datetime,
    amount: Decimal,
    unit: str | None,
    version: EmissionFactor | None = None,
) -> dict:
    """The stored fields of a usage: converted amount, version, factor and emissions."""
    if version is None:
        version = factor_version_at(usage_type=usage_type, usage_at=usage_at)
    converted = amount_in_type_unit(usage_type=usage_type, amount=amount, unit=unit)
    return {
        "usage_type": usage_type,
        "usage_at": usage_at,
        "amount": converted,
        "input_amount": amount,
        "input_unit": unit or usage_type.unit,
        "emission_factor": version,
        "factor": version.factor,
        "co2e_kg": co2e_compute(amount=converted, factor=version.factor),
    }


@transaction.atomic
def usage_create(
    *,
    user: User,
    usage_type: UsageType,
    usage_at: datetime,
    amount: Decimal,
    unit: str | None = None,
) -> Usage:
    """Record a usage: its amount converted to the type's unit, the factor version valid at
    `usage_at` and the resulting emissions, all frozen on the row."""
    _check_aware(usage_at)
    usage = Usage(
        user=user,
        **_usage_values(usage_type=usage_type, usage_at=usage_at, amount=amount, unit=unit),
    )
    usage.full_clean()
    usage.save(force_insert=True)
    return usage


@transaction.atomic
def usage_update(*, usage: Usage, data: dict) -> Usage:
    """Change a usage. A new type, date, amount or unit takes the version valid at its date
    (a usage moved to another year takes that year's factor); otherwise nothing is recomputed.
    """
    fields_check(data=data, fields=USAGE_UPDATABLE_FIELDS)
    if "usage_at" in data:
        _check_aware(data["usage_at"])
    updates = {key: value for key, value in data.items() if key != "unit"}
    usage_type = data.get("usage_type", usage.usage_type)
    changes_measure = any(
        key in data and data[key] != getattr(usage, key)
        for key in ("usage_type", "usage_at", "amount")
    ) or ("unit" in data and data["unit"] not in (None, "", usage.input_unit))
    if changes_measure:
        if "amount" in data or "unit" in data:
            amount = data.get("amount", usage.input_amount or usage.amount)
            unit = data.get("unit") or (usage.input_unit if "amount" not in data else None)
        elif usage.input_unit in ("", usage.usage_type.unit) or usage.input_amount is None:
            amount, unit = usage.amount, None  # entered in the type's unit: it stays as it is
        else:
            amount, unit = usage.input_amount, usage.input_unit
        updates.update(
            _usage_values(
                usage_type=usage_type,
                usage_at=data.get("usage_at", usage.usage_at),
                amount=amount,
                unit=unit,
            )
        )
    model_update(instance=usage, fields=[*USAGE_UPDATABLE_FIELDS, *_DERIVED_FIELDS], data=updates)
    return usage


@transaction.atomic
def usage_delete(*, usage: Usage) -> None:
    usage.delete()


@transaction.atomic
def usages_bulk_delete(*, queryset, ids: Sequence[int]) -> int:
    """Delete all of `ids` from `queryset` (the caller's scope) or nothing at all.

    Raises InvalidInput naming the ids that are not in the scope.
    """
    wanted = set(ids)
    # Lock the rows so a concurrent request cannot delete them between check and delete.
    found = set(queryset.filter(pk__in=wanted).select_for_update().values_list("pk", flat=True))
    missing = sorted(wanted - found)
    if missing:
        raise InvalidInput(
            f"Not found: {', '.join(map(str, missing))}. Nothing was deleted.",
            code="not_found",
            attr="ids",
        )
    Usage.objects.filter(pk__in=found).delete()
    return len(found)


class NewUsage(NamedTuple):
    """One row for usages_bulk_create: `amount` as given, in `unit` (default the type's)."""

    usage_type: UsageType
    usage_at: datetime
    amount: Decimal
    unit: str | None = None
    user_id: str | None = None  # default: usages_bulk_create's `user`


@transaction.atomic
def usages_bulk_create(
    *,
    rows: Iterable[tuple],
    user: User | None = None,
    batch_size: int = 2000,
) -> int:
    """Insert many usages (demo data, imports, benchmarks) as usage_create would write them:
    amounts converted to the type's unit, each with the version valid at its date. One query
    reads the versions, then one INSERT per `batch_size` rows.

    `rows` are NewUsage tuples (or plain `(usage_type, usage_at, amount)` for `user`). A row
    that breaks a rule raises the same error as usage_create would and nothing is saved;
    callers that report every bad row validate them first (carbon.imports).
    """
    rows = [NewUsage(*row) for row in rows]
    table = FactorTable.load(row.usage_type.pk for row in rows)
    objs = []
    for row in rows:
        version = table.version_at(row.usage_type.pk, row.usage_at)
        if version is None:
            raise _no_factor(row.usage_type, row.usage_at)
        values = _usage_values(
            usage_type=row.usage_type,
            usage_at=row.usage_at,
            amount=row.amount,
            unit=row.unit,
            version=version,
        )
        objs.append(Usage(user_id=row.user_id or user.pk, **values))
    Usage.objects.bulk_create(objs, batch_size=batch_size)
    return len(objs)


def _check_unit(unit: str) -> None:
    if not unit_is_known(unit):
        unit_parse(unit)  # raises UnitError naming `unit`


@transaction.atomic
def usage_type_create(
    *,
    name: str,
    unit: str,
    factor: Decimal,
    scope: int | None = None,
    source: str = "",
    actor: User | None = None,
) -> UsageType:
    """A new type; `factor` becomes its first version, valid from 1900-01-01."""
    _check_unit(unit)
    usage_type = UsageType(name=name, unit=unit, scope=scope, source=source)
    usage_type.full_clean()
    usage_type.save(force_insert=True)
    emission_factor_add(
        usage_type=usage_type,
        factor=factor,
        valid_from=FACTOR_VALID_FROM_MIN,
        source=source,
        note="First version, given when the type was created.",
        actor=actor,
    )
    return usage_type


@transaction.atomic
def usage_type_update(*, usage_type: UsageType, data: dict, actor: User | None = None) -> UsageType:
    """Change a type. A new `factor` is added as a version valid from today (UTC): existing
    usages keep the factor they were written with until a recalculation."""
    fields_check(data=data, fields=USAGE_TYPE_FIELDS)
    data = dict(data)
    factor = data.pop("factor", None)
    if "unit" in data and data["unit"] != usage_type.unit:
        _check_unit(data["unit"])
        if usage_type.usages.exists():
            raise InvalidInput(
                "The unit of a type with usages cannot change: their amounts are in it.",
                code="not_updatable",
                attr="unit",
            )
    model_update(instance=usage_type, fields=USAGE_TYPE_FIELDS - {"factor"}, data=data)
    if factor is not None and factor != usage_type.factor:
        today = timezone.now().astimezone(UTC).date()
        version = EmissionFactor.objects.filter(usage_type=usage_type, valid_from=today).first()
        if version is not None and not version.usages.exists():
            # A second change on the same day corrects that day's version.
            model_update(instance=version, fields=["factor"], data={"factor": factor})
        else:
            emission_factor_add(
                usage_type=usage_type,
                factor=factor,
                valid_from=today,
                source=usage_type.source,
                note="Added by a change of the type's factor.",
                actor=actor,
            )
        usage_type.__dict__.pop("factor", None)  # the cached current factor
    return usage_type


class FactorVersionExists(Conflict):
    default_code = "factor_version_exists"


@transaction.atomic
def emission_factor_add(
    *,
    usage_type: UsageType,
    factor: Decimal,
    valid_from: date,
    source: str = "",
    note: str = "",
    actor: User | None = None,
) -> EmissionFactor:
    """Add a version of `usage_type`'s factor valid from `valid_from`. Saved usages are not
    touched: a recalculation applies it to them."""
    if not FACTOR_VALID_FROM_MIN <= valid_from <= FACTOR_VALID_FROM_MAX:
        raise InvalidInput(
            f"Must be from {FACTOR_VALID_FROM_MIN} to {FACTOR_VALID_FROM_MAX}.",
            code="out_of_range",
            attr="valid_from",
        )
    if factor is None or factor <= 0:
        raise InvalidInput("The emission factor must be greater than 0.", attr="factor")
    if EmissionFactor.objects.filter(usage_type=usage_type, valid_from=valid_from).exists():
        raise _version_exists(usage_type, valid_from)
    version = EmissionFactor(
        usage_type=usage_type,
        factor=factor,
        valid_from=valid_from,
        source=source or usage_type.source,
        note=note,
        created_by=actor,
    )
    version.full_clean()
    try:
        with transaction.atomic():  # a savepoint: the same date added at the same moment
            version.save(force_insert=True)
    except IntegrityError:
        raise _version_exists(usage_type, valid_from) from None
    usage_type.__dict__.pop("factor", None)
    return version


def _version_exists(usage_type: UsageType, valid_from: date) -> "FactorVersionExists":
    return FactorVersionExists(
        f"{usage_type} already has a factor valid from {valid_from}; versions are never "
        "edited: add one from another date.",
        attr="valid_from",
    )


@transaction.atomic
def usage_type_delete(*, usage_type: UsageType) -> None:
    """Delete an unused type; raises UsageTypeInUse when usages refer to it."""
    try:
        usage_type.delete()
    except ProtectedError:
        raise UsageTypeInUse(f"{usage_type} has usages and cannot be deleted.") from None


def _check_range(*, usage_at_after: datetime, usage_at_before: datetime) -> None:
    for attr, value in (("usage_at_after", usage_at_after), ("usage_at_before", usage_at_before)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidInput("A time zone offset is required.", code="naive", attr=attr)
    if not USAGE_AT_MIN <= usage_at_after < USAGE_AT_MAX:
        raise InvalidInput(
            "Must be from 1900-01-01T00:00:00Z up to 2200-01-01T00:00:00Z (exclusive).",
            code="out_of_range",
            attr="usage_at_after",
        )
    if not USAGE_AT_MIN < usage_at_before <= USAGE_AT_MAX:
        raise InvalidInput(
            "Must be after 1900-01-01T00:00:00Z and at most 2200-01-01T00:00:00Z.",
            code="out_of_range",
            attr="usage_at_before",
        )
    if usage_at_after >= usage_at_before:
        raise InvalidInput(
            "Must be later than usage_at_after.", code="range_empty", attr="usage_at_before"
        )


@transaction.atomic
def usages_recalculate(
    *,
    usage_type: UsageType,
    usage_at_after: datetime,
    usage_at_before: datetime,
    actor: User | None,
    batch_size: int = 2000,
) -> Recalculation:
    """Re-apply `usage_type`'s factor versions to its usages (every member's) with
    usage_at_after <= usage_at < usage_at_before: each takes the version valid at its date.
    Writes only the usages that change, and records a Recalculation."""
    _check_range(usage_at_after=usage_at_after, usage_at_before=usage_at_before)
    # One transaction: the usages are locked (in primary-key order, so two recalculations of
    # overlapping ranges queue instead of deadlocking), read, rewritten and counted together;
    # a usage written meanwhile waits, and the record matches what was changed.
    UsageType.objects.select_for_update().filter(pk=usage_type.pk).exists()
    usages = list(
        Usage.objects.select_for_update()
        .filter(usage_type=usage_type, usage_at__gte=usage_at_after, usage_at__lt=usage_at_before)
        .order_by("pk")
        .only("pk", "usage_at", "amount", "factor", "emission_factor_id", "co2e_kg")
    )
    table = FactorTable.load([usage_type.pk])
    now = timezone.now()
    before = after = Decimal(0)
    changed = []
    for usage in usages:
        before += usage.co2e_kg
        version = table.version_at(usage_type.pk, usage.usage_at)
        if version is not None:
            co2e_kg = co2e_compute(amount=usage.amount, factor=version.factor)
            if (usage.emission_factor_id, usage.factor, usage.co2e_kg) != (
                version.pk,
                version.factor,
                co2e_kg,
            ):
                usage.emission_factor_id = version.pk
                usage.factor = version.factor
                usage.co2e_kg = co2e_kg
                usage.updated_at = now
                changed.append(usage)
        after += usage.co2e_kg
    Usage.objects.bulk_update(
        changed, ["factor", "emission_factor", "co2e_kg", "updated_at"], batch_size=batch_size
    )
    recalculation = Recalculation(
        usage_type=usage_type,
        usage_at_after=usage_at_after,
        usage_at_before=usage_at_before,
        usages_checked=len(usages),
        usages_changed=len(changed),
        co2e_kg_before=before,
        co2e_kg_after=after,
        run_by=actor,
    )
    recalculation.save(force_insert=True)
    return recalculation


class FactorVersionInUse(Conflict):
    default_code = "factor_version_in_use"


@transaction.atomic
def emission_factor_delete(*, emission_factor: EmissionFactor) -> None:
    """Delete a version no usage uses (a typo caught in time); a used one stays forever."""
    try:
        emission_factor.delete()
    except ProtectedError:
        raise FactorVersionInUse(
            f"{emission_factor} is used by usages: versions they use are never deleted."
        ) from None
