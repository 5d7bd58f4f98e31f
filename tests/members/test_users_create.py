"""POST /api/v1/users/: staff with `members.add_user` create a member, as registration does."""

import json

import pytest

from members.models import SyncEvent, User
from tests.members.factories import USER_MANAGER_PERMISSIONS, UserFactory

USERS = "/api/v1/users/"
BODY = (
    '{"username": "egon", "password": "ghostbusters-1984!", "email": "egon@example.com",'
    ' "real_name": "Egon Spengler", "tz": "America/Los_Angeles"}'
)
REGISTER = "/api/v1/auth/register/"


def errors(response) -> list[tuple[str, str]]:
    return [(error["attr"], error["code"]) for error in response.json()["errors"]]


def rows() -> list[tuple]:
    return list(User.objects.order_by("pk").values_list("pk", "username", "real_name", "password"))


@pytest.fixture
def creator(db, make_token_client):
    """Staff with Django's `members.add_user` (and nothing else)."""
    return make_token_client(UserFactory(is_staff=True, permissions=["members.add_user"]))


def post(client, body: str, url: str = USERS):
    return client.post(url, data=body, content_type="application/json")


@pytest.mark.parametrize("url", [USERS, USERS.removesuffix("/")])
def test_staff_with_add_user_create_a_member(creator, url):
    response = post(creator, BODY, url)
    assert response.status_code == 201
    body = response.json()
    user = User.objects.get(username="egon")
    assert body == {
        "id": user.pk,
        "username": "egon",
        "email": "egon@example.com",
        "real_name": "Egon Spengler",
        "tz": "America/Los_Angeles",
        "is_staff": False,
        "date_joined": body["date_joined"],
    }
    assert user.check_password("ghostbusters-1984!")
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)


def test_the_new_member_can_log_in(creator, api_client):
    post(creator, BODY)
    response = post(
        api_client, '{"username": "egon", "password": "ghostbusters-1984!"}', "/api/v1/auth/login/"
    )
    assert response.status_code == 200


def test_creation_is_queued_for_the_peers(creator, settings):
    settings.SYNC_PEERS = [
        {"name": "site-b", "url": "http://127.0.0.1:9/api/v1/sync/users/", "secret": "s" * 32}
    ]
    user_id = post(creator, BODY).json()["id"]
    event = SyncEvent.objects.get(user_id=user_id)
    assert event.type == "user.created"
    assert list(event.deliveries.values_list("peer", flat=True)) == ["site-b"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member", 403),
        ("staff without permissions", 403),
        ("staff who may change and delete", 403),
        ("anonymous", 401),
    ],
)
def test_only_staff_with_add_user_create(db, make_token_client, api_client, who, status):
    clients = {
        "member": lambda: make_token_client(UserFactory()),
        "staff without permissions": lambda: make_token_client(UserFactory(is_staff=True)),
        "staff who may change and delete": lambda: make_token_client(
            UserFactory(is_staff=True, permissions=USER_MANAGER_PERMISSIONS)
        ),
        "anonymous": lambda: api_client,
    }
    client = clients[who]()
    before = rows()
    response = post(client, BODY)
    assert response.status_code == status
    assert rows() == before


def test_a_member_with_the_permission_but_not_staff_is_refused(db, make_token_client):
    client = make_token_client(UserFactory(permissions=["members.add_user"]))
    assert post(client, BODY).status_code == 403
    assert not User.objects.filter(username="egon").exists()


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ('"is_staff": true', "is_staff"),
        ('"is_superuser": true', "is_superuser"),
        ('"id": "W12345678"', "id"),
        ('"date_joined": "2000-01-01T00:00:00Z"', "date_joined"),
        ('"name": "Musketeer"', "name"),
        ('"password2": "ghostbusters-1984!"', "password2"),
    ],
)
def test_unknown_fields_are_refused_and_named(creator, extra, named):
    before = rows()
    response = post(creator, BODY.removesuffix("}") + f", {extra}}}")
    assert response.status_code == 400
    assert errors(response) == [(named, "unknown_field")]
    assert rows() == before


