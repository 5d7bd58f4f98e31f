"""Beat schedule rows for the ingestion tasks (editable in the admin afterwards).

Idempotent and reversible (core.schedules).
"""

from django.db import migrations

from core.schedules import IntervalTask, interval_tasks_create, interval_tasks_delete

SIZE = 10
SCHEDULE = [
    IntervalTask(
        name=name,
        task=task,
        every_minutes=minutes,
        kwargs={"size": SIZE},
        description="Fetch random data from RANDOM_DATA_API_URL and upsert it.",
    )
    for name, task, minutes in [
        ("randomdata: ingest users", "randomdata.ingest_users", 10),
        ("randomdata: ingest addresses", "randomdata.ingest_addresses", 15),
        ("randomdata: ingest credit cards", "randomdata.ingest_credit_cards", 15),
    ]
]


def create_schedule(apps, schema_editor):
    interval_tasks_create(apps, SCHEDULE)


def delete_schedule(apps, schema_editor):
    interval_tasks_delete(apps, SCHEDULE)


class Migration(migrations.Migration):
    dependencies = [
        ("randomdata", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
