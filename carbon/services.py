"""The only writers of carbon data. Views, admin, demo and benchmarks call these."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError

from carbon.models import CO2E_QUANTUM, Usage, UsageType
from core.exceptions import Conflict, InvalidInput
from core.services import fields_check, model_update
from members.models import User

USAGE_TYPE_FIELDS = frozenset({"name", "unit", "factor", "scope", "source"})
USAGE_UPDATABLE_FIELDS = frozenset({"usage_type", "usage_at", "amount", "user"})
_DERIVED_FIELDS = frozenset({"factor", "co2e_kg"})  # set by the service, never by a caller


class UsageTypeInUse(Conflict):
    """A usage type with usages cannot be deleted (their history points at it)."""

    default_code = "conflict"


def co2e_compute(*, amount: Decimal, factor: Decimal) -> Decimal:
    """kg CO2e of `amount` at `factor`, rounded to the stored precision."""
    return (amount * factor).quantize(CO2E_QUANTUM)


def _check_aware(value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput("A time zone offset is required.", code="naive", attr="usage_at")


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
    fields_check(data=data, fields=USAGE_UPDATABLE_FIELDS)
    if "usage_at" in data:
        _check_aware(data["usage_at"])
    updates = dict(data)
    if "usage_type" in data and data["usage_type"] != usage.usage_type:
        updates["factor"] = data["usage_type"].factor
    if {"factor", "amount"} & set(updates):
        updates["co2e_kg"] = co2e_compute(
            amount=updates.get("amount", usage.amount), factor=updates.get("factor", usage.factor)
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
    model_update(instance=usage_type, fields=USAGE_TYPE_FIELDS, data=data)
    return usage_type


@transaction.atomic
def usage_type_delete(*, usage_type: UsageType) -> None:
    """Delete an unused type; raises UsageTypeInUse when usages refer to it."""
    try:
        usage_type.delete()
    except ProtectedError:
        raise UsageTypeInUse(f"{usage_type} has usages and cannot be deleted.") from None
