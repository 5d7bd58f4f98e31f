"""PlanetlyTask's documented requests, sent byte for byte (our token header added).

The seed: github.com/biswain2309/PlanetlyTask, README.md (commits 538802f and fd70f8e). Its
README names two routes, `api/v1/users/<pk>` (one user: get, update, delete "a single record
at a time") and `api/v1/usages/` (pagination, sorting, a time-range filter), and promises
token register/login, a single-usage fetch and per-user usages; it documents no bodies. The
request bodies and the other route names come from the seed's code and tests
(carbon/app/urls.py, carbon/auth/urls.py, carbon/app/tests/test_views.py at 538802f /
d2ff582): those do not work here, and the tests at the end pin that they are refused cleanly
(docs/carbon.md, "For PlanetlyTask clients", says what to send instead).
"""

from datetime import UTC, datetime

import pytest

from carbon.models import Usage
from members.models import User
from tests.carbon.factories import UsageFactory
from tests.members.factories import TEST_PASSWORD, USER_MANAGER_PERMISSIONS, UserFactory

JSON = "application/json"


def both_forms(route: str) -> list[str]:
    """The route as the seed's README writes it, and with the slash toggled."""
    return [route, route.removesuffix("/") if route.endswith("/") else f"{route}/"]


def usage_rows() -> list[tuple]:
    return list(Usage.objects.order_by("pk").values_list("pk", "user_id", "amount", "usage_at"))


def user_rows() -> list[tuple]:
    return list(User.objects.order_by("pk").values_list("pk", "username", "real_name"))


@pytest.fixture
def member(db):
    return UserFactory(username="casper", real_name="Casper")


@pytest.fixture
def member_client(member, make_token_client):
    return make_token_client(member)


@pytest.fixture
def manager_client(db, make_token_client):
    permissions = [*USER_MANAGER_PERMISSIONS, "members.add_user"]
    return make_token_client(UserFactory(is_staff=True, permissions=permissions))


@pytest.fixture
def usages(member):
    """Three of the member's usages, in March, April and May 2024 (heating, kWh: type 102)."""
    return [
        UsageFactory(user=member, usage_type_id=102, usage_at=datetime(2024, month, 1, tzinfo=UTC))
        for month in (3, 4, 5)
    ]


# --- README: "User can register/login to the application through Token Authentication." ---


def test_register_then_login_then_the_token_header(db, api_client):
    body = (
        '{"username": "muffin", "password": "ghostbusters-1984!", '
        '"email": "muffin@example.com", "real_name": "Muffin"}'
    )
    assert api_client.post("/api/v1/auth/register/", body, content_type=JSON).status_code == 201
    login = api_client.post(
        "/api/v1/auth/login",
        '{"username": "muffin", "password": "ghostbusters-1984!"}',
        content_type=JSON,
    )
    assert login.status_code == 200
    token = login.json()["token"]
    me = api_client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.json()["username"] == "muffin"


# --- README: `api/v1/users/<pk>`, one record at a time (get, update, delete) ---


@pytest.mark.parametrize("route", both_forms("/api/v1/users/{pk}"))
def test_get_one_user(member_client, member, route):
    response = member_client.get(route.format(pk=member.pk))
    assert response.status_code == 200
    assert response.json()["username"] == "casper"


@pytest.mark.parametrize("route", both_forms("/api/v1/users/{pk}"))
def test_update_one_user(manager_client, member, route):
    body = (
        '{"username": "casper", "email": "casper@example.com", "real_name": "Casper the Friendly",'
        ' "tz": "Europe/Berlin"}'
    )
    response = manager_client.put(route.format(pk=member.pk), body, content_type=JSON)
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.real_name == "Casper the Friendly"


@pytest.mark.parametrize("route", both_forms("/api/v1/users/{pk}"))
def test_delete_one_user(manager_client, member, route):
    assert manager_client.delete(route.format(pk=member.pk)).status_code == 204
    assert not User.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize("route", both_forms("/api/v1/users/{pk}"))
