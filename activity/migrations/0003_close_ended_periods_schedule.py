"""Beat schedule row for the sweep that closes periods whose token or session has ended.

Every 5 minutes (editable in the admin afterwards). Idempotent and reversible
(core.schedules).
"""

from django.db import migrations

from core.schedules import IntervalTask, interval_tasks_create, interval_tasks_delete

TASK_NAME = "activity: close ended periods"
TASK = "activity.periods_close_ended"
EVERY_MINUTES = 5
SCHEDULE = [
    IntervalTask(
        name=TASK_NAME,
        task=TASK,
        every_minutes=EVERY_MINUTES,
        description=(
            "Close the activity periods whose API token or session has expired or gone, "
            "at the moment it ended."
        ),
    )
]


def create_schedule(apps, schema_editor):
    interval_tasks_create(apps, SCHEDULE)


def delete_schedule(apps, schema_editor):
    interval_tasks_delete(apps, SCHEDULE)


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0002_login_periods"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
