"""A real Celery worker on a real broker runs the scheduled ingestion and writes rows.

Runs when CELERY_BROKER_URL is set and the database is PostgreSQL (the worker is another
process, so it needs a database it can share with this one).
"""

import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.apps import apps as global_apps
from django.db import connection
from django_celery_beat.models import PeriodicTask

from config.celery import app as celery_app
from randomdata.models import Address, CreditCard, IngestionRun, RandomUser
from tests.randomdata.server import FakeUpstream

BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
ROOT = Path(__file__).resolve().parents[2]
schedule_migration = importlib.import_module("randomdata.migrations.0002_periodic_tasks")

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not BROKER_URL, reason="CELERY_BROKER_URL is not set: no broker to use"),
]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(predicate, *, timeout: float, interval: float = 0.2) -> bool:
    """Poll until predicate() is true or the timeout passes (a worker is another process)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


@pytest.fixture
def fake_upstream():
    server = FakeUpstream().start()
    yield server
    server.stop()


@pytest.fixture
def worker(transactional_db, fake_upstream):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the broker test needs PostgreSQL: a worker process cannot share SQLite's test db"
        )
    queue = f"randomdata-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "broker-test-" + uuid.uuid4().hex,
        "DEBUG": "false",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "RANDOM_DATA_API_URL": fake_upstream.url,
        "RANDOM_DATA_FINGERPRINT_KEY": "broker-test-key",
        "RANDOM_DATA_BACKOFF_BASE": "0.01",
    }
    log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False  # this test goes through the broker
    try:
        yield queue, proc, log
    finally:
        celery_app.conf.task_always_eager = previous
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        os.unlink(log.name)


def test_worker_runs_the_scheduled_task_through_the_broker(worker, fake_upstream):
    queue, proc, log = worker
    schedule_migration.create_schedule(global_apps, None)  # idempotent; rows may be flushed
    scheduled = PeriodicTask.objects.get(name="randomdata: ingest users")
    kwargs = json.loads(scheduled.kwargs)
    celery_app.loader.import_default_modules()  # autodiscovery, as beat does at start
    celery_app.tasks[scheduled.task].apply_async(kwargs=kwargs, queue=queue)

    written = _wait_for(
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