def test_another_members_record_is_not_found(member_client, route):
    other = UserFactory()
    for response in (
        member_client.get(route.format(pk=other.pk)),
        member_client.delete(route.format(pk=other.pk)),
        member_client.put(route.format(pk=other.pk), '{"username": "x"}', content_type=JSON),
    ):
        assert response.status_code == 404
    assert User.objects.get(pk=other.pk).username == other.username


@pytest.mark.parametrize("route", both_forms("/api/v1/users/"))
def test_post_users_creates_one_for_staff(manager_client, route):
    body = (
        '{"username": "musketeer", "password": "ghostbusters-1984!", '
        '"email": "musketeer@example.com", "real_name": "Musketeer", "tz": "UTC"}'
    )
    response = manager_client.post(route, body, content_type=JSON)
    assert response.status_code == 201
    assert User.objects.filter(username="musketeer").exists()


# --- README: `api/v1/usages/` with pagination (2 a page), sorting, time range ---


@pytest.mark.parametrize("route", both_forms("/api/v1/usages/"))
def test_usages_two_a_page(member_client, usages, route):
    first = member_client.get(f"{route}?page_size=2&ordering=usage_at").json()
    second = member_client.get(f"{route}?page_size=2&ordering=usage_at&page=2").json()
    assert first["count"] == 3
    assert [u["id"] for u in first["results"] + second["results"]] == [u.pk for u in usages]
    assert first["next"] is not None and second["next"] is None


@pytest.mark.parametrize("route", both_forms("/api/v1/usages/"))
@pytest.mark.parametrize(("ordering", "order"), [("usage_at", [0, 1, 2]), ("-usage_at", [2, 1, 0])])
def test_usages_sorted_by_usage_at(member_client, usages, route, ordering, order):
    body = member_client.get(f"{route}?ordering={ordering}").json()
    assert [u["id"] for u in body["results"]] == [usages[i].pk for i in order]


@pytest.mark.parametrize("route", both_forms("/api/v1/usages/"))
def test_usages_in_a_time_range(member_client, usages, route):
    query = "usage_at_after=2024-04-01T00:00:00Z&usage_at_before=2024-05-01T00:00:00Z"
    body = member_client.get(f"{route}?{query}").json()
    assert [u["id"] for u in body["results"]] == [usages[1].pk]


@pytest.mark.parametrize("route", both_forms("/api/v1/usages/"))
def test_create_a_usage(member_client, member, route):
    body = '{"usage_type": 102, "usage_at": "2024-03-01T08:00:00+01:00", "amount": 13.2}'
    response = member_client.post(route, body, content_type=JSON)
    assert response.status_code == 201
    assert Usage.objects.get(pk=response.json()["id"]).user_id == member.pk


# --- README: "Usage API currently has single fetch functionality" ---


@pytest.mark.parametrize("route", both_forms("/api/v1/usages/{pk}/"))
def test_single_usage_fetch_update_delete(member_client, usages, route):
    url = route.format(pk=usages[0].pk)
    assert member_client.get(url).json()["id"] == usages[0].pk
    assert member_client.patch(url, '{"amount": 14.5}', content_type=JSON).status_code == 200
    assert member_client.delete(url).status_code == 204
    assert not Usage.objects.filter(pk=usages[0].pk).exists()


# --- README: "API also provides carbon usage details for selected user." ---


@pytest.mark.parametrize("route", both_forms("/api/v1/users/{pk}/usages/"))
def test_one_users_usages(manager_client, member, usages, route):
    body = manager_client.get(f"{route.format(pk=member.pk)}?ordering=usage_at").json()
    assert [u["id"] for u in body["results"]] == [u.pk for u in usages]


# --- The seed's code and tests, beyond its README: refused cleanly, nothing changed ---


