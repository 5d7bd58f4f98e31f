"""A real Celery worker on a real broker runs the scheduled sweep and closes an expired login.

Runs when CELERY_BROKER_URL is set and the database is PostgreSQL (the worker is another
process, so it needs a database it can share with this one).
"""

import datetime as dt
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
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from knox.models import AuthToken

from activity.models import ActivityPeriod
from config.celery import app as celery_app
from tests.activity.login_periods.test_schedule import NAME, schedule_migration
from tests.members.factories import TEST_PASSWORD, UserFactory

BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
ROOT = Path(__file__).resolve().parents[2]

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
def worker(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the broker test needs PostgreSQL: a worker process cannot share SQLite's test db"
        )
    queue = f"activity-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "broker-test-" + uuid.uuid4().hex,
        "DEBUG": "false",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
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


def test_worker_closes_an_expired_login_at_its_expiry(worker, api_client):
    queue, proc, log = worker
    UserFactory(username="egon")
    login = api_client.post(
        "/api/v1/auth/login/", {"username": "egon", "password": TEST_PASSWORD}, format="json"
    )
    assert login.status_code == 200
    now = timezone.now()
    # As if the login had been ten minutes ago and its token had expired a minute ago (set
    # without a signal: only the sweep can see it).
    ActivityPeriod.objects.update(start_time=now - dt.timedelta(minutes=10))
    expiry = now - dt.timedelta(minutes=1)
    AuthToken.objects.update(expiry=expiry)
    schedule_migration.create_schedule(global_apps, None)  # idempotent; rows may be flushed
    scheduled = PeriodicTask.objects.get(name=NAME)
    celery_app.loader.import_default_modules()  # autodiscovery, as beat does at start
    celery_app.tasks[scheduled.task].apply_async(queue=queue)

    closed = _wait_for(
        lambda: ActivityPeriod.objects.filter(end_time__isnull=False).exists(), timeout=90
    )

    log.seek(0)
    assert closed, f"worker closed nothing; its log:\n{log.read()[-4000:]}"
    assert proc.poll() is None
    assert list(ActivityPeriod.objects.values_list("end_time", flat=True)) == [expiry]
