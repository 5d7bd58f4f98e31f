"""What a peer may change here: never staff or superusers, only the members that came from it
or that we sent it; its own deactivations only; no change dated into the future."""

import importlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from core.exceptions import InvalidInput
from members import services
from members.models import SyncDelivery, SyncEvent, SyncInbound, SyncShare, User
from members.sync.inbound import inbound_apply
from members.sync.peers import peer_get
from members.sync.signing import sign
from tests.members.factories import UserFactory
from tests.members.sync_helpers import (
    OTHER_SECRET,
    SECRET,
    WEBHOOK,
    created,
    fullwidth,
    signed_post,
)

NOWHERE = "http://127.0.0.1:9/api/v1/sync/users/"  # tests never commit, so nothing is sent
SITE_B = {"name": "site-b", "url": NOWHERE, "secret": SECRET, "field_map": {}}
SITE_C = {"name": "site-c", "url": NOWHERE, "secret": OTHER_SECRET, "field_map": {}}


@pytest.fixture
def one_peer(settings):
    settings.SYNC_PEERS = [SITE_B]


@pytest.fixture
def two_peers(settings):
    settings.SYNC_PEERS = [SITE_B, SITE_C]


def updated(user, **data):
    payload = created(user_id=user.pk, **{"username": user.username, "email": user.email, **data})
    return {**payload, "type": "user.updated"}


def deleted(user):
    return {**updated(user), "type": "user.deleted"}


def codes(response) -> list[str]:
    return [error["code"] for error in response.json()["errors"]]


def attrs(response) -> set[str]:
    return {error["attr"] for error in response.json()["errors"]}


def snapshot(user) -> tuple:
    return User.objects.filter(pk=user.pk).values_list("username", "email", "is_active").get()


# --- Staff and superuser accounts ----------------------------------------------------------


@pytest.mark.parametrize("flags", [{"is_staff": True, "is_superuser": True}, {"is_staff": True}])
def test_a_peer_cannot_change_or_deactivate_a_local_staff_account(db, api_client, one_peer, flags):
    account = UserFactory(username="root", **flags)
    SyncShare.objects.create(user=account, peer="site-b")  # even had it been sent once
    before = snapshot(account)
    update = updated(account, email="attacker@example.com")
    responses = [
        signed_post(api_client, update, msg_id="m1"),
        signed_post(api_client, deleted(account), msg_id="m2"),
    ]
    assert [r.status_code for r in responses] == [403, 403]
    assert [codes(r) for r in responses] == [["protected_account"], ["protected_account"]]
    assert snapshot(account) == before
    assert not SyncInbound.objects.exists()


def test_staff_and_superuser_accounts_are_never_sent(db, two_peers):
    staff = services.user_create(username="operator", password=None, is_staff=True)
    root, _password, _created = services.superuser_ensure(username="root")
    services.user_update(user=staff, data={"real_name": "Operator"})
    services.user_delete(user=root)
    assert not SyncEvent.objects.exists()
    assert not SyncShare.objects.exists()
    member = services.user_create(username="ray", password=None)
    assert list(SyncEvent.objects.values_list("user_id", flat=True)) == [member.pk]


# --- Members created here ------------------------------------------------------------------


def test_a_member_created_here_and_never_sent_is_not_the_peers_to_change(db, settings, api_client):
    settings.SYNC_PEERS = []
    member = services.user_create(username="ray", password=None, email="ray@example.com")
    settings.SYNC_PEERS = [SITE_B]
    before = snapshot(member)
    responses = [
        signed_post(api_client, updated(member, email="attacker@example.com"), msg_id="m1"),
        signed_post(api_client, deleted(member), msg_id="m2"),
    ]
    assert [r.status_code for r in responses] == [403, 403]
    assert [codes(r) for r in responses] == [["not_shared_with_peer"], ["not_shared_with_peer"]]
    assert snapshot(member) == before
    assert not SyncInbound.objects.exists()


def test_a_peer_changes_a_member_we_sent_it(db, api_client, two_peers):
    member = services.user_create(username="ray", password=None, email="ray@example.com")
    assert set(SyncShare.objects.values_list("peer", flat=True)) == {"site-b", "site-c"}
    response = signed_post(api_client, updated(member, real_name="Ray Stantz"))
    assert response.json() == {"status": "applied"}
    assert User.objects.get(pk=member.pk).real_name == "Ray Stantz"


def test_what_was_sent_stays_known_when_the_outbox_is_pruned(db, api_client, one_peer):
    member = services.user_create(username="ray", password=None, email="ray@example.com")
    SyncEvent.objects.all().delete()
    response = signed_post(api_client, updated(member, real_name="Ray Stantz"))
    assert response.json() == {"status": "applied"}


# --- Members that came from a peer ---------------------------------------------------------


