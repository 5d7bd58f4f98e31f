"""django-celery-beat rows made by data migrations: every-N-minutes tasks.

A migration calls these with its historical `apps` (never the live models), so the rows match
the schema at that point. Idempotent: a task of the same name is left as the admin last saved
it. Deleting also drops the interval schedules no other task uses. Both tell a running beat
that the schedule changed, as PeriodicTask.save() does.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone


@dataclass(frozen=True)
class IntervalTask:
    name: str
    task: str
    every_minutes: int
    description: str
    kwargs: dict = field(default_factory=dict)


def interval_tasks_create(apps, tasks: Iterable[IntervalTask]) -> None:
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for task in tasks:
        interval = IntervalSchedule.objects.filter(
            every=task.every_minutes, period="minutes"
        ).first()
        if interval is None:
            interval = IntervalSchedule.objects.create(every=task.every_minutes, period="minutes")
        PeriodicTask.objects.get_or_create(
            name=task.name,
            defaults={
                "task": task.task,
                "interval": interval,
                "kwargs": json.dumps(task.kwargs),
                "description": task.description,
            },
        )
    beat_told(apps)


def interval_tasks_delete(apps, tasks: Iterable[IntervalTask]) -> None:
    tasks = list(tasks)
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[task.name for task in tasks]).delete()
    IntervalSchedule.objects.filter(
        every__in={task.every_minutes for task in tasks},
        period="minutes",
        periodictask__isnull=True,
    ).delete()
    beat_told(apps)


def beat_told(apps) -> None:
    """Tell a running beat to reload its schedule (what PeriodicTask.save() does normally)."""
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})
