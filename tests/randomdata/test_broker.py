"""A real Celery worker on a real broker runs the scheduled ingestion and writes rows.

Runs when CELERY_BROKER_URL is set and the database is PostgreSQL (the worker is another
process, so it needs a database it can share with this one).
"""

import importlib
import json

import pytest
from django.apps import apps as global_apps
from django_celery_beat.models import PeriodicTask

from config.celery import app as celery_app
from randomdata.models import Address, CreditCard, IngestionRun, RandomUser
from tests.celery_worker import celery_worker, needs_broker, wait_for
from tests.randomdata.server import FakeUpstream

schedule_migration = importlib.import_module("randomdata.migrations.0002_periodic_tasks")

pytestmark = needs_broker


@pytest.fixture
def fake_upstream():
    server = FakeUpstream().start()
    yield server
    server.stop()


@pytest.fixture
def worker(transactional_db, fake_upstream):
    extra = {
        "RANDOM_DATA_API_URL": fake_upstream.url,
        "RANDOM_DATA_FINGERPRINT_KEY": "broker-test-key",
        "RANDOM_DATA_BACKOFF_BASE": "0.01",
    }
    with celery_worker(name="randomdata", env=extra) as started:
        yield started


def test_worker_runs_the_scheduled_task_through_the_broker(worker, fake_upstream):
    queue, proc, log = worker
    schedule_migration.create_schedule(global_apps, None)  # idempotent; rows may be flushed
    scheduled = PeriodicTask.objects.get(name="randomdata: ingest users")
    kwargs = json.loads(scheduled.kwargs)
    celery_app.loader.import_default_modules()  # autodiscovery, as beat does at start
    celery_app.tasks[scheduled.task].apply_async(kwargs=kwargs, queue=queue)

    written = wait_for(
        lambda: IngestionRun.objects.filter(kind="users", status="succeeded").exists(),
        timeout=90,
    )

    log.seek(0)
    assert written, f"worker wrote nothing; its log:\n{log.read()[-4000:]}"
    assert proc.poll() is None
    assert (RandomUser.objects.count(), Address.objects.count(), CreditCard.objects.count()) == (
        kwargs["size"],
        kwargs["size"],
        kwargs["size"],
    )
    assert fake_upstream.requests == [("users", 10)]
