"""Load the usage types of the original Planetly brief with their ids 100-104."""

from decimal import Decimal

from django.core.management.color import no_style
from django.db import migrations

BRIEF_TYPES = [
    (100, "electricity", "kwh", Decimal("1.5"), 2),
    (101, "water", "kg", Decimal("26.93"), 3),
    (102, "heating", "kwh", Decimal("3.892"), 1),
    (103, "heating", "l", Decimal("8.57"), 1),
    (104, "heating", "m3", Decimal("19.456"), 1),
]


def load(apps, schema_editor):
    UsageType = apps.get_model("carbon", "UsageType")
    for pk, name, unit, factor, scope in BRIEF_TYPES:
        UsageType.objects.update_or_create(
            pk=pk,
            defaults={
                "name": name,
                "unit": unit,
                "factor": factor,
                "scope": scope,
                "source": "Planetly brief",
            },
        )
    # Explicit ids leave PostgreSQL's sequence at 1; move it past them so new types get 105+.
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [UsageType]):
            cursor.execute(sql)


def unload(apps, schema_editor):
    apps.get_model("carbon", "UsageType").objects.filter(
        pk__in=[row[0] for row in BRIEF_TYPES], usages__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("carbon", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
