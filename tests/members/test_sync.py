import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from members import services
from members.models import SyncAttempt, SyncDelivery, SyncEvent, SyncInbound, SyncPeerState, User
from members.sync.signing import sign
from tests.members.factories import UserFactory
from tests.members.sync_helpers import OTHER_SECRET, SECRET, WEBHOOK, created, signed_post
from tests.peerserver import StubServer


@pytest.fixture
def peer():
    server = StubServer().start()
    yield server
    server.stop()


@pytest.fixture
def peers_configured(settings, peer):
    settings.SYNC_PEERS = [
        {
            "name": "site-b",
            "url": f"{peer.url}/api/v1/sync/users/",
            "secret": SECRET,
            "field_map": {},
        }
    ]
    settings.SYNC_RETRY_SCHEDULE = [5, 300]
    return settings.SYNC_PEERS


def register(api_client, username="egon"):
    return api_client.post(
        "/api/v1/auth/register/",
        {
            "username": username,
            "password": "ghostbusters-1984!",
            "email": f"{username}@example.com",
            "real_name": "Egon Spengler",
            "tz": "America/Los_Angeles",
        },
    )


def test_registration_reaches_the_peer_signed_and_without_secrets(
    db, api_client, peer, peers_configured, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(api_client)
    assert response.status_code == 201
    (request,) = peer.received
    payload = Webhook(SECRET).verify(request.body, request.headers)
    assert payload["type"] == "user.created"
    assert payload["data"] == {
        "id": response.json()["user"]["id"],
        "username": "egon",
        "email": "egon@example.com",
        "real_name": "Egon Spengler",
        "tz": "America/Los_Angeles",
    }
    assert "password" not in request.body.decode() and "token" not in request.body.decode()
    assert request.headers["webhook-signature"].startswith("v1,")
    delivery = SyncDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert SyncAttempt.objects.get().status_code == 200


def test_a_rolled_back_registration_sends_nothing(
    db, peer, peers_configured, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.user_create(username="ghost", password=None)
        raise RuntimeError("something later in the request failed")
    assert not User.objects.filter(username="ghost").exists()
    assert not SyncEvent.objects.exists()
    assert peer.received == []


def test_the_outbox_row_is_written_with_the_user(db, peers_configured):
    user = services.user_create(username="ray", password=None)
    event = SyncEvent.objects.get(user_id=user.pk)
    assert event.type == "user.created"
    assert list(event.deliveries.values_list("peer", "status")) == [("site-b", "pending")]


def test_profile_changes_are_synced_and_no_change_sends_nothing(
    db, peer, peers_configured, django_capture_on_commit_callbacks
):
    user = services.user_create(username="ray", password=None, tz="UTC")
    with django_capture_on_commit_callbacks(execute=True):
        services.user_update(user=user, data={"tz": "UTC"})
        services.user_update(user=user, data={"tz": "Europe/Berlin"})
    assert [r.json()["type"] for r in peer.received] == ["user.updated"]
    assert peer.received[0].json()["data"]["tz"] == "Europe/Berlin"


def test_deleting_a_member_sends_user_deleted(
    db, peer, peers_configured, django_capture_on_commit_callbacks
):
    user = services.user_create(username="ray", password=None)
    user_id = user.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.user_delete(user=user)
    assert peer.received[-1].json()["type"] == "user.deleted"
    assert peer.received[-1].json()["data"]["id"] == user_id


def test_field_map_speaks_the_peers_schema(
    db, settings, peer, peers_configured, django_capture_on_commit_callbacks
):
    settings.SYNC_PEERS = [
        {**peers_configured[0], "field_map": {"real_name": "full_name", "username": "login"}}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.user_create(username="ray", password=None, real_name="Ray Stantz")
    data = peer.received[0].json()["data"]
    assert data["full_name"] == "Ray Stantz" and data["login"] == "ray"
    assert "real_name" not in data and "username" not in data


def test_a_down_peer_is_retried_later_and_catches_up(
    db, peer, peers_configured, django_capture_on_commit_callbacks
):
    peer.answer(503, b"maintenance")
    with django_capture_on_commit_callbacks(execute=True):
        user = services.user_create(username="ray", password=None)
    delivery = SyncDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 503)
    assert timedelta(seconds=4) < delivery.next_attempt_at - timezone.now() < timedelta(seconds=6)
    call_command("sync_retry_failed")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert [r.json()["data"]["id"] for r in peer.received] == [user.pk, user.pk]
    assert peer.received[0].headers["webhook-id"] == peer.received[1].headers["webhook-id"]
    assert list(SyncAttempt.objects.order_by("at").values_list("status_code", flat=True)) == [
        503,
        200,
    ]


def test_a_peer_that_never_answers_is_given_up_after_the_schedule(
    db, peer, peers_configured, django_capture_on_commit_callbacks
):
    peer.default = (500, b"boom", {})
    with django_capture_on_commit_callbacks(execute=True):
        services.user_create(username="ray", password=None)
    from members.sync.delivery import deliveries_reset, delivery_attempt

    for _ in range(2):
        deliveries_reset()
        delivery_attempt(delivery_id=SyncDelivery.objects.get().pk)
    delivery = SyncDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 3)


def test_a_410_disables_the_peer(db, peer, peers_configured, django_capture_on_commit_callbacks):
    peer.answer(410, b"gone")
    with django_capture_on_commit_callbacks(execute=True):
        services.user_create(username="ray", password=None)
        services.user_create(username="egon", password=None)
    assert SyncPeerState.objects.get(name="site-b").disabled_at is not None
    assert set(SyncDelivery.objects.values_list("status", flat=True)) == {"disabled"}
    assert len(peer.received) == 1


def test_only_configured_peers_are_called(db, settings, peer, django_capture_on_commit_callbacks):
    settings.SYNC_PEERS = []
    with django_capture_on_commit_callbacks(execute=True):
        services.user_create(username="ray", password=None)
    assert peer.received == [] and not SyncEvent.objects.exists()


def test_admin_retry_now_resends(
    db, client, peer, peers_configured, django_capture_on_commit_callbacks
):
    peer.answer(503)
    with django_capture_on_commit_callbacks(execute=True):
        services.user_create(username="ray", password=None)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    delivery = SyncDelivery.objects.get()
    response = client.post(
        "/admin/members/syncdelivery/",
        {"action": "retry_now", "_selected_action": [delivery.pk]},
    )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


def test_a_user_added_in_the_admin_is_synced(
    db, client, peer, peers_configured, django_capture_on_commit_callbacks
):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/members/user/add/",
            {
                "username": "walter",
                "real_name": "Walter Peck",
                "email": "walter@example.com",
                "tz": "America/New_York",
                "password1": "epa-inspector-1984",
                "password2": "epa-inspector-1984",
                "usable_password": "true",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [r.json()["data"]["username"] for r in peer.received] == ["walter"]


# --- Inbound -------------------------------------------------------------------------------


def test_a_signed_webhook_creates_the_user_without_a_usable_password(
    db, api_client, peers_configured
):
    response = signed_post(api_client, created())
    assert response.status_code == 200
    assert response.json() == {"status": "applied"}
    user = User.objects.get(pk="W0SYNC001")
    assert (user.username, user.real_name, user.tz) == (
        "peter",
        "Peter Venkman",
        "America/New_York",
    )
    assert not user.has_usable_password()


def test_a_change_from_a_peer_is_not_sent_back_to_it(
    db, settings, api_client, peer, peers_configured, django_capture_on_commit_callbacks
):
    third = StubServer().start()
    settings.SYNC_PEERS = [
        *peers_configured,
        {"name": "site-c", "url": f"{third.url}/hook/", "secret": OTHER_SECRET, "field_map": {}},
    ]
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert signed_post(api_client, created()).status_code == 200
        assert peer.received == []
        assert [r.json()["data"]["id"] for r in third.received] == ["W0SYNC001"]
    finally:
        third.stop()


def test_a_repeated_webhook_id_answers_200_and_changes_nothing(db, api_client, peers_configured):
    assert signed_post(api_client, created()).status_code == 200
    response = signed_post(api_client, created(real_name="Changed Name"))
    assert response.status_code == 200
    assert response.json() == {"status": "duplicate"}
    assert User.objects.get(pk="W0SYNC001").real_name == "Peter Venkman"
    assert SyncInbound.objects.count() == 1


def test_an_update_and_a_delete_from_a_peer(db, api_client, peers_configured):
    signed_post(api_client, created(), msg_id="m1")
    update = {**created(real_name="Dr. Venkman"), "type": "user.updated"}
    assert signed_post(api_client, update, msg_id="m2").json() == {"status": "applied"}
    assert User.objects.get(pk="W0SYNC001").real_name == "Dr. Venkman"
    delete = {**created(), "type": "user.deleted"}
    assert signed_post(api_client, delete, msg_id="m3").status_code == 200
    assert User.objects.get(pk="W0SYNC001").is_active is False


def test_an_older_change_arriving_late_is_ignored(db, api_client, peers_configured):
    signed_post(api_client, created(), msg_id="m1")
    newer = {**created(real_name="Newest"), "type": "user.updated"}
    signed_post(api_client, newer, msg_id="m2")
    older = {
        **created(real_name="Older"),
        "type": "user.updated",
        "timestamp": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
    }
    assert signed_post(api_client, older, msg_id="m3").json() == {"status": "stale"}
    assert User.objects.get(pk="W0SYNC001").real_name == "Newest"


def test_the_peers_field_map_is_undone_on_the_way_in(db, settings, api_client, peers_configured):
    settings.SYNC_PEERS = [{**peers_configured[0], "field_map": {"real_name": "full_name"}}]
    payload = created()
    payload["data"]["full_name"] = payload["data"].pop("real_name")
    assert signed_post(api_client, payload).status_code == 200
    assert User.objects.get(pk="W0SYNC001").real_name == "Peter Venkman"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"secret": OTHER_SECRET},
        {"tamper": lambda body: body.replace("Peter Venkman", "Evil Twin")},
        {"skew": -timedelta(minutes=5, seconds=5)},
        {"skew": timedelta(minutes=5, seconds=5)},
    ],
    ids=["unknown-secret", "tampered-body", "replayed-old", "from-the-future"],
)
def test_unverifiable_webhooks_are_401_and_change_nothing(db, api_client, peers_configured, kwargs):
    response = signed_post(api_client, created(), **kwargs)
    assert response.status_code == 401
    assert not User.objects.exists() and not SyncInbound.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"webhook-id": "x", "webhook-timestamp": "soon", "webhook-signature": "v1,abc"},
        {"webhook-id": "x", "webhook-timestamp": "1", "webhook-signature": "garbage"},
    ],
)
def test_missing_or_malformed_signature_headers_are_401(db, api_client, peers_configured, headers):
    response = api_client.post(WEBHOOK, created(), format="json", headers=headers)
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tz": "Mars/Base"}, "data.tz"),
        ({"id": "bad id"}, "data.id"),
        ({"email": "nope"}, "data.email"),
    ],
)
def test_invalid_payloads_are_400_naming_the_field(db, api_client, peers_configured, change, field):
    response = signed_post(api_client, created(**change))
    assert response.status_code == 400
    assert field in {e["attr"] for e in response.json()["errors"]}
    assert not User.objects.exists() and not SyncInbound.objects.exists()


def test_a_username_taken_by_another_member_is_a_409(db, api_client, peers_configured):
    UserFactory(username="peter")
    response = signed_post(api_client, created())
    assert response.status_code == 409
    assert not SyncInbound.objects.exists()  # not marked as seen: a later retry may succeed


def test_invalid_json_with_a_valid_signature_is_400(db, api_client, peers_configured):
    body = "{not json"
    headers = sign(secret=SECRET, msg_id="m", timestamp=timezone.now(), body=body)
    response = api_client.generic(
        "POST", WEBHOOK, body, content_type="application/json", headers=headers
    )
    assert response.status_code == 400
    assert json.loads(response.content)["errors"][0]["code"] == "parse_error"


@pytest.mark.parametrize("command", [["populate", "3", "--periods", "1"], ["insert_user", "2"]])
def test_seeding_commands_sync_the_members_they_create(
    db, peer, peers_configured, django_capture_on_commit_callbacks, command
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command(*command, stdout=io.StringIO())
    created = set(User.objects.values_list("pk", flat=True))
    assert {r.json()["data"]["id"] for r in peer.received} == created
    assert {r.json()["type"] for r in peer.received} == {"user.created"}
