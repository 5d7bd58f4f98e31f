"""The beat row that runs the sweep closing ended periods, and the task it names."""

import importlib

import pytest
from django.apps import apps as global_apps
from django_celery_beat.models import IntervalSchedule, PeriodicTask

pytestmark = pytest.mark.django_db
MIGRATION = "activity.migrations.0003_close_ended_periods_schedule"
schedule_migration = importlib.import_module(MIGRATION)
NAME = "activity: close ended periods"


def _schedule() -> list[tuple]:
    return [
        (task.task, task.interval.every, task.interval.period, task.kwargs, task.enabled)
        for task in PeriodicTask.objects.filter(name=NAME)
    ]


EXPECTED = [("activity.periods_close_ended", 5, "minutes", "{}", True)]


def test_migration_created_the_beat_schedule_every_five_minutes():
    assert _schedule() == EXPECTED


def test_schedule_migration_is_idempotent_and_reversible():
    schedule_migration.create_schedule(global_apps, None)
    assert _schedule() == EXPECTED
    schedule_migration.delete_schedule(global_apps, None)
    assert _schedule() == []
    assert not IntervalSchedule.objects.filter(every=5, period="minutes").exists()
    schedule_migration.create_schedule(global_apps, None)
    assert _schedule() == EXPECTED


def test_an_edited_schedule_is_left_as_the_admin_saved_it():
    PeriodicTask.objects.filter(name=NAME).update(enabled=False)

    schedule_migration.create_schedule(global_apps, None)

    assert PeriodicTask.objects.get(name=NAME).enabled is False


def test_the_scheduled_task_is_found_by_autodiscovery():
    from config.celery import app

    app.loader.import_default_modules()  # what a worker and beat do at start
    assert "activity.periods_close_ended" in app.tasks
