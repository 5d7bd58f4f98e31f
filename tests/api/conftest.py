"""Fixtures for the cross-API bad-input tests: one small world of every app's rows, the
clients that act on it, and a snapshot of every project table to prove nothing changed."""

import base64
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from carbon.models import UsageType
from inventory.services import PurchaseLine, purchase_create
from randomdata.models import Address, CreditCard, IngestionRun, RandomUser
from tests.activity.factories import ActivityPeriodFactory
from tests.carbon.factories import UsageFactory, UsageTypeFactory
from tests.inventory.factories import CustomerFactory, ItemFactory
from tests.members.factories import USER_MANAGER_PERMISSIONS, UserFactory

# Every table the project's own apps write, plus knox's tokens (the auth state).
SNAPSHOT_APPS = ("members", "activity", "carbon", "inventory", "randomdata", "knox")

PEER_SECRET = "whsec_" + base64.b64encode(b"bad-input-tests-shared-secret-32").decode()


def _snapshot_models() -> list:
    return [model for label in SNAPSHOT_APPS for model in apps.get_app_config(label).get_models()]


def db_snapshot() -> dict[str, list[tuple]]:
    """Every row (all columns) of every project table, in primary-key order.

    One query counts every table; only tables that have rows are then read in full (an empty
    table's snapshot is its count), which keeps this cheap enough to run after every request.
    """
    models = _snapshot_models()
    quote = connection.ops.quote_name
    counts_sql = "SELECT " + ", ".join(
        f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)})" for model in models
    )
    snapshot = {}
    with connection.cursor() as cursor:
        cursor.execute(counts_sql)
        counts = cursor.fetchone()
        for model, count in zip(models, counts, strict=True):
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            snapshot[model._meta.label] = []
            if count:
                cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")
                snapshot[model._meta.label] = cursor.fetchall()
    return snapshot


def _random_rows() -> SimpleNamespace:
    now = timezone.now()
    person = RandomUser.objects.create(
        uid=uuid.uuid4(),
        first_name="Ada",
        last_name="Lovelace",
        username="ada.lovelace",
        email="ada@example.com",
        gender="Female",
        subscription_plan="Gold",
        fetched_at=now,
        updated_at=now,
    )
    address = Address.objects.create(
        uid=uuid.uuid4(),
        city="London",
        country="United Kingdom",
        country_code="GB",
        full_address="12 St James's Square, London",
        user=person,
        link_method="embedded",
        fetched_at=now,
        updated_at=now,
    )
    card = CreditCard.objects.create(
        uid=uuid.uuid4(),
        brand="visa",
        last4="4242",
        fingerprint="f" * 64,
        fetched_at=now,
        updated_at=now,
    )
    run = IngestionRun.objects.create(
        kind="users", status="succeeded", started_at=now, finished_at=now, requested=1, created=1
    )
    return SimpleNamespace(user=person, address=address, card=card, run=run)


def _world_build() -> SimpleNamespace:
    user = UserFactory()
    other = UserFactory()
    staff = UserFactory(is_staff=True, permissions=(*USER_MANAGER_PERMISSIONS, "members.add_user"))
    # The inventory API asks staff for the inventory model permissions, as the admin does.
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="inventory"))
    ActivityPeriodFactory(user=user)
    ActivityPeriodFactory(user=other)
    usage = UsageFactory(user=user)
    spare_type = UsageTypeFactory()
    item = ItemFactory(quantity=50)
    spare_item = ItemFactory(quantity=5)
    customer = CustomerFactory()
    invoice = purchase_create(
        customer_id=customer.pk, lines=[PurchaseLine(item=item.pk, quantity=1)]
    )
    random = _random_rows()
    return SimpleNamespace(
        user=user,
        other=other,
        staff=staff,
        usage=usage,
        usage_type=UsageType.objects.get(pk=100),
        spare_type=spare_type,
        item=item,
        spare_item=spare_item,
        customer=customer,
        invoice=invoice,
        random=random,
        clients={"anon": APIClient(), "member": token_client(user), "staff": token_client(staff)},
        ids={
            "user": user.pk,
            "other": other.pk,
            "usage": usage.pk,
            "usage_type": spare_type.pk,
            "item": item.pk,
            "spare_item": spare_item.pk,
            "customer": customer.pk,
            "invoice": invoice.pk,
            "random_user": random.user.pk,
            "random_address": random.address.pk,
            "random_card": random.card.pk,
            "random_run": random.run.pk,
        },
    )


def token_client(user) -> APIClient:
    client = APIClient()
    _instance, key = AuthToken.objects.create(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture(scope="module")
def _world_rows(django_db_setup, django_db_blocker):
    """Built once per module inside a transaction that is rolled back at the end; every test
    runs in its own savepoint inside it (pytest-django's `db`), so tests stay independent and
    every test starts from exactly `world.snapshot` (taken once, right after building)."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = _world_build()
        world.snapshot = db_snapshot()
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(_world_rows, db, settings):
    """A member (`user`, with a usage and activity), another member, staff, a spare usage
    type, an item, a customer with an open invoice, random-data rows and a sync peer."""
    settings.SYNC_PEERS = [
        {
            "name": "peer",
            "url": "http://127.0.0.1:9/api/v1/sync/users/",
            "secret": PEER_SECRET,
            "field_map": {},
        }
    ]
    return _world_rows


def sync_payload(**data) -> dict:
    """A valid user.created webhook body (before signing)."""
    return {
        "type": "user.created",
        "timestamp": datetime.now(UTC).isoformat(),
        "data": {
            "id": "W0BADIN01",
            "username": "peer.member",
            "email": "peer.member@example.com",
            "real_name": "Peer Member",
            "tz": "Europe/Paris",
            **data,
        },
    }


def an_hour_ago() -> datetime:
    return timezone.now() - timedelta(hours=1)
