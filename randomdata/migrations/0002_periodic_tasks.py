"""Beat schedule rows for the ingestion tasks (editable in the admin afterwards).

Idempotent: an existing task of the same name is left as the admin last saved it.
Reversible: the tasks are deleted, and so are the interval schedules no other task uses.
"""

import json

from django.db import migrations
from django.utils import timezone

SCHEDULE = [
    ("randomdata: ingest users", "randomdata.ingest_users", 10),
    ("randomdata: ingest addresses", "randomdata.ingest_addresses", 15),
    ("randomdata: ingest credit cards", "randomdata.ingest_credit_cards", 15),
]
SIZE = 10


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, minutes in SCHEDULE:
        interval = IntervalSchedule.objects.filter(every=minutes, period="minutes").first()
        if interval is None:
            interval = IntervalSchedule.objects.create(every=minutes, period="minutes")
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": task,
                "interval": interval,
                "kwargs": json.dumps({"size": SIZE}),
                "description": "Fetch random data from RANDOM_DATA_API_URL and upsert it.",
            },
        )
    # Tell a running beat that the schedule changed (what PeriodicTask.save() does normally).
    _touch(PeriodicTasks)


def delete_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTask.objects.filter(name__in=[name for name, _task, _minutes in SCHEDULE]).delete()
    IntervalSchedule.objects.filter(
        every__in={minutes for _n, _t, minutes in SCHEDULE},
        period="minutes",
        periodictask__isnull=True,
    ).delete()
    _touch(PeriodicTasks)


def _touch(PeriodicTasks):
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("randomdata", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
