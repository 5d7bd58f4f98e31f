"""The admin is a door onto the members services: ids from the allocator, the sync outbox,
who may change what."""

import pytest

from members import services
from members.errors import PrivilegesProtected
from members.models import RetiredMemberId, SyncEvent, User
from tests.members.factories import (
    TEST_PASSWORD,
    USER_MANAGER_PERMISSIONS,
    UserFactory,
    admin_add_form,
)
from tests.members.sync_helpers import SECRET

ADMIN_USERS = "/admin/members/user/"
NOWHERE = "http://127.0.0.1:9/api/v1/sync/users/"  # tests never commit, so nothing is sent


@pytest.fixture
def one_peer(settings):
    settings.SYNC_PEERS = [{"name": "site-b", "url": NOWHERE, "secret": SECRET, "field_map": {}}]


def change_form(user, **changes) -> dict:
    data = {
        "username": user.username,
        "real_name": user.real_name,
        "email": user.email,
        "tz": user.tz,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on" if user.is_active else "",
        "activity_periods-TOTAL_FORMS": "0",
        "activity_periods-INITIAL_FORMS": "0",
    }
    return {key: value for key, value in {**data, **changes}.items() if value != ""}


def test_a_member_added_in_the_admin_gets_an_allocated_id_never_a_retired_one(
    superuser_client, one_peer, monkeypatch
):
    RetiredMemberId.objects.create(id="W00000RET")
    taken = UserFactory(id="W00000USE")
    sequence = iter(["W00000RET", "W00000USE", "W0000FRSH"])
    monkeypatch.setattr("members.services.member_id_generate", lambda: next(sequence))

    response = superuser_client.post(f"{ADMIN_USERS}add/", admin_add_form())

    assert response.status_code == 302, response.content.decode()[:2000]
    walter = User.objects.get(username="walter")
    assert walter.pk == "W0000FRSH"
    assert response["Location"] == f"{ADMIN_USERS}W0000FRSH/change/"
    assert walter.check_password("epa-inspector-1984")
    assert (walter.real_name, walter.tz) == ("Walter Peck", "America/New_York")
    assert User.objects.filter(pk=taken.pk, username=taken.username).exists()
    event = SyncEvent.objects.get()
    assert (event.type, event.user_id, event.data["username"]) == (
        "user.created",
        "W0000FRSH",
        "walter",
    )


def test_the_add_form_never_saves_by_itself(db):
    from members.forms import UserCreationForm

    form = UserCreationForm(data=admin_add_form())
    assert form.is_valid(), form.errors

    with pytest.raises(TypeError):
        form.save()
    assert not User.objects.exists()


def test_a_synced_change_in_the_admin_writes_the_outbox_and_others_do_not(
    superuser_client, one_peer
):
    member = UserFactory(real_name="Walter Peck")
    url = f"{ADMIN_USERS}{member.pk}/change/"

    # first_name is not on the form (real_name is the one name): posting it changes nothing,
    # and a save that changes nothing writes no outbox.
    assert superuser_client.post(url, change_form(member, first_name="Walter")).status_code == 302
    assert not SyncEvent.objects.exists()
    member.refresh_from_db()
    assert superuser_client.post(url, change_form(member, real_name="W. Peck")).status_code == 302

    member.refresh_from_db()
    assert (member.first_name, member.real_name) == ("", "W. Peck")
    event = SyncEvent.objects.get()
    assert (event.type, event.data["real_name"]) == ("user.updated", "W. Peck")


def test_turning_a_member_off_in_the_admin_clears_the_peer_that_had(superuser_client):
    member = UserFactory(is_active=False, deactivated_by_peer="site-b")

    response = superuser_client.post(
        f"{ADMIN_USERS}{member.pk}/change/", change_form(member, is_active="on")
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.is_active, member.deactivated_by_peer) == (True, "")


def test_only_a_superuser_grants_privileges_through_the_service(db):
    manager = UserFactory(is_staff=True, permissions=USER_MANAGER_PERMISSIONS)
    member = UserFactory()

    with pytest.raises(PrivilegesProtected):
        services.user_update(user=member, data={"is_staff": True}, actor=manager)

    assert User.objects.get(pk=member.pk).is_staff is False
    root = UserFactory(is_staff=True, is_superuser=True)
    services.user_update(user=member, data={"is_staff": True}, actor=root)
    assert User.objects.get(pk=member.pk).is_staff is True


def test_the_admin_password_form_keeps_djangos_flow(superuser_client):
    member = UserFactory()

    response = superuser_client.post(
        f"{ADMIN_USERS}{member.pk}/password/",
        {"password1": "a-new-password-1984", "password2": "a-new-password-1984"},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("a-new-password-1984")
    assert not member.check_password(TEST_PASSWORD)