def test_a_peer_changes_the_members_it_created(db, api_client, one_peer):
    assert signed_post(api_client, created(), msg_id="m1").json() == {"status": "applied"}
    member = User.objects.get(pk="W0SYNC001")
    assert (member.origin_peer, member.deactivated_by_peer) == ("site-b", "")
    response = signed_post(api_client, updated(member, real_name="Dr. Venkman"), msg_id="m2")
    assert response.json() == {"status": "applied"}
    assert User.objects.get(pk=member.pk).real_name == "Dr. Venkman"


def test_a_member_from_one_peer_that_we_forwarded_may_be_changed_by_the_other(
    db, api_client, two_peers
):
    signed_post(api_client, created(), msg_id="m1")
    member = User.objects.get(pk="W0SYNC001")
    assert list(SyncShare.objects.filter(user=member).values_list("peer", flat=True)) == ["site-c"]
    response = signed_post(
        api_client, updated(member, real_name="From C"), secret=OTHER_SECRET, msg_id="m2"
    )
    assert response.json() == {"status": "applied"}


def test_a_member_from_one_peer_is_not_a_later_peers_to_change(db, settings, api_client, one_peer):
    signed_post(api_client, created(), msg_id="m1")
    member = User.objects.get(pk="W0SYNC001")
    settings.SYNC_PEERS = [SITE_B, SITE_C]
    response = signed_post(api_client, deleted(member), secret=OTHER_SECRET, msg_id="m2")
    assert response.status_code == 403
    assert codes(response) == ["not_shared_with_peer"]
    assert User.objects.get(pk=member.pk).is_active is True


# --- Deactivation ---------------------------------------------------------------------------


def test_only_the_peer_that_deactivated_a_member_turns_it_on_again(db, api_client, two_peers):
    signed_post(api_client, created(), msg_id="m1")
    member = User.objects.get(pk="W0SYNC001")
    signed_post(api_client, deleted(member), secret=OTHER_SECRET, msg_id="m2")
    member.refresh_from_db()
    assert (member.is_active, member.deactivated_by_peer) == (False, "site-c")
    signed_post(api_client, updated(member, real_name="From B"), msg_id="m3")
    member.refresh_from_db()
    assert (member.is_active, member.real_name) == (False, "From B")
    signed_post(api_client, updated(member), secret=OTHER_SECRET, msg_id="m4")
    member.refresh_from_db()
    assert (member.is_active, member.deactivated_by_peer) == (True, "")


def test_a_member_turned_off_here_is_not_turned_on_by_a_peer(db, client, api_client, one_peer):
    signed_post(api_client, created(), msg_id="m1")
    member = User.objects.get(pk="W0SYNC001")
    signed_post(api_client, deleted(member), msg_id="m2")  # site-b turned it off ...
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    change = {
        "username": member.username,
        "email": member.email,
        "real_name": member.real_name,
        "tz": member.tz,
        "activity_periods-TOTAL_FORMS": "0",
        "activity_periods-INITIAL_FORMS": "0",
    }
    url = f"/admin/members/user/{member.pk}/change/"
    assert client.post(url, {**change, "is_active": "on"}).status_code == 302  # ... staff on,
    assert client.post(url, change).status_code == 302  # ... and off again, here
    member.refresh_from_db()
    assert (member.is_active, member.deactivated_by_peer) == (False, "")
    response = signed_post(api_client, updated(member, real_name="Back?"), msg_id="m3")
    assert response.json() == {"status": "applied"}
    member.refresh_from_db()
    assert (member.is_active, member.real_name) == (False, "Back?")


# --- Timestamps and webhook ids --------------------------------------------------------------


@pytest.mark.parametrize(
    ("ahead", "status"),
    [(timedelta(minutes=4), 200), (timedelta(minutes=6), 400), (timedelta(days=3650), 400)],
)
def test_a_change_dated_after_its_signature_is_refused(db, api_client, one_peer, ahead, status):
    payload = {**created(), "timestamp": (datetime.now(UTC) + ahead).isoformat()}
    response = signed_post(api_client, payload)
    assert response.status_code == status
    assert User.objects.filter(pk="W0SYNC001").exists() is (status == 200)


def test_a_future_dated_change_cannot_freeze_a_member(db, api_client, one_peer):
    signed_post(api_client, created(), msg_id="m1")
    member = User.objects.get(pk="W0SYNC001")
    frozen = {**updated(member, real_name="Frozen"), "timestamp": "2999-01-01T00:00:00+00:00"}
    response = signed_post(api_client, frozen, msg_id="m2")
    assert response.status_code == 400
    assert attrs(response) == {"timestamp"}
    assert signed_post(api_client, updated(member, real_name="Later"), msg_id="m3").json() == {
        "status": "applied"
    }
    assert User.objects.get(pk=member.pk).real_name == "Later"


