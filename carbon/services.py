"""The only writers of carbon data. Views, admin, demo and benchmarks call these."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from carbon.models import CO2E_QUANTUM, Usage, UsageType
from members.models import User

USAGE_TYPE_FIELDS = frozenset({"name", "unit", "factor", "scope", "source"})
USAGE_UPDATABLE_FIELDS = frozenset({"usage_type", "usage_at", "amount", "user"})


class UsageTypeInUse(Exception):
    """A usage type with usages cannot be deleted (their history points at it)."""


def co2e_compute(*, amount: Decimal, factor: Decimal) -> Decimal:
    """kg CO2e of `amount` at `factor`, rounded to the stored precision."""
    return (amount * factor).quantize(CO2E_QUANTUM)


def _check_aware(value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError({"usage_at": "A time zone offset is required."}, code="naive")


@transaction.atomic
def usage_create(
    *, user: User, usage_type: UsageType, usage_at: datetime, amount: Decimal
) -> Usage:
    """Record a usage, freezing the type's current factor and the resulting emissions."""
    _check_aware(usage_at)
    usage = Usage(
        user=user,
        usage_type=usage_type,
        usage_at=usage_at,
        amount=amount,
        factor=usage_type.factor,
        co2e_kg=co2e_compute(amount=amount, factor=usage_type.factor),
    )
    usage.full_clean()
    usage.save(force_insert=True)
    return usage


@transaction.atomic
def usage_update(*, usage: Usage, data: dict) -> Usage:
    """Change a usage. A new type brings its current factor; otherwise the frozen one stays."""
    unknown = set(data) - USAGE_UPDATABLE_FIELDS
    if unknown:
        raise ValueError(f"Not updatable here: {', '.join(sorted(unknown))}")
    if "usage_at" in data:
        _check_aware(data["usage_at"])
    changed = [name for name, value in data.items() if getattr(usage, name) != value]
    for name in changed:
        setattr(usage, name, data[name])
    if "usage_type" in changed:
        usage.factor = usage.usage_type.factor
        changed.append("factor")
    if {"usage_type", "amount"} & set(changed):
        usage.co2e_kg = co2e_compute(amount=usage.amount, factor=usage.factor)
        changed.append("co2e_kg")
    if changed:
        usage.full_clean()
        usage.save(update_fields=[*changed, "updated_at"])
    return usage


@transaction.atomic
def usage_delete(*, usage: Usage) -> None:
    usage.delete()


@transaction.atomic
def usages_bulk_delete(*, queryset, ids: Sequence[int]) -> int:
    """Delete all of `ids` from `queryset` (the caller's scope) or nothing at all.

    Raises ValidationError naming the ids that are not in the scope.
    """
    wanted = set(ids)
    # Lock the rows so a concurrent request cannot delete them between check and delete.
    found = set(queryset.filter(pk__in=wanted).select_for_update().values_list("pk", flat=True))
    missing = sorted(wanted - found)
    if missing:
        raise ValidationError(
            {"ids": f"Not found: {', '.join(map(str, missing))}. Nothing was deleted."},
            code="not_found",
        )
    Usage.objects.filter(pk__in=found).delete()
    return len(found)


@transaction.atomic
def usages_bulk_create(
    *, user: User, rows: Iterable[tuple[UsageType, datetime, Decimal]], batch_size: int = 2000
) -> int:
    """Insert many usages for one user (demo data, benchmarks); factors frozen as in create."""
    objs = [
        Usage(
            user=user,
            usage_type=usage_type,
            usage_at=usage_at,
            amount=amount,
            factor=usage_type.factor,
            co2e_kg=co2e_compute(amount=amount, factor=usage_type.factor),
        )
        for usage_type, usage_at, amount in rows
    ]
    Usage.objects.bulk_create(objs, batch_size=batch_size)
    return len(objs)


@transaction.atomic
def usage_type_create(
    *,
    name: str,
    unit: str,
    factor: Decimal,
    scope: int | None = None,
    source: str = "",
) -> UsageType:
    usage_type = UsageType(name=name, unit=unit, factor=factor, scope=scope, source=source)
    usage_type.full_clean()
    usage_type.save(force_insert=True)
    return usage_type


@transaction.atomic
def usage_type_update(*, usage_type: UsageType, data: dict) -> UsageType:
    """Change a type. Existing usages keep the factor they were written with."""
    unknown = set(data) - USAGE_TYPE_FIELDS
    if unknown:
        raise ValueError(f"Not updatable here: {', '.join(sorted(unknown))}")
    changed = [name for name, value in data.items() if getattr(usage_type, name) != value]
    for name in changed:
        setattr(usage_type, name, data[name])
    if changed:
        usage_type.full_clean()
        usage_type.save(update_fields=changed)
    return usage_type


@transaction.atomic
def usage_type_delete(*, usage_type: UsageType) -> None:
    """Delete an unused type; raises UsageTypeInUse when usages refer to it."""
    try:
        usage_type.delete()
    except ProtectedError:
        raise UsageTypeInUse(f"{usage_type} has usages and cannot be deleted.") from None
