import pytest
from django.contrib.auth import user_logged_in, user_logged_out
from django.urls import reverse
from knox.models import AuthToken

from members.models import User
from tests.members.factories import TEST_PASSWORD, UserFactory

REGISTER = "/api/v1/auth/register/"
LOGIN = "/api/v1/auth/login/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/auth/me/"

GOOD = {
    "username": "egon",
    "password": "ghostbusters-1984!",
    "email": "egon@example.com",
    "real_name": "Egon Spengler",
    "tz": "America/Los_Angeles",
}


def error_attrs(response) -> set[str]:
    return {error["attr"] for error in response.json()["errors"]}


def test_register_creates_a_member_and_returns_a_working_token(db, api_client):
    response = api_client.post(REGISTER, GOOD, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["user"]["username"] == "egon"
    assert body["user"]["id"].startswith("W")
    assert body["user"]["tz"] == "America/Los_Angeles"
    assert "password" not in body["user"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert api_client.get(ME).json()["real_name"] == "Egon Spengler"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"password": "password"}, "password"),
        ({"password": "12345678901"}, "password"),
        ({"password": "egon"}, "password"),
        ({"tz": "Nowhere/City"}, "tz"),
        ({"email": "not-an-email"}, "email"),
        ({"username": ""}, "username"),
        ({"username": ["list"]}, "username"),
    ],
)
def test_register_rejects_bad_input_naming_the_field(db, api_client, change, field):
    response = api_client.post(REGISTER, {**GOOD, **change}, format="json")
    assert response.status_code == 400
    assert field in error_attrs(response)
    assert response.json()["type"] == "validation_error"
    assert not User.objects.exists()


@pytest.mark.parametrize("missing", ["username", "password", "email"])
def test_register_requires_fields(db, api_client, missing):
    body = {k: v for k, v in GOOD.items() if k != missing}
    response = api_client.post(REGISTER, body, format="json")
    assert response.status_code == 400
    assert missing in error_attrs(response)


def test_register_refuses_a_taken_username(db, api_client):
    UserFactory(username="egon")
    response = api_client.post(REGISTER, GOOD, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"username"}


def test_malformed_json_is_a_400_parse_error(db, api_client):
    response = api_client.post(REGISTER, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["type"] == "client_error"
    assert response.json()["errors"][0]["code"] == "parse_error"


def test_login_returns_an_expiring_token(db, api_client):
    UserFactory(username="ray")
    response = api_client.post(LOGIN, {"username": "ray", "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert response.json()["expiry"]
    stored = AuthToken.objects.get()
    assert response.json()["token"] not in (stored.digest, stored.token_key)  # only a hash is kept


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "ray", "password": "wrong-password"},
        {"username": "nobody", "password": TEST_PASSWORD},
    ],
)
def test_login_failure_does_not_say_which_part_was_wrong(db, api_client, credentials):
    UserFactory(username="ray")
    response = api_client.post(LOGIN, credentials)
    assert response.status_code == 400
    assert (
        response.json()["errors"][0]["detail"] == "Unable to log in with the provided credentials."
    )


def test_login_of_an_inactive_user_fails(db, api_client):
    UserFactory(username="ray", is_active=False)
    assert api_client.post(LOGIN, {"username": "ray", "password": TEST_PASSWORD}).status_code == 400


def test_login_is_throttled_after_five_attempts_per_minute(db, api_client):
    UserFactory(username="ray")
    codes = [
        api_client.post(LOGIN, {"username": "ray", "password": f"guess-{i}"}).status_code
        for i in range(6)
    ]
    assert codes == [400] * 5 + [429]
    response = api_client.post(LOGIN, {"username": "ray", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_logout_revokes_only_that_token(db, api_client, user):
    revoked, first = AuthToken.objects.create(user)
    kept, second = AuthToken.objects.create(user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert api_client.post(LOGOUT).status_code == 204
    assert list(AuthToken.objects.values_list("token_key", flat=True)) == [kept.token_key]
    assert revoked.token_key != kept.token_key
    assert api_client.get(ME).status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert api_client.get(ME).status_code == 200


@pytest.fixture
def signals():
    """What user_logged_in / user_logged_out receivers see: (signal, user id, request path)."""
    seen = []

    def receiver(signal, sender, request, user, **kwargs):
        seen.append(("in" if signal is user_logged_in else "out", user.pk, request.path))

    user_logged_in.connect(receiver)
    user_logged_out.connect(receiver)
    yield seen
    user_logged_in.disconnect(receiver)
    user_logged_out.disconnect(receiver)


def test_logout_sends_user_logged_out_once_after_revoking(db, api_client, user, signals):
    _, token = AuthToken.objects.create(user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert api_client.post(LOGOUT).status_code == 204

    assert signals == [("out", user.pk, LOGOUT)]
    assert not AuthToken.objects.exists()


def test_login_and_registration_send_user_logged_in_once(db, api_client, signals):
    UserFactory(username="ray")
    registered = api_client.post(REGISTER, GOOD, format="json").json()["user"]["id"]
    ray = api_client.post(LOGIN, {"username": "ray", "password": TEST_PASSWORD})
    api_client.post(LOGIN, {"username": "ray", "password": "wrong-password"})

    assert ray.status_code == 200
    ray_id = User.objects.get(username="ray").pk
    assert signals == [("in", registered, REGISTER), ("in", ray_id, LOGIN)]


@pytest.mark.parametrize(
    "header", ["Token", "Token abc def", "Token not-a-real-token", "Bearer \u00e9\u00e9"]
)
def test_bad_authorization_headers_are_401(db, api_client, header):
    api_client.credentials(HTTP_AUTHORIZATION=header.encode().decode("latin-1"))
    response = api_client.get(ME)
    assert response.status_code == 401


def test_bearer_prefix_is_accepted(db, api_client, user):
    _, token = AuthToken.objects.create(user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api_client.get(ME).json()["id"] == user.pk


def test_expired_token_is_refused(db, api_client, user):
    import datetime

    from django.utils import timezone

    instance, token = AuthToken.objects.create(user)
    AuthToken.objects.filter(pk=instance.pk).update(
        expiry=timezone.now() - datetime.timedelta(seconds=1)
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get(ME).status_code == 401


def test_me_requires_authentication(db, api_client):
    response = api_client.get(ME)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_me_patch_refuses_id_and_staff_and_changes_nothing(db, auth_client):
    user = auth_client.user
    before = (user.real_name, user.tz)
    response = auth_client.patch(
        ME, {"real_name": "New Name", "tz": "Asia/Tokyo", "id": "W99999999", "is_staff": True}
    )
    assert response.status_code == 400
    assert error_attrs(response) == {"id", "is_staff"}
    user.refresh_from_db()
    assert (user.real_name, user.tz, user.is_staff) == (*before, False)
    assert User.objects.filter(pk="W99999999").count() == 0


def test_me_patch_rejects_bad_tz(db, auth_client):
    response = auth_client.patch(ME, {"tz": "Not/AZone"})
    assert response.status_code == 400
    assert error_attrs(response) == {"tz"}


def test_urls_are_named():
    assert reverse("auth-login") == LOGIN


def test_logout_takes_no_body_and_a_field_sent_is_refused(db, api_client, user):
    _, token = AuthToken.objects.create(user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = api_client.post(LOGOUT, '{"everywhere": true}', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "everywhere"
    assert api_client.get(ME).status_code == 200  # still logged in
