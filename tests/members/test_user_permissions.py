"""Who may change which member: Django's model permissions, and only a superuser changes or
deletes a staff or superuser account (API, bulk delete and admin alike)."""

import pytest

from members.models import RetiredMemberId, User
from members.services import user_change_allowed
from tests.members.factories import USER_MANAGER_PERMISSIONS, UserFactory

USERS = "/api/v1/users/"
ADMIN_USERS = "/admin/members/user/"


def error_codes(response) -> list[str]:
    return [error["code"] for error in response.json()["errors"]]


def stored(user) -> tuple | None:
    return User.objects.filter(pk=user.pk).values_list("username", "email", "is_active").first()


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def manager(db):
    """Staff holding members.change_user and members.delete_user, but not a superuser."""
    return UserFactory(is_staff=True, permissions=USER_MANAGER_PERMISSIONS)


@pytest.fixture
def protected(request, superuser):
    """The account under attack: the superuser, or another staff account."""
    if request.param == "superuser":
        return superuser
    return UserFactory(is_staff=True)


# --- The probe: a staff account takes over superusers ----------------------------------


@pytest.mark.parametrize("protected", ["superuser", "staff"], indirect=True)
def test_staff_cannot_rename_a_staff_or_superuser_account(make_token_client, manager, protected):
    before = stored(protected)
    response = make_token_client(manager).patch(
        f"{USERS}{protected.pk}/", {"username": "owned", "email": "attacker@example.com"}
    )
    assert response.status_code == 403
    assert response.json() == {
        "type": "client_error",
        "errors": [
            {
                "code": "protected_account",
                "detail": "Only a superuser may change or delete a staff or superuser account.",
                "attr": None,
            }
        ],
    }
    assert stored(protected) == before


@pytest.mark.parametrize("protected", ["superuser", "staff"], indirect=True)
def test_staff_cannot_delete_a_staff_or_superuser_account(make_token_client, manager, protected):
    response = make_token_client(manager).delete(f"{USERS}{protected.pk}/")
    assert response.status_code == 403
    assert error_codes(response) == ["protected_account"]
    assert User.objects.filter(pk=protected.pk).exists()
    assert not RetiredMemberId.objects.exists()


def test_staff_cannot_bulk_delete_a_superuser_among_members(make_token_client, manager, superuser):
    member = UserFactory()
    response = make_token_client(manager).post(
        f"{USERS}bulk-delete/", {"ids": [member.pk, superuser.pk]}
    )
    assert response.status_code == 403
    assert error_codes(response) == ["protected_account"]
    assert User.objects.filter(pk__in=[member.pk, superuser.pk]).count() == 2
    assert not RetiredMemberId.objects.exists()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("patch", "{id}/", {"username": "owned", "email": "attacker@example.com"}),
        ("put", "{id}/", {"username": "owned", "email": "attacker@example.com", "tz": "UTC"}),
        ("delete", "{id}/", None),
        ("post", "bulk-delete/", {"ids": ["{id}"]}),
    ],
)
@pytest.mark.parametrize("target", ["superuser", "member"])
def test_staff_without_model_permissions_change_nobody(
    staff_client, superuser, user, method, path, body, target
):
    victim = superuser if target == "superuser" else user
    before = stored(victim)
    if body and "ids" in body:
        body = {"ids": [victim.pk]}
    response = getattr(staff_client, method)(f"{USERS}{path.format(id=victim.pk)}", body)
    assert response.status_code == 403
    assert error_codes(response) == ["permission_denied"]
    assert stored(victim) == before


def test_a_superuser_changes_and_deletes_staff_and_superusers(make_token_client, superuser):
    client = make_token_client(superuser)
    staff, other_root = UserFactory(is_staff=True), UserFactory(is_staff=True, is_superuser=True)
    response = client.patch(f"{USERS}{staff.pk}/", {"real_name": "Renamed"})
    assert response.status_code == 200
    assert User.objects.get(pk=staff.pk).real_name == "Renamed"
    assert client.delete(f"{USERS}{other_root.pk}/").status_code == 204
    assert client.post(f"{USERS}bulk-delete/", {"ids": [staff.pk]}).json() == {"deleted": 1}
    assert set(RetiredMemberId.objects.values_list("pk", flat=True)) == {staff.pk, other_root.pk}
    assert not User.objects.filter(pk__in=[staff.pk, other_root.pk]).exists()


