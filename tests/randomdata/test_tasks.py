import importlib
import json

import pytest
from celery.exceptions import Retry
from django.apps import apps as global_apps
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from randomdata import tasks
from randomdata.client import UpstreamBadResponse, UpstreamUnavailable
from randomdata.models import RandomUser
from randomdata.services import ingestion_lease

pytestmark = pytest.mark.django_db
schedule_migration = importlib.import_module("randomdata.migrations.0002_periodic_tasks")
SCHEDULED = {
    "randomdata: ingest users": ("randomdata.ingest_users", 10),
    "randomdata: ingest addresses": ("randomdata.ingest_addresses", 15),
    "randomdata: ingest credit cards": ("randomdata.ingest_credit_cards", 15),
}


def _schedule() -> dict:
    return {
        task.name: (task.task, task.interval.every, task.interval.period, json.loads(task.kwargs))
        for task in PeriodicTask.objects.filter(name__startswith="randomdata:")
    }


def _expected() -> dict:
    return {
        name: (task, every, "minutes", {"size": 10}) for name, (task, every) in SCHEDULED.items()
    }


def test_migration_created_the_beat_schedule():
    assert _schedule() == _expected()


def test_schedule_migration_is_idempotent_and_reversible():
    schedule_migration.create_schedule(global_apps, None)
    assert _schedule() == _expected()
    assert IntervalSchedule.objects.filter(period="minutes", every__in=[10, 15]).count() == 2
    schedule_migration.delete_schedule(global_apps, None)
    assert _schedule() == {}
    # No interval left without a task (another app's task may share one, e.g. every 15 min).
    orphans = IntervalSchedule.objects.filter(
        period="minutes", every__in=[10, 15], periodictask__isnull=True
    )
    assert orphans.count() == 0
    schedule_migration.create_schedule(global_apps, None)
    assert _schedule() == _expected()


def test_scheduled_tasks_are_found_by_autodiscovery():
    from config.celery import app

    app.loader.import_default_modules()  # what a worker and beat do at start
    assert {task for task, _every in SCHEDULED.values()} <= set(app.tasks)


@pytest.mark.parametrize(
    "task", [tasks.ingest_users, tasks.ingest_addresses, tasks.ingest_credit_cards]
)
def test_task_options(task):
    assert task.autoretry_for == (UpstreamUnavailable,)
    assert UpstreamBadResponse not in task.autoretry_for
    assert task.acks_late is True
    assert task.retry_backoff
    assert (task.soft_time_limit, task.time_limit) == (300, 360)


def test_task_runs_the_service(upstream):
    result = tasks.ingest_users.delay(size=3).get()
    assert (result["status"], result["created"]) == ("succeeded", 3)
    assert RandomUser.objects.count() == 3


def test_task_asks_for_a_retry_on_transient_failures(upstream):
    upstream.faults.extend([{"status": 503}] * 4)
    with pytest.raises(Retry, match="unreachable after 4 attempt"):
        tasks.ingest_users.apply(kwargs={"size": 2}).get()


def test_task_does_not_retry_a_bad_answer(upstream):
    upstream.faults.extend([{"body": b"<html>"}] * 4)
    with pytest.raises(UpstreamBadResponse):
        tasks.ingest_users.apply(kwargs={"size": 2}).get()
    assert len(upstream.requests) == 1


def test_task_skips_while_another_run_of_its_kind_holds_the_lease(upstream):
    with ingestion_lease(kind="addresses"):
        assert tasks.ingest_addresses.delay(size=2).get() == {"kind": "addresses", "status": "busy"}
    assert upstream.requests == []
