"""Beat schedule row for the sweep that sends today's stock alerts still unsent (their email
failed with no worker to retry it, or a worker gave up). Every 15 minutes, editable in the admin
afterwards; idempotent and reversible (core.schedules)."""

from django.db import migrations

from core.schedules import IntervalTask, interval_tasks_create, interval_tasks_delete

SCHEDULE = [
    IntervalTask(
        name="inventory: send unsent stock alerts",
        task="inventory.tasks.stock_alerts_unsent_send",
        every_minutes=15,
        description="Email today's low-stock and expiry alerts whose email has not gone out.",
    )
]


def create_schedule(apps, schema_editor):
    interval_tasks_create(apps, SCHEDULE)


def delete_schedule(apps, schema_editor):
    interval_tasks_delete(apps, SCHEDULE)


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0010_ledger_backfill"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