@pytest.mark.parametrize(
    "password",
    ["", "password", "12345678", "short", "egon@example.com", "   "],
)
def test_weak_or_empty_passwords_are_refused_under_password(creator, password):
    before = rows()
    body = json.loads(BODY) | {"password": password}
    response = post(creator, json.dumps(body))
    assert response.status_code == 400
    assert {attr for attr, _code in errors(response)} == {"password"}
    assert rows() == before


FULLWIDTH_EGON = "\uff45\uff47\uff4f\uff4e"  # NFKC-normalised to egon


@pytest.mark.parametrize("username", ["egon", "EGON", "Egon", FULLWIDTH_EGON])
def test_a_taken_username_ignoring_case_is_refused_as_registration_refuses_it(
    creator, api_client, username
):
    UserFactory(username="egon")
    before = rows()
    body = BODY.replace('"username": "egon"', f'"username": "{username}"')
    response = post(creator, body)
    registered = post(api_client, body, REGISTER)
    assert (response.status_code, errors(response)) == (400, [("username", "unique")])
    assert (registered.status_code, errors(registered)) == (400, [("username", "unique")])
    assert rows() == before


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        ("username", '"eg\\u0007on"'),
        ("username", '"eg\\non"'),
        ("username", '"eg\\u0000on"'),
        ("username", '"eg\\ud800on"'),
        ("username", '"' + "e" * 151 + '"'),
        ("username", '""'),
        ("username", "null"),
        ("username", "[]"),
        ("real_name", '"Egon\\u001bSpengler"'),
        ("real_name", '"Egon\\r\\nSpengler"'),
        ("real_name", '"Egon\\udfffSpengler"'),
        ("real_name", '"' + "x" * 101 + '"'),
        ("email", '"not-an-email"'),
        ("email", '""'),
        ("tz", '"Mars/Base"'),
        ("password", '"' + "p" * 129 + '"'),
    ],
)
def test_bad_text_is_refused_naming_the_field(creator, field, raw):
    before = rows()
    body = json.loads(BODY)
    text = json.dumps({k: v for k, v in body.items() if k != field})
    response = post(creator, text.removesuffix("}") + f', "{field}": {raw}}}')
    assert response.status_code == 400
    assert {attr for attr, _code in errors(response)} == {field}
    assert rows() == before


@pytest.mark.parametrize("missing", ["username", "password", "email"])
def test_required_fields(creator, missing):
    body = {k: v for k, v in json.loads(BODY).items() if k != missing}
    response = post(creator, json.dumps(body))
    assert (response.status_code, errors(response)) == (400, [(missing, "required")])


@pytest.mark.parametrize("body", ["[]", "null", '"egon"', "{", "", '{"username": "egon"' + " " * 2])
def test_bodies_that_are_not_an_object_are_refused(creator, body):
    before = rows()
    assert post(creator, body).status_code == 400
    assert rows() == before


def test_an_oversized_body_is_refused(creator, settings):
    before = rows()
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = post(creator, BODY.removesuffix("}") + f', "real_name": "{padding}"}}')
    assert response.status_code in {400, 413}
    assert rows() == before


def test_tz_defaults_as_registration_does(creator):
    body = BODY.replace(', "tz": "America/Los_Angeles"', "")
    response = post(creator, body)
    assert response.status_code == 201
    assert response.json()["tz"] == User._meta.get_field("tz").default


def test_the_schema_documents_the_create(db, client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/users/"]["post"]
    assert {"201", "400", "401", "403"} <= set(operation["responses"])
    created = operation["responses"]["201"]["content"]["application/json"]["schema"]
    assert created == {"$ref": "#/components/schemas/User"}
    request = operation["requestBody"]["content"]["application/json"]["schema"]
    fields = schema["components"]["schemas"][request["$ref"].rsplit("/", 1)[1]]["properties"]
    assert set(fields) == {"username", "password", "email", "real_name", "tz"}
