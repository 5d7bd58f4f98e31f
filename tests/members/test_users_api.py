import pytest

from members.models import RetiredMemberId, User
from tests.members.factories import USER_MANAGER_PERMISSIONS, UserFactory

USERS = "/api/v1/users/"


def attrs(response) -> set[str]:
    return {error["attr"] for error in response.json()["errors"]}


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def manager_client(db, make_token_client):
    """Staff with Django's change and delete permissions on members (as the admin needs)."""
    return make_token_client(UserFactory(is_staff=True, permissions=USER_MANAGER_PERMISSIONS))


def test_a_member_lists_only_themself(auth_client, other_user):
    body = auth_client.get(USERS).json()
    assert [row["id"] for row in body["results"]] == [auth_client.user.pk]


def test_staff_list_everyone_with_search_and_ordering(staff_client, other_user):
    body = staff_client.get(USERS, {"ordering": "-username"}).json()
    assert body["count"] == 2
    found = staff_client.get(USERS, {"search": other_user.username}).json()
    assert [row["id"] for row in found["results"]] == [other_user.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"ordering": "password"}, "ordering"), ({"page_size": 5000}, "page_size")],
)
def test_list_rejects_bad_parameters(staff_client, params, field):
    response = staff_client.get(USERS, params)
    assert response.status_code == 400
    assert attrs(response) == {field}


def test_retrieve_and_update_self(auth_client):
    url = f"{USERS}{auth_client.user.pk}/"
    assert auth_client.get(url).json()["username"] == auth_client.user.username
    response = auth_client.patch(url, {"real_name": "Ray Stantz", "tz": "Asia/Tokyo"})
    assert response.status_code == 200
    auth_client.user.refresh_from_db()
    assert (auth_client.user.real_name, auth_client.user.tz) == ("Ray Stantz", "Asia/Tokyo")


def test_mass_assignment_of_staff_and_id_is_refused(auth_client):
    url = f"{USERS}{auth_client.user.pk}/"
    response = auth_client.patch(url, {"is_staff": True, "id": "W99999999", "is_superuser": True})
    assert response.status_code == 400
    assert {(e["attr"], e["code"]) for e in response.json()["errors"]} == {
        ("is_staff", "read_only"),
        ("id", "read_only"),
        ("is_superuser", "unknown_field"),
    }
    auth_client.user.refresh_from_db()
    assert (auth_client.user.is_staff, auth_client.user.is_superuser) == (False, False)
    assert not User.objects.filter(pk="W99999999").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"tz": "Mars/Base"}, "tz"), ({"email": "nope"}, "email"), ({"username": ""}, "username")],
)
def test_update_rejects_bad_input(auth_client, body, field):
    response = auth_client.patch(f"{USERS}{auth_client.user.pk}/", body)
    assert response.status_code == 400
    assert attrs(response) == {field}


def test_username_must_stay_unique(auth_client, other_user):
    response = auth_client.patch(
        f"{USERS}{auth_client.user.pk}/", {"username": other_user.username}
    )
    assert response.status_code == 400
    assert attrs(response) == {"username"}


@pytest.mark.parametrize(
    ("method", "body"),
    [("get", None), ("put", {"username": "x"}), ("patch", {"real_name": "x"}), ("delete", None)],
)
def test_another_member_is_404_for_every_verb(auth_client, other_user, method, body):
    response = getattr(auth_client, method)(f"{USERS}{other_user.pk}/", body)
    assert response.status_code == 404
    stored = User.objects.get(pk=other_user.pk)
    assert (stored.username, stored.real_name) == (other_user.username, other_user.real_name)


def test_delete_self_retires_the_id(auth_client):
    pk = auth_client.user.pk
    assert auth_client.delete(f"{USERS}{pk}/").status_code == 204
    assert not User.objects.filter(pk=pk).exists()
    assert RetiredMemberId.objects.filter(pk=pk).exists()


def test_staff_with_permissions_update_and_delete_members(manager_client, other_user):
    url = f"{USERS}{other_user.pk}/"
    assert manager_client.patch(url, {"real_name": "Changed"}).json()["real_name"] == "Changed"
    assert manager_client.delete(url).status_code == 204
    assert not User.objects.filter(pk=other_user.pk).exists()
    assert RetiredMemberId.objects.filter(pk=other_user.pk).exists()


def test_bulk_delete_is_staff_only(auth_client, other_user):
    response = auth_client.post(f"{USERS}bulk-delete/", {"ids": [other_user.pk]})
    assert response.status_code == 403
    assert User.objects.filter(pk=other_user.pk).exists()


def test_bulk_delete_all_or_nothing(manager_client):
    users = UserFactory.create_batch(3)
    response = manager_client.post(f"{USERS}bulk-delete/", {"ids": [users[0].pk, "W00000000"]})
    assert response.status_code == 400
    assert attrs(response) == {"ids"}
    assert User.objects.filter(pk=users[0].pk).exists()
    response = manager_client.post(f"{USERS}bulk-delete/", {"ids": [u.pk for u in users[:2]]})
    assert response.json() == {"deleted": 2}
    assert set(RetiredMemberId.objects.values_list("pk", flat=True)) == {u.pk for u in users[:2]}
    assert not User.objects.filter(pk__in=[u.pk for u in users[:2]]).exists()
    assert User.objects.filter(pk=users[2].pk).exists()


@pytest.mark.parametrize("body", [{"ids": []}, {}, {"ids": ["W" * 20]}, {"ids": "W0"}])
def test_bulk_delete_rejects_bad_bodies(manager_client, body):
    assert manager_client.post(f"{USERS}bulk-delete/", body).status_code == 400


@pytest.mark.parametrize("rows", [3, 30])
def test_users_list_query_count(staff_client, django_assert_num_queries, rows):
    UserFactory.create_batch(rows)
    # knox (2), count, page
    with django_assert_num_queries(4):
        response = staff_client.get(USERS, {"page_size": 100})
    assert len(response.json()["results"]) == rows + 1
