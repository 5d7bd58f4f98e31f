"""Write helpers shared by every app's services."""

from collections.abc import Iterable
from typing import TypeVar

from django.db import models

from core.exceptions import InvalidInput

M = TypeVar("M", bound=models.Model)


def fields_check(*, data: dict, fields: Iterable[str]) -> None:
    """Refuse keys of `data` outside `fields` (InvalidInput naming each, code not_updatable)."""
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise InvalidInput(
            errors={
                name: ("This field cannot be changed here.", "not_updatable") for name in unknown
            }
        )


def model_update(
    *, instance: M, fields: Iterable[str], data: dict, clean: bool = True
) -> tuple[M, bool]:
    """Set the changed `fields` of `instance` from `data` and save only those.

    A key of `data` outside `fields` is refused (InvalidInput naming it) before anything is
    set; the whole instance is validated (`full_clean`) before saving, so a broken rule is a
    400 naming its field, never a database error. auto_now fields (`updated_at`) are saved
    with any change. Returns (instance, whether anything changed).
    """
    fields_check(data=data, fields=fields)
    changed = [name for name, value in data.items() if getattr(instance, name) != value]
    if not changed:
        return instance, False
    for name in changed:
        setattr(instance, name, data[name])
    if clean:
        # The password hash is not text to validate; every other field and constraint is.
        instance.full_clean(exclude=["password"] if _has_field(instance, "password") else None)
    update_fields = set(changed) | {
        field.name for field in instance._meta.concrete_fields if getattr(field, "auto_now", False)
    }
    instance.save(update_fields=sorted(update_fields))
    return instance, True


def _has_field(instance: models.Model, name: str) -> bool:
    return any(field.name == name for field in instance._meta.concrete_fields)
