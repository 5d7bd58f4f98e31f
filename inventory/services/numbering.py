"""Gapless document numbers: <prefix>-<year>-<6 digits>, per year, for invoices and credit notes."""

from django.db import models
from django.db.models import F


def document_number_allocate(*, sequence: type[models.Model], prefix: str, year: int) -> str:
    """Next gapless number of `year` in `sequence` (a model with `year` as its primary key and
    `last_number`). Call inside a transaction: the sequence row stays locked until it commits,
    and a rollback gives the number back."""
    row, _created = sequence.objects.select_for_update().get_or_create(year=year)
    row.last_number = F("last_number") + 1
    row.save(update_fields=["last_number"])
    row.refresh_from_db(fields=["last_number"])
    return f"{prefix}-{year}-{row.last_number:06d}"
