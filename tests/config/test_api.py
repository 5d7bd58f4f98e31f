import pytest
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from config.api import PageNumberPagination, StrictOrderingFilter
from members.models import User
from tests.members.factories import UserFactory


def _request(query: str) -> Request:
    return Request(APIRequestFactory().get(f"/x/?{query}"))


@pytest.mark.parametrize(
    ("query", "size"), [("", 20), ("page_size=1", 1), ("page_size=1000", 1000)]
)
def test_page_size_default_and_bounds(query, size):
    assert PageNumberPagination().get_page_size(_request(query)) == size


@pytest.mark.parametrize(
    "query", ["page_size=1001", "page_size=0", "page_size=-5", "page_size=abc"]
)
def test_page_size_outside_bounds_is_a_400_naming_page_size(query):
    with pytest.raises(ValidationError) as exc:
        PageNumberPagination().get_page_size(_request(query))
    assert "page_size" in exc.value.detail


@pytest.mark.parametrize("query", ["page=abc", "page=-1", "page=1.5"])
def test_non_numeric_page_is_not_found(db, query):
    with pytest.raises(NotFound):
        PageNumberPagination().paginate_queryset(User.objects.all(), _request(query))


class _View:
    ordering_fields = ["username", "date_joined"]
    ordering = ["username"]


def test_ordering_by_an_allowed_field(db):
    UserFactory(username="b")
    UserFactory(username="a")
    qs = StrictOrderingFilter().filter_queryset(
        _request("ordering=-username"), User.objects.all(), _View()
    )
    assert [u.username for u in qs] == ["b", "a"]


def test_unknown_ordering_field_is_a_400_naming_ordering(db):
    with pytest.raises(ValidationError) as exc:
        StrictOrderingFilter().filter_queryset(
            _request("ordering=password"), User.objects.all(), _View()
        )
    assert "ordering" in exc.value.detail


def test_search_ignores_nul_characters(db, staff_client):
    response = staff_client.get("/api/v1/users/", {"search": "ada\x00"})
    assert response.status_code == 200


def test_a_form_body_with_too_many_fields_is_a_400(db, auth_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"f{i}=1" for i in range(50))
    response = auth_client.patch(
        "/api/v1/auth/me/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"
