"""CSV export of usages, streamed row by row in constant memory; it imports back as it is
(carbon.imports reads the same columns and ignores the derived ones)."""

import csv
from collections.abc import Iterator
from datetime import UTC

from django.db.models import QuerySet

from core.csv import EchoBuffer, csv_cell

# The import's columns first (usage_type as `name (unit)`, which names one type; amount in
# the type's unit), then what the usage was computed with; `user` last, for staff only, so a
# member's file and a staff file agree on every other column.
EXPORT_COLUMNS = ["id", "usage_type", "usage_at", "amount", "unit", "factor", "co2e_kg", "scope"]
STAFF_EXPORT_COLUMNS = [*EXPORT_COLUMNS, "user"]
EXPORT_CHUNK_ROWS = 2000


def export_columns(*, staff: bool) -> list[str]:
    return STAFF_EXPORT_COLUMNS if staff else EXPORT_COLUMNS


def usages_csv_lines(*, queryset: QuerySet, staff: bool) -> Iterator[str]:
    """The CSV lines of `queryset` (usages with usage_type selected): a UTF-8 BOM, the
    header, then one line per usage, read `EXPORT_CHUNK_ROWS` at a time. Text cells that a
    spreadsheet would read as a formula get a leading apostrophe (core.csv.csv_cell)."""
    writer = csv.writer(EchoBuffer(), lineterminator="\r\n")
    yield "\ufeff"  # a BOM, so that spreadsheets read the file as UTF-8 (the import skips it)
    yield writer.writerow(export_columns(staff=staff))
    for usage in queryset.iterator(chunk_size=EXPORT_CHUNK_ROWS):
        usage_type = usage.usage_type
        cells = [
            usage.pk,
            str(usage_type),
            usage.usage_at.astimezone(UTC).isoformat(),
            usage.amount,
            usage_type.unit,
            usage.factor,
            usage.co2e_kg,
            usage_type.scope,
        ]
        if staff:
            cells.append(usage.user_id)
        yield writer.writerow([csv_cell(cell) for cell in cells])