@pytest.mark.parametrize(
    ("method", "route"),
    [
        ("POST", "/auth/login/"),  # carbon/auth/urls.py: now /api/v1/auth/login/
        ("POST", "/auth/register/"),  # now /api/v1/auth/register/
        ("GET", "/api/v1/get/users/"),  # carbon/app/urls.py: now GET /api/v1/users/
        ("GET", "/api/v1/usage/{usage}"),  # now /api/v1/usages/<id>/
        ("PUT", "/api/v1/usage/{usage}"),
        ("DELETE", "/api/v1/usage/{usage}"),
        ("GET", "/api/v1/users/usage/{user}"),  # now /api/v1/users/<id>/usages/
    ],
)
def test_the_seeds_other_routes_are_not_served(member_client, member, usages, method, route):
    before = usage_rows(), user_rows()
    url = route.format(usage=usages[0].pk, user=member.pk)
    response = member_client.generic(method, url, "{}", content_type=JSON)
    assert response.status_code == 404
    assert (usage_rows(), user_rows()) == before


def test_the_seeds_user_body_is_refused_naming_its_fields(manager_client):
    # carbon/app/tests/test_views.py, CreateNewUserTest.valid_payload
    before = user_rows()
    response = manager_client.post(
        "/api/v1/users/", '{"id": 5, "name": "Musketeer"}', content_type=JSON
    )
    assert response.status_code == 400
    errors = {(e["attr"], e["code"]) for e in response.json()["errors"]}
    assert {("id", "unknown_field"), ("name", "unknown_field")} <= errors
    assert user_rows() == before


@pytest.mark.parametrize(
    ("method", "route", "body"),
    [  # CreateNewUserUsageTest.valid_payload, UpdateSingleUserTest.valid_payload
        (
            "POST",
            "/api/v1/usages/",
            '{"id": 5, "user_id": 10, "usage_type_id": 102, "amount": 13.2}',
        ),
        (
            "PUT",
            "/api/v1/usages/{pk}",
            '{"id": 52, "user_id": 7, "usage_type_id": 102, "amount": 14.5}',
        ),
    ],
)
def test_the_seeds_usage_bodies_are_refused_naming_the_missing_fields(
    member_client, usages, method, route, body
):
    before = usage_rows()
    url = route.format(pk=usages[0].pk)
    response = member_client.generic(method, url, body, content_type=JSON)
    assert response.status_code == 400
    assert {e["attr"] for e in response.json()["errors"]} == {
        "usage_type",
        "usage_at",
        "id",
        "user_id",
        "usage_type_id",
    }
    assert usage_rows() == before


def test_the_seeds_time_range_filter_names(member_client, usages):
    # The seed's carbonusage/app/filters.py: start inclusive (gte), end inclusive (lte).
    query = "usage_at_start_date=2024-04-01T00:00:00Z&usage_at_end_date=2024-04-30T00:00:00Z"
    body = member_client.get(f"/api/v1/usages/?{query}").json()
    assert [u["id"] for u in body["results"]] == [usages[1].pk]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("usage_at_start_date=yesterday", "invalid"),
        ("usage_at_end_date=2024-04-30T00:00:00", "naive"),
        ("usage_at_start_date=1066-10-14T09:00:00Z", "out_of_range"),
    ],
)
def test_the_seeds_filter_names_refuse_bad_values(member_client, usages, query, code):
    response = member_client.get(f"/api/v1/usages/?{query}")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["attr"], error["code"]) == (query.split("=")[0], code)


def test_the_token_header_is_the_seeds(member, api_client):
    # DRF's TokenAuthentication, as the seed used: `Authorization: Token <key>`.
    login = api_client.post(
        "/api/v1/auth/login/",
        f'{{"username": "casper", "password": "{TEST_PASSWORD}"}}',
        content_type=JSON,
    )
    header = f"Token {login.json()['token']}"
    assert api_client.get("/api/v1/usages/", HTTP_AUTHORIZATION=header).status_code == 200
    assert api_client.get("/api/v1/usages/").status_code == 401
