"""Usernames are unique ignoring case, after NFKC (fullwidth letters are the plain ones), and
names hold no control characters, at every door."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from members import services
from members.models import User
from tests.members.factories import UserFactory
from tests.members.sync_helpers import fullwidth

REGISTER = "/api/v1/auth/register/"
ME = "/api/v1/auth/me/"
USERS = "/api/v1/users/"
ADMIN_USERS = "/admin/members/user/"
LOOK_ALIKES = ["Admin", "ADMIN", fullwidth("ADMIN"), fullwidth("admin")]
CONTROL = ["Egon\nSpengler", "Egon\tSpengler", "Egon\x1b[31m", "Egon\u202eSpengler", "Eg\u200bon"]


def registration(**changes) -> dict:
    return {
        "username": "egon",
        "password": "ghostbusters-1984!",
        "email": "egon@example.com",
        "real_name": "Egon Spengler",
        "tz": "America/Los_Angeles",
        **changes,
    }


def errors(response) -> set[tuple[str, str]]:
    return {(error["attr"], error["code"]) for error in response.json()["errors"]}


@pytest.fixture
def admin_account(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


# --- Registration and profile changes ----------------------------------------------------------


@pytest.mark.parametrize("username", LOOK_ALIKES)
def test_registering_a_look_alike_of_a_taken_username_is_a_400(api_client, admin_account, username):
    response = api_client.post(REGISTER, registration(username=username), format="json")
    assert response.status_code == 400
    assert errors(response) == {("username", "unique")}
    assert list(User.objects.values_list("username", flat=True)) == ["admin"]


def test_a_fullwidth_username_is_stored_as_its_plain_form(db, api_client):
    response = api_client.post(REGISTER, registration(username=fullwidth("Egon")), format="json")
    assert response.status_code == 201
    assert response.json()["user"]["username"] == "Egon"
    assert User.objects.get().username == "Egon"


@pytest.mark.parametrize("username", LOOK_ALIKES)
@pytest.mark.parametrize("path", [ME, "own"])
def test_renaming_oneself_to_a_look_alike_is_a_400(auth_client, admin_account, username, path):
    url = f"{USERS}{auth_client.user.pk}/" if path == "own" else path
    response = auth_client.patch(url, {"username": username})
    assert response.status_code == 400
    assert errors(response) == {("username", "unique")}
    assert User.objects.get(pk=auth_client.user.pk).username == auth_client.user.username


def test_staff_renaming_a_member_to_a_look_alike_is_a_400(make_token_client, admin_account):
    member = UserFactory()
    response = make_token_client(admin_account).patch(
        f"{USERS}{member.pk}/", {"username": fullwidth("Admin")}
    )
    assert response.status_code == 400
    assert errors(response) == {("username", "unique")}


def test_a_member_may_change_the_case_of_their_own_username(auth_client):
    response = auth_client.patch(ME, {"username": auth_client.user.username.upper()})
    assert response.status_code == 200
    assert User.objects.get(pk=auth_client.user.pk).username == auth_client.user.username.upper()


@pytest.mark.parametrize("real_name", CONTROL)
def test_control_characters_in_a_real_name_are_a_400(db, api_client, auth_client, real_name):
    response = api_client.post(REGISTER, registration(real_name=real_name), format="json")
    assert response.status_code == 400
    assert ("real_name", "invalid_text") in errors(response)
    response = auth_client.patch(ME, {"real_name": real_name})
    assert response.status_code == 400
    assert errors(response) == {("real_name", "invalid_text")}
    assert not User.objects.filter(real_name=real_name).exists()


@pytest.mark.parametrize(
    ("username", "codes"),
    [
        ("egon\u200b", {"invalid_text"}),
        ("egon\u202e", {"invalid_text"}),
        ("eg\non", {"invalid_text"}),
        ("eg\x00on", {"invalid_text", "null_characters_not_allowed"}),
        ("eg on", {"invalid"}),  # not a control character: Django's username characters
    ],
)
def test_bad_characters_in_a_username_are_reported_once(db, api_client, username, codes):
    response = api_client.post(REGISTER, registration(username=username), format="json")
    assert response.status_code == 400
    found = sorted((error["attr"], error["code"]) for error in response.json()["errors"])
    assert found == sorted(("username", code) for code in codes)
    assert not User.objects.exists()


# --- Services, the model and the database ---------------------------------------------------------


@pytest.mark.parametrize("username", LOOK_ALIKES)
def test_the_service_refuses_a_look_alike_on_username(admin_account, username):
    with pytest.raises(ValidationError) as exc:
        services.user_create(username=username, password=None)
    assert list(exc.value.message_dict) == ["username"]
    assert exc.value.message_dict["username"] == ["A user with that username already exists."]


def test_the_service_refuses_an_exact_duplicate_once(admin_account):
    with pytest.raises(ValidationError) as exc:
        services.user_create(username="admin", password=None)
    assert exc.value.message_dict == {"username": ["A user with that username already exists."]}


@pytest.mark.parametrize("real_name", CONTROL)
def test_full_clean_refuses_control_characters(db, real_name):
    with pytest.raises(ValidationError) as exc:
        services.user_create(username="egon", password=None, real_name=real_name)
    assert [e.code for e in exc.value.error_dict["real_name"]] == ["invalid_text"]


def test_the_database_refuses_a_case_duplicate(admin_account):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(id="W0CASE001", username="ADMIN")


def test_the_default_superuser_is_found_whatever_the_case(admin_account):
    user, password, created = services.superuser_ensure(username="Admin")
    assert (user, password, created) == (admin_account, None, False)


# --- The admin's forms ---------------------------------------------------------------------


@pytest.fixture
def admin_client(client, admin_account):
    client.force_login(admin_account)
    return client


@pytest.mark.parametrize("username", LOOK_ALIKES)
def test_the_admin_add_form_refuses_a_look_alike(admin_client, username):
    response = admin_client.post(
        f"{ADMIN_USERS}add/",
        {
            "username": username,
            "real_name": "Mallory",
            "email": "mallory@example.com",
            "tz": "UTC",
            "password1": "epa-inspector-1984",
            "password2": "epa-inspector-1984",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "username" in response.context["adminform"].form.errors
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"username": "ADMIN"}, "username"),
        ({"username": fullwidth("Admin")}, "username"),
        ({"real_name": "Walter\nPeck"}, "real_name"),
        ({"username": "walter\u200b"}, "username"),
    ],
)
def test_the_admin_change_form_refuses_look_alikes_and_control_characters(
    admin_client, changes, field
):
    member = UserFactory(username="walter", real_name="Walter Peck")
    data = {
        "username": member.username,
        "real_name": member.real_name,
        "email": member.email,
        "tz": member.tz,
        "is_active": "on",
        "activity_periods-TOTAL_FORMS": "0",
        "activity_periods-INITIAL_FORMS": "0",
        **changes,
    }
    response = admin_client.post(f"{ADMIN_USERS}{member.pk}/change/", data)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == [field]
    member.refresh_from_db()
    assert (member.username, member.real_name) == ("walter", "Walter Peck")
