"""Database helpers shared by the apps' services: plain-row inserts at seeding speed."""

import datetime as dt
from collections.abc import Callable, Sequence

from django.db import connection, models

_MAX_PARAMS = 30_000  # per statement; PostgreSQL allows 65,535


def datetime_stamper() -> Callable[[dt.datetime], object]:
    """How a naive UTC datetime goes into a row for rows_insert() on this database."""
    if connection.vendor == "sqlite":
        # What Django stores for an aware datetime on SQLite: naive UTC text.
        return str
    return lambda value: value.replace(tzinfo=dt.UTC)


def rows_insert(model: type[models.Model], fields: Sequence[str], rows: list[tuple]) -> None:
    """Insert plain value rows of `model` (datetimes already passed through datetime_stamper()).

    bulk_create prepares every value through its field (~5x the cost of the insert itself at
    seeding volume), so the rows go to the driver as they are: executemany on SQLite (a C loop,
    no round trips), multi-row VALUES statements elsewhere (one round trip per batch). Nothing
    is validated: for rows a service has built.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    row_sql = f"({', '.join(['%s'] * len(fields))})"
    # Identifiers come from the model's metadata; values always go as parameters.
    insert = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(insert + row_sql, rows)
            return
        per_statement = max(1, min(len(rows), _MAX_PARAMS // len(fields)))
        for offset in range(0, len(rows), per_statement):
            chunk = rows[offset : offset + per_statement]
            params = [value for row in chunk for value in row]
            cursor.execute(insert + ", ".join([row_sql] * len(chunk)), params)
