"""Beat schedule row for the sweep that closes periods whose token or session has ended.

Every 5 minutes (editable in the admin afterwards). Idempotent: an existing task of the same
name is left as the admin last saved it. Reversible: the task is deleted, and so is the
interval schedule if no other task uses it.
"""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "activity: close ended periods"
TASK = "activity.periods_close_ended"
EVERY_MINUTES = 5


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    interval = IntervalSchedule.objects.filter(every=EVERY_MINUTES, period="minutes").first()
    if interval is None:
        interval = IntervalSchedule.objects.create(every=EVERY_MINUTES, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "interval": interval,
            "kwargs": "{}",
            "description": (
                "Close the activity periods whose API token or session has expired or gone, "
                "at the moment it ended."
            ),
        },
    )
    # Tell a running beat that the schedule changed (what PeriodicTask.save() does normally).
    _touch(PeriodicTasks)


def delete_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()
    IntervalSchedule.objects.filter(
        every=EVERY_MINUTES, period="minutes", periodictask__isnull=True
    ).delete()
    _touch(PeriodicTasks)


def _touch(PeriodicTasks):
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0002_login_periods"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