def test_staff_change_their_own_account_without_permissions(staff_client):
    response = staff_client.patch(f"{USERS}{staff_client.user.pk}/", {"real_name": "Me"})
    assert response.status_code == 200
    assert User.objects.get(pk=staff_client.user.pk).real_name == "Me"
    assert staff_client.patch("/api/v1/auth/me/", {"real_name": "Still me"}).status_code == 200


def test_a_member_with_model_permissions_still_changes_only_themself(make_token_client, user):
    holder = UserFactory(permissions=USER_MANAGER_PERMISSIONS)  # not staff
    client = make_token_client(holder)
    assert client.patch(f"{USERS}{user.pk}/", {"real_name": "x"}).status_code == 404
    assert client.post(f"{USERS}bulk-delete/", {"ids": [user.pk]}).status_code == 403
    assert User.objects.filter(pk=user.pk).exists()


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("superuser", "superuser", True),
        ("superuser", "staff", True),
        ("superuser", "member", True),
        ("staff", "superuser", False),
        ("staff", "staff", False),
        ("staff", "member", True),
        ("member", "staff", False),
        ("member", "member", True),  # which members a member reaches is the door's business
    ],
)
def test_user_change_allowed(db, actor, target, allowed):
    flags = {
        "superuser": {"is_staff": True, "is_superuser": True},
        "staff": {"is_staff": True},
        "member": {},
    }
    assert (
        user_change_allowed(actor=UserFactory(**flags[actor]), target=UserFactory(**flags[target]))
        is allowed
    )


def test_anyone_may_change_their_own_account(db):
    staff = UserFactory(is_staff=True)
    assert user_change_allowed(actor=staff, target=staff) is True


# --- The admin is a door like any other --------------------------------------------------


def admin_change_data(user, **changes) -> dict:
    data = {
        "username": user.username,
        "real_name": user.real_name,
        "email": user.email,
        "tz": user.tz,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        # The activity app's inline of periods (shown to those who may see periods).
        "activity_periods-TOTAL_FORMS": "0",
        "activity_periods-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


def test_admin_staff_cannot_change_delete_or_reset_a_superuser(client, manager, superuser):
    client.force_login(manager)
    before = (stored(superuser), User.objects.get(pk=superuser.pk).password)
    page = client.get(f"{ADMIN_USERS}{superuser.pk}/change/")
    assert page.status_code == 200  # visible, read-only
    assert page.context["has_change_permission"] is False
    responses = [
        client.post(
            f"{ADMIN_USERS}{superuser.pk}/change/",
            admin_change_data(superuser, username="owned", email="attacker@example.com"),
        ),
        client.post(f"{ADMIN_USERS}{superuser.pk}/delete/", {"post": "yes"}),
        client.post(
            f"{ADMIN_USERS}{superuser.pk}/password/",
            {"password1": "taken-over-1984!", "password2": "taken-over-1984!"},
        ),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert (stored(superuser), User.objects.get(pk=superuser.pk).password) == before


def test_admin_bulk_delete_action_leaves_a_superuser(client, manager, superuser):
    member = UserFactory()
    client.force_login(manager)
    response = client.post(
        ADMIN_USERS,
        {"action": "delete_selected", "_selected_action": [member.pk, superuser.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert User.objects.filter(pk__in=[member.pk, superuser.pk]).count() == 2


def test_admin_staff_edit_members_but_cannot_grant_privileges(client, manager):
    member = UserFactory()
    client.force_login(manager)
    response = client.post(
        f"{ADMIN_USERS}{member.pk}/change/",
        admin_change_data(member, real_name="Edited", is_staff="on", is_superuser="on"),
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.real_name, member.is_staff, member.is_superuser) == ("Edited", False, False)


def test_admin_superuser_changes_a_staff_account(client, superuser):
    staff = UserFactory(is_staff=True)
    client.force_login(superuser)
    response = client.post(
        f"{ADMIN_USERS}{staff.pk}/change/",
        admin_change_data(staff, real_name="Edited", is_staff="on", is_superuser="on"),
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert (staff.real_name, staff.is_superuser) == ("Edited", True)


def test_admin_staff_without_permissions_see_no_members(client, staff_user, user):
    client.force_login(staff_user)
    assert client.get(f"{ADMIN_USERS}{user.pk}/change/").status_code == 403
