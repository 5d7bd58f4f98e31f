from decimal import Decimal

import pytest

from carbon.models import UsageType
from tests.carbon.conftest import error_attrs
from tests.carbon.factories import UsageFactory, UsageTypeFactory

TYPES = "/api/v1/usage-types/"
NEW = {"name": "diesel", "unit": "l", "factor": "2.68", "scope": 1, "source": "DEFRA 2023"}


def test_any_member_lists_the_types(auth_client):
    body = auth_client.get(TYPES).json()
    assert [row["id"] for row in body["results"]] == [100, 101, 102, 103, 104]
    assert body["results"][0] == {
        "id": 100,
        "name": "electricity",
        "unit": "kwh",
        "factor": "1.500000",
        "scope": 2,
        "source": "Planetly brief",
    }


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", TYPES, NEW),
        ("patch", f"{TYPES}100/", {"factor": "9"}),
        ("put", f"{TYPES}100/", NEW),
        ("delete", f"{TYPES}100/", None),
    ],
)
def test_members_cannot_change_types(auth_client, method, url, body):
    assert getattr(auth_client, method)(url, body).status_code == 403
    assert UsageType.objects.get(pk=100).factor == Decimal("1.5")


def test_staff_creates_a_type_with_an_id_past_the_brief_ones(staff_client):
    response = staff_client.post(TYPES, NEW)
    assert response.status_code == 201
    assert response.json()["id"] > 104


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"factor": "0"}, "factor"),
        ({"factor": "-1"}, "factor"),
        ({"factor": "1.0000001"}, "factor"),
        ({"scope": 4}, "scope"),
        ({"name": ""}, "name"),
        ({"name": "heating", "unit": "kwh"}, "non_field_errors"),
    ],
)
def test_type_validation(staff_client, change, field):
    response = staff_client.post(TYPES, {**NEW, **change})
    assert response.status_code == 400
    assert error_attrs(response) == {field}


def test_unused_type_can_be_deleted(staff_client):
    usage_type = UsageTypeFactory()
    assert staff_client.delete(f"{TYPES}{usage_type.pk}/").status_code == 204
    assert not UsageType.objects.filter(pk=usage_type.pk).exists()


def test_type_in_use_cannot_be_deleted(staff_client, user):
    UsageFactory(user=user)
    response = staff_client.delete(f"{TYPES}100/")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "conflict"
    assert UsageType.objects.filter(pk=100).exists()


@pytest.mark.parametrize("rows", [2, 20])
def test_type_list_query_count(auth_client, django_assert_num_queries, rows):
    UsageTypeFactory.create_batch(rows)
    with django_assert_num_queries(4):
        auth_client.get(TYPES)
