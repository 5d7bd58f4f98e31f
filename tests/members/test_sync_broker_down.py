"""With the broker down, requests still succeed and the sync work is delivered once it returns."""

import base64
import time

import pytest

from members.models import SyncDelivery
from members.tasks import sync_sweep
from tests.peerserver import StubServer

SECRET = "whsec_" + base64.b64encode(b"broker-down-test-secret-32-bytes").decode()


@pytest.fixture
def peer(settings):
    server = StubServer().start()
    settings.SYNC_PEERS = [
        {"name": "site-b", "url": f"{server.url}/hook/", "secret": SECRET, "field_map": {}}
    ]
    yield server
    server.stop()


@pytest.fixture
def broker_down(settings):
    """A real Celery app configured with a broker address where nothing listens."""
    from config.celery import app

    old = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = "amqp://guest:guest@127.0.0.1:9//"
    _reset_pool(app)
    yield app
    app.conf.task_always_eager, app.conf.broker_url = old
    _reset_pool(app)


def _reset_pool(app):
    """Forget pooled broker connections so the next publish connects to the current URL.

    (Not force_close_all(): kombu keeps closed pools in a global registry and hands them out
    again, which breaks every later publish in the test session.)"""
    app._pool = None
    app.amqp._producer_pool = None


def test_registration_succeeds_with_the_broker_down_and_syncs_when_it_returns(
    db, api_client, peer, broker_down, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/auth/register/",
            {
                "username": "janine",
                "password": "who-you-gonna-call-42",
                "email": "janine@example.com",
                "real_name": "Janine Melnitz",
                "tz": "America/New_York",
            },
        )
    assert response.status_code == 201
    assert time.monotonic() - started < 15  # failed fast instead of hanging on the broker
    delivery = SyncDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert peer.received == []

    broker_down.conf.task_always_eager = True  # the broker (and a worker) are back
    assert sync_sweep() == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert [r.json()["data"]["username"] for r in peer.received] == ["janine"]
