"""users.list shows personal data (email) only to staff, and a member their own entry."""

from slack_sdk import WebClient

from tests.members.factories import UserFactory

USERS_LIST = "/api/users.list"


def _emails(body: dict) -> dict[str, str | None]:
    return {m["id"]: m["profile"].get("email") for m in body["members"]}


def test_a_member_sees_no_other_members_email(make_token_client, db):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")

    body = make_token_client(alice).get(USERS_LIST).json()

    assert body["ok"] is True
    assert _emails(body) == {alice.pk: "alice@example.com", bob.pk: None}
    bob_entry = next(m for m in body["members"] if m["id"] == bob.pk)
    assert bob_entry["profile"] == {"real_name": bob.real_name, "display_name": "bob"}


def test_a_member_posting_a_form_sees_no_other_members_email(make_token_client, db):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")

    body = (
        make_token_client(alice)
        .post(USERS_LIST, "limit=10", content_type="application/x-www-form-urlencoded")
        .json()
    )

    assert _emails(body) == {alice.pk: "alice@example.com", bob.pk: None}


def test_staff_see_every_members_email(staff_client, db):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")

    body = staff_client.get(USERS_LIST).json()

    assert _emails(body) == {alice.pk: "alice@example.com", bob.pk: "bob@example.com"}


def test_slack_sdk_reads_members_without_emails(live_server, transactional_db):
    from knox.models import AuthToken

    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    _instance, token = AuthToken.objects.create(alice)
    client = WebClient(token=token, base_url=f"{live_server.url}/api/")

    members = client.users_list(limit=10)["members"]

    assert {m["id"]: m["profile"].get("email") for m in members} == {
        alice.pk: "alice@example.com",
        bob.pk: None,
    }
