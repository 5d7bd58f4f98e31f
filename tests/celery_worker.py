"""A real Celery worker process on the real broker, for the tests that go through it.

Used by tests/randomdata/test_broker.py and tests/activity/login_periods/test_broker.py. The
worker is another process, so it needs a database it can share with the test: PostgreSQL
(SQLite's test database lives in the test process). Each test gets a queue of its own, so a
worker of another run on the same broker never takes its messages.
"""

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from config.celery import app as celery_app

BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
ROOT = Path(__file__).resolve().parents[1]
needs_broker = [
    pytest.mark.broker,
    pytest.mark.skipif(not BROKER_URL, reason="CELERY_BROKER_URL is not set: no broker to use"),
]


def database_url() -> str:
    """The test database as a DATABASE_URL for the worker process."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(predicate, *, timeout: float, interval: float = 0.2) -> bool:
    """Poll until predicate() is true or the timeout passes (a worker is another process)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


@contextlib.contextmanager
def celery_worker(*, name: str, env: dict[str, str] | None = None):
    """Start a worker on a queue of its own; yields (queue, process, log file). Tasks sent
    meanwhile go through the broker (eager mode is off inside the block)."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "the broker test needs PostgreSQL: a worker process cannot share SQLite's test db"
        )
    queue = f"{name}-test-{uuid.uuid4().hex[:12]}"
    worker_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "broker-test-" + uuid.uuid4().hex,
        "DEBUG": "false",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        **(env or {}),
    }
    log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)  # noqa: SIM115
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue]
    command += ["-n", f"{queue}@%h", "--pool=solo", "--without-gossip", "--without-mingle"]
    command += ["--without-heartbeat", "--loglevel=INFO"]
    proc = subprocess.Popen(command, cwd=ROOT, env=worker_env, stdout=log, stderr=subprocess.STDOUT)
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False  # these tests go through the broker
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
