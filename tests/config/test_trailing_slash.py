"""Every /api/v1/ route answers with and without its trailing slash, for every method: the same
view, the same status, never Django's APPEND_SLASH 301 nor its DEBUG RuntimeError (a 500)."""

import pytest
from django.test import override_settings
from django.urls import resolve, reverse
from drf_spectacular.generators import EndpointEnumerator

from tests.members.factories import USER_MANAGER_PERMISSIONS, UserFactory

NOBODY = "W00000000"  # a member id no member has (the views answer 404)
PLACEHOLDERS = {"{pk}": "1", "{id}": "1", "{user_id}": NOBODY}
# Not routed by members/ or carbon/ (owned elsewhere): they still need core.routers.


def _documented(path: str) -> str:
    for name, value in PLACEHOLDERS.items():
        path = path.replace(name, value)
    return path


def _operations() -> list:
    operations = []
    for path, _regex, method, _view in EndpointEnumerator().get_api_endpoints():
        if not path.startswith("/api/v1/"):
            continue
        operations.append(pytest.param(method, _documented(path), id=f"{method} {path}"))
    return operations


OPERATIONS = _operations()


def _without_slash(path: str) -> str:
    return path.removesuffix("/") if path.endswith("/") else f"{path}/"


def test_the_schema_has_api_v1_operations_to_check():
    assert len(OPERATIONS) > 30


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_both_forms_resolve_to_the_same_view(method, path):
    documented, other = resolve(path), resolve(_without_slash(path))
    assert (other.url_name, other.kwargs) == (documented.url_name, documented.kwargs)


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_both_forms_answer_alike_without_redirect(db, api_client, method, path, debug):
    manager = UserFactory(is_staff=True, permissions=USER_MANAGER_PERMISSIONS)
    api_client.force_authenticate(manager)  # no token: a logout here would end it
    with override_settings(DEBUG=debug):
        answers = [
            api_client.generic(method, url, "{}", content_type="application/json").status_code
            for url in (path, _without_slash(path))
        ]
    assert answers[0] == answers[1]
    assert answers[0] not in {301, 308, 500}


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/users/bulk-delete", "user-bulk-delete"),
        ("/api/v1/users/bulk-delete/", "user-bulk-delete"),
        ("/api/v1/usages/bulk-delete", "usage-bulk-delete"),
        ("/api/v1/usages/summary", "usage-summary"),
        ("/api/v1/usages/summary.svg", "usage-summary-svg"),
        ("/api/v1/usages/summary.svg/", "usage-summary-svg"),
        (f"/api/v1/users/{NOBODY}", "user-detail"),
        (f"/api/v1/users/{NOBODY}/usages", "user-usage-list"),
        ("/api/v1/users", "user-list"),
        ("/api/v1/auth/login", "auth-login"),
    ],
)
def test_action_and_named_routes_are_not_read_as_ids(url, name):
    assert resolve(url).url_name == name


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/users//",
        "/api/v1/users/W1//",
        "/api/v1/users/a.b",
        "/api/v1/auth/login//",
        "/api/v1/usages/summary.svg//",
    ],
)
def test_only_one_optional_slash(client, url):
    assert client.get(url).status_code == 404


@override_settings(DEBUG=True)
@pytest.mark.parametrize("method", ["put", "patch", "post"])
def test_a_slashless_write_under_debug_is_not_append_slashs_runtime_error(
    db, make_token_client, method
):
    member = UserFactory(real_name="Before")
    response = getattr(make_token_client(member), method)(
        f"/api/v1/users/{member.pk}",
        data=f'{{"username": "{member.username}", "real_name": "After"}}',
        content_type="application/json",
    )
    assert response.status_code == (405 if method == "post" else 200)
    member.refresh_from_db()
    assert member.real_name == ("Before" if method == "post" else "After")


def test_the_schema_lists_each_path_once_in_its_slashed_form(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = [path for path in schema["paths"] if path.startswith("/api/v1/")]
    assert "/api/v1/users/{id}/" in paths
    assert "/api/v1/usages/summary.svg" in paths
    assert not [path for path in paths if "?" in path or "\\" in path or "(" in path]
    assert not [path for path in paths if path.endswith("/") and path[:-1] in paths]


@pytest.mark.parametrize(
    ("name", "kwargs", "url"),
    [
        ("auth-login", {}, "/api/v1/auth/login/"),
        ("user-detail", {"pk": NOBODY}, f"/api/v1/users/{NOBODY}/"),
        ("user-bulk-delete", {}, "/api/v1/users/bulk-delete/"),
        ("user-usage-list", {"user_id": NOBODY}, f"/api/v1/users/{NOBODY}/usages/"),
        ("usage-summary-svg", {}, "/api/v1/usages/summary.svg"),
    ],
)
def test_reverse_gives_the_documented_form(name, kwargs, url):
    assert reverse(name, kwargs=kwargs) == url
