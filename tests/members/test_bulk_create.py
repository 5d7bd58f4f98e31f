"""users_bulk_create, the one bulk writer of members (populate, insert_user, demo seeds)."""

import io

import pytest
from django.core.management import call_command

from core.exceptions import Conflict
from members.models import RetiredMemberId, SyncEvent, User
from members.services import users_bulk_create
from tests.members.factories import UserFactory
from tests.members.sync_helpers import SECRET

NOWHERE = "http://127.0.0.1:9/api/v1/sync/users/"  # tests never commit, so nothing is sent


@pytest.fixture
def one_peer(settings):
    settings.SYNC_PEERS = [{"name": "site-b", "url": NOWHERE, "secret": SECRET, "field_map": {}}]


@pytest.fixture
def used_ids_first(db, monkeypatch):
    """The generator offers a retired id and a taken one before any fresh id."""
    RetiredMemberId.objects.create(id="W00000RET")
    UserFactory(id="W00000USE")
    fresh = (f"W{n:08d}" for n in range(1, 100))
    offered = iter(["W00000RET", "W00000USE"])
    monkeypatch.setattr(
        "members.services.member_id_generate", lambda: next(offered, None) or next(fresh)
    )


def new_ids() -> set[str]:
    return set(User.objects.exclude(pk="W00000USE").values_list("pk", flat=True))


@pytest.mark.parametrize(
    "command",
    [["populate", "3", "--periods", "1"], ["populate_UserRecord", "3"], ["insert_user", "3"]],
)
def test_seeding_commands_get_ids_from_the_allocator_and_write_the_outbox(
    used_ids_first, one_peer, command
):
    call_command(*command, stdout=io.StringIO(), stderr=io.StringIO())

    assert new_ids() == {"W00000001", "W00000002", "W00000003"}
    assert not RetiredMemberId.objects.exclude(pk="W00000RET").exists()
    events = SyncEvent.objects.all()
    assert {(e.type, e.user_id) for e in events} == {("user.created", i) for i in new_ids()}
    assert {e.deliveries.get().peer for e in events} == {"site-b"}


def test_rows_become_plain_members_that_cannot_log_in(used_ids_first):
    ids = users_bulk_create(
        rows=[
            {"real_name": "Ada Lovelace", "tz": "Europe/London"},
            {"username": "grace", "email": "grace@EXAMPLE.com", "real_name": "Grace Hopper"},
        ]
    )

    assert ids == ["W00000001", "W00000002"]
    ada, grace = User.objects.filter(pk__in=ids).order_by("pk")
    assert (ada.username, ada.tz) == ("ada.lovelace.00000001", "Europe/London")
    assert (grace.username, grace.email, grace.tz) == ("grace", "grace@example.com", "Asia/Kolkata")
    for member in (ada, grace):
        assert (member.is_active, member.is_staff, member.is_superuser) == (True, False, False)
        assert not member.has_usable_password()
        assert member.date_joined is not None


def test_without_peers_no_outbox_rows(db, settings):
    settings.SYNC_PEERS = []

    users_bulk_create(rows=[{"real_name": "Ada Lovelace"}])

    assert User.objects.count() == 1
    assert not SyncEvent.objects.exists()


@pytest.mark.parametrize("explicit", ["W00000RET", "W00000USE", "W0SAMPLE1"])
def test_an_explicit_id_used_before_is_a_conflict_and_nothing_is_written(used_ids_first, explicit):
    rows = [{"id": "W0SAMPLE1", "username": "egon"}, {"id": explicit, "username": "ray"}]

    with pytest.raises(Conflict) as exc:
        users_bulk_create(rows=rows)

    assert (exc.value.code, exc.value.attr) == ("id_used", "id")
    assert explicit in exc.value.detail
    assert new_ids() == set()


def test_an_unknown_field_is_refused(db):
    from core.exceptions import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        users_bulk_create(rows=[{"real_name": "Ada", "is_staff": True}])

    assert exc.value.items() == {
        "is_staff": ("This field cannot be changed here.", "not_updatable")
    }
    assert not User.objects.exists()


@pytest.mark.parametrize("seed", ["members.demo", "activity.demo"])
def test_the_demo_seeds_write_members_that_cannot_log_in_and_their_outbox(db, one_peer, seed):
    from importlib import import_module

    module = import_module(seed)
    module.seed()

    members = User.objects.all()
    assert members.exists()
    # The members demo's one login member signs in at /accounts/login/ by design.
    login_member = module.login_member() if hasattr(module, "login_member") else None
    seeded = [m for m in members if login_member is None or m.pk != login_member.pk]
    assert seeded
    assert not any(member.has_usable_password() for member in seeded)
    assert set(SyncEvent.objects.values_list("user_id", flat=True)) == {m.pk for m in members}
