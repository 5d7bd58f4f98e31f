"""A real Celery worker on a real broker runs the scheduled sweep and closes an expired login.

Runs when CELERY_BROKER_URL is set and the database is PostgreSQL (the worker is another
process, so it needs a database it can share with this one).
"""

import datetime as dt

import pytest
from django.apps import apps as global_apps
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from knox.models import AuthToken

from activity.models import ActivityPeriod
from config.celery import app as celery_app
from tests.activity.login_periods.test_schedule import NAME, schedule_migration
from tests.celery_worker import celery_worker, needs_broker, wait_for
from tests.members.factories import TEST_PASSWORD, UserFactory

pytestmark = needs_broker


@pytest.fixture
def worker(transactional_db):
    with celery_worker(name="activity") as started:
        yield started


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

    closed = wait_for(
        lambda: ActivityPeriod.objects.filter(end_time__isnull=False).exists(), timeout=90
    )

    log.seek(0)
    assert closed, f"worker closed nothing; its log:\n{log.read()[-4000:]}"
    assert proc.poll() is None
    assert list(ActivityPeriod.objects.values_list("end_time", flat=True)) == [expiry]
