"""The member form (one name, a searchable time zone defaulting to TIME_ZONE, human messages)
and the sync peers page's note on where peers come from."""

import pytest

from members.admin import TIME_ZONE_CHOICES, TIME_ZONE_LIST_ID
from members.models import SyncPeerState, User
from tests.members.factories import UserFactory, admin_add_form
from tests.members.sync_helpers import SECRET

ADMIN_USERS = "/admin/members/user/"


def test_the_member_form_shows_real_name_and_hides_first_and_last_name(superuser_client):
    member = UserFactory(real_name="Zoë Ñandú")

    text = superuser_client.get(f"{ADMIN_USERS}{member.pk}/change/").content.decode()

    assert 'name="real_name"' in text
    assert 'value="Zoë Ñandú"' in text
    assert 'name="first_name"' not in text
    assert 'name="last_name"' not in text


def test_new_members_default_to_the_servers_time_zone_searchable_among_all_zones(
    superuser_client, settings
):
    settings.TIME_ZONE = "America/Chicago"

    text = superuser_client.get(f"{ADMIN_USERS}add/").content.decode()

    assert f'list="{TIME_ZONE_LIST_ID}"' in text
    assert 'name="tz" value="America/Chicago"' in text
    assert f'<datalist id="{TIME_ZONE_LIST_ID}">' in text
    assert text.count("<option value=") >= len(TIME_ZONE_CHOICES)
    assert '<option value="Asia/Kolkata">' in text
    assert sorted(TIME_ZONE_CHOICES) == TIME_ZONE_CHOICES


def test_a_member_added_with_a_zone_from_the_list_keeps_it(superuser_client):
    response = superuser_client.post(f"{ADMIN_USERS}add/", admin_add_form(tz="Asia/Kolkata"))

    assert response.status_code == 302
    assert User.objects.get(username="walter").tz == "Asia/Kolkata"


def test_a_zone_not_in_the_list_is_refused_on_the_form(superuser_client):
    response = superuser_client.post(f"{ADMIN_USERS}add/", admin_add_form(tz="Mars/Olympus"))

    assert response.status_code == 200
    assert "Mars/Olympus is not a known IANA time zone" in response.content.decode()
    assert not User.objects.filter(username="walter").exists()


def test_a_username_taken_in_another_case_shows_the_human_message(superuser_client):
    UserFactory(username="walter")

    response = superuser_client.post(f"{ADMIN_USERS}add/", admin_add_form(username="WALTER"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "A user with that username already exists." in text
    assert "members_user_username_ci_unique" not in text


@pytest.mark.parametrize("peers", [[], ["site-b"]])
def test_the_sync_peers_page_says_peers_come_from_the_setting(superuser_client, settings, peers):
    settings.SYNC_PEERS = [
        {"name": name, "url": "http://127.0.0.1:9/api/v1/sync/users/", "secret": SECRET}
        for name in peers
    ]
    SyncPeerState.objects.create(name="site-c", disabled_reason="410 Gone")

    response = superuser_client.get("/admin/members/syncpeerstate/")

    text = response.content.decode()
    assert response.status_code == 200
    assert "Peers come from the <code>SYNC_PEERS</code> setting" in text
    assert "site-c" in text
    assert SECRET not in text
    assert ("<strong>site-b</strong>" in text) is bool(peers)
