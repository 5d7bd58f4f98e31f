"""The demo data's own keys (core.models.DemoRow): which rows `seed_demo` made.

Not named `demo.py`: seed_demo runs every app's `demo.seed()`, and core has no demo data.
"""

from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.models import DemoRow

M = TypeVar("M", bound=models.Model)


def demo_row_get(*, model: type[M], key: str) -> M | None:
    """The demo's row under `key`, or None if it never made one or it has since been deleted."""
    content_type = ContentType.objects.get_for_model(model)
    object_id = (
        DemoRow.objects.filter(content_type=content_type, key=key)
        .values_list("object_id", flat=True)
        .first()
    )
    if object_id is None:
        return None
    return model._default_manager.filter(pk=object_id).first()


def demo_row_claim(*, obj: models.Model, key: str) -> None:
    """Record `obj` as the demo's row under `key` (replacing a deleted one's entry)."""
    DemoRow.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(obj),
        key=key,
        defaults={"object_id": str(obj.pk)},
    )
