"""Each type's factor becomes its first version, valid from 1900-01-01 (so it covers every
usage); each usage points at the version whose factor it was written with and records its
amount as given (in the type's unit: units did not exist before).

A usage whose factor no version holds (written before its type's factor was edited in place)
keeps its factor and gets no version: a recalculation of its range gives it one.
"""

from datetime import date

from django.db import migrations
from django.db.models import F, OuterRef, Subquery

FIRST_VALID_FROM = date(1900, 1, 1)


def forward(apps, schema_editor):
    UsageType = apps.get_model("carbon", "UsageType")
    EmissionFactor = apps.get_model("carbon", "EmissionFactor")
    Usage = apps.get_model("carbon", "Usage")
    for usage_type in UsageType.objects.all():
        version = EmissionFactor.objects.create(
            usage_type=usage_type,
            factor=usage_type.factor,
            valid_from=FIRST_VALID_FROM,
            source=usage_type.source,
            note="The type's factor before factor versions (migration carbon 0007).",
        )
        Usage.objects.filter(usage_type=usage_type, factor=version.factor).update(
            emission_factor=version
        )
    Usage.objects.update(
        input_amount=F("amount"),
        input_unit=Subquery(UsageType.objects.filter(pk=OuterRef("usage_type_id")).values("unit")),
    )


def backward(apps, schema_editor):
    UsageType = apps.get_model("carbon", "UsageType")
    EmissionFactor = apps.get_model("carbon", "EmissionFactor")
    for usage_type in UsageType.objects.all():
        latest = (
            EmissionFactor.objects.filter(usage_type=usage_type).order_by("-valid_from").first()
        )
        if latest is not None:
            usage_type.factor = latest.factor
            usage_type.save(update_fields=["factor"])


class Migration(migrations.Migration):
    dependencies = [("carbon", "0006_factor_versions")]

    operations = [migrations.RunPython(forward, backward)]
