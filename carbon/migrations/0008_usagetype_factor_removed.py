"""The type's single factor is gone: its versions (carbon.EmissionFactor) hold it now."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("carbon", "0007_factor_versions_backfill")]

    operations = [
        migrations.RemoveConstraint(
            model_name="usagetype",
            name="carbon_usagetype_factor_gt_0",
        ),
        migrations.RemoveField(
            model_name="usagetype",
            name="factor",
        ),
    ]