@pytest.mark.parametrize(("length", "status"), [(1, 200), (100, 200), (101, 400), (124, 400)])
def test_webhook_ids_are_1_to_100_characters(db, api_client, one_peer, length, status):
    response = signed_post(api_client, created(), msg_id="m" * length)
    assert response.status_code == status
    assert SyncInbound.objects.filter(pk="m" * length).exists() is (status == 200)


def test_a_124_character_webhook_id_is_a_400_naming_it(db, api_client, one_peer):
    response = signed_post(api_client, created(), msg_id="m" * 124)
    assert response.status_code == 400
    assert attrs(response) == {"webhook-id"}
    assert not User.objects.exists()


# --- What a peer sends is validated as any other door -------------------------------------------


@pytest.mark.parametrize("username", ["Peter", "PETER", fullwidth("PETER"), fullwidth("peter")])
def test_a_username_that_differs_only_in_case_is_a_409(db, api_client, one_peer, username):
    UserFactory(username="peter")
    response = signed_post(api_client, created(username=username))
    assert response.status_code == 409
    assert codes(response) == ["conflict"]
    assert not User.objects.filter(pk="W0SYNC001").exists()


def test_a_fullwidth_username_is_stored_normalised(db, api_client, one_peer):
    assert signed_post(api_client, created(username=fullwidth("peter"))).status_code == 200
    assert User.objects.get(pk="W0SYNC001").username == "peter"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"real_name": "Peter\nVenkman"}, "data.real_name"),
        ({"real_name": "Peter\u202eVenkman"}, "data.real_name"),
        ({"username": "pe\u200bter"}, "data.username"),
        ({"username": "peter\x00"}, "data.username"),
    ],
)
def test_control_characters_are_a_400_naming_the_field(db, api_client, one_peer, change, field):
    response = signed_post(api_client, created(**change))
    assert response.status_code == 400
    assert field in attrs(response)
    assert "invalid_text" in codes(response)
    assert not User.objects.exists() and not SyncInbound.objects.exists()


@pytest.mark.parametrize("field", ["id", "username", "real_name", "email", "tz"])
def test_a_lone_surrogate_is_a_400_naming_the_field(db, api_client, one_peer, field):
    body = json.dumps(created(**{field: "pe\ud800ter"}))  # the six characters \ud800, signed
    headers = sign(secret=SECRET, msg_id="m1", timestamp=timezone.now(), body=body)
    response = api_client.post(WEBHOOK, body, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [
        (f"data.{field}", "invalid_text")
    ]
    assert not User.objects.exists() and not SyncInbound.objects.exists()


def test_a_member_deleted_here_does_not_come_back_from_a_peer(db, api_client, one_peer):
    signed_post(api_client, created(), msg_id="m1")
    services.user_delete(user=User.objects.get(pk="W0SYNC001"))
    response = signed_post(api_client, created(real_name="Again"), msg_id="m2")
    assert response.status_code == 409
    assert not User.objects.filter(pk="W0SYNC001").exists()
    late_delete = {**created(), "type": "user.deleted"}
    assert signed_post(api_client, late_delete, msg_id="m3").json() == {"status": "applied"}


# --- Existing rows (the migration's backfill) -------------------------------------------------


def test_the_migration_backfills_origins_and_shares_from_the_sync_history(db, settings):
    backfill = importlib.import_module(
        "members.migrations.0004_member_trust_and_usernames"
    ).backfill
    settings.SYNC_PEERS = [SITE_B]
    shared = services.user_create(username="shared", password=None)
    settings.SYNC_PEERS = []
    local = services.user_create(username="local", password=None)
    SyncInbound.objects.create(
        webhook_id="w1", peer="site-c", type="user.created", user_id="W0SYNC009"
    )
    from_peer = services.user_create(id="W0SYNC009", username="from.c", password=None)
    SyncInbound.objects.create(  # a later change from a peer is no origin
        webhook_id="w2", peer="site-b", type="user.updated", user_id=local.pk
    )
    User.objects.update(origin_peer="")
    SyncShare.objects.all().delete()
    assert SyncDelivery.objects.count() == 1

    backfill(apps, None)

    origins = dict(User.objects.values_list("username", "origin_peer"))
    assert origins == {"shared": "", "local": "", "from.c": "site-c"}
    assert list(SyncShare.objects.values_list("user_id", "peer")) == [(shared.pk, "site-b")]
    assert from_peer.date_joined >= timezone.now() - timedelta(minutes=1)


def test_a_model_rule_broken_by_a_peer_is_a_400_naming_the_payload_field(db, one_peer):
    payload = {**created(tz="Mars/Base"), "timestamp": timezone.now()}  # past the serializer
    with pytest.raises(InvalidInput) as exc:
        inbound_apply(peer=peer_get("site-b"), webhook_id="m1", payload=payload)
    assert list(exc.value.items()) == ["data.tz"]
    assert not User.objects.exists() and not SyncInbound.objects.exists()
