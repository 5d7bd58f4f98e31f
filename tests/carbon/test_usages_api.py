from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from carbon import services
from carbon.models import Usage, UsageType
from tests.carbon.conftest import error_attrs
from tests.carbon.factories import UsageFactory
from tests.members.factories import UserFactory

USAGES = "/api/v1/usages/"
GOOD = {"usage_type": 102, "usage_at": "2024-03-01T08:00:00+01:00", "amount": "12.5"}


def detail(usage) -> str:
    return f"{USAGES}{usage.pk}/"


def test_brief_usage_types_are_loaded_with_their_ids(db):
    types = {t.pk: (t.name, t.unit, t.factor) for t in UsageType.objects.filter(pk__lt=105)}
    assert types == {
        100: ("electricity", "kwh", Decimal("1.5")),
        101: ("water", "kg", Decimal("26.93")),
        102: ("heating", "kwh", Decimal("3.892")),
        103: ("heating", "l", Decimal("8.57")),
        104: ("heating", "m3", Decimal("19.456")),
    }


def test_create_freezes_factor_and_emissions_for_the_caller(auth_client):
    response = auth_client.post(USAGES, GOOD)
    assert response.status_code == 201
    body = response.json()
    assert body["user"] == auth_client.user.pk
    assert (body["factor"], body["co2e_kg"], body["unit"]) == ("3.892000", "48.650000", "kwh")
    usage = Usage.objects.get(pk=body["id"])
    assert usage.usage_at == datetime(2024, 3, 1, 7, tzinfo=UTC)
    assert usage.co2e_kg == Decimal("48.65")


def test_mass_assignment_of_user_factor_and_emissions_is_refused(auth_client, other_user):
    body = {**GOOD, "user": other_user.pk, "factor": "0.000001", "co2e_kg": "0", "id": 999}
    response = auth_client.post(USAGES, body)
    assert response.status_code == 400
    assert {(e["attr"], e["code"]) for e in response.json()["errors"]} == {
        (name, "read_only") for name in ("user", "factor", "co2e_kg", "id")
    }
    assert not Usage.objects.exists()


def test_mass_assignment_on_update_is_refused(auth_client, other_user):
    usage = UsageFactory(user=auth_client.user)
    response = auth_client.patch(
        detail(usage), {"user": other_user.pk, "factor": "99", "co2e_kg": "1"}
    )
    assert response.status_code == 400
    assert {e["attr"] for e in response.json()["errors"]} == {"user", "factor", "co2e_kg"}
    usage.refresh_from_db()
    assert (usage.user_id, usage.factor, usage.co2e_kg) == (
        auth_client.user.pk,
        Decimal("1.5"),
        Decimal("15"),
    )


def test_staff_may_create_a_usage_for_another_member(staff_client, user):
    response = staff_client.post(USAGES, {**GOOD, "user": user.pk})
    assert response.status_code == 201
    assert Usage.objects.get().user == user


def test_staff_without_user_creates_for_themself(staff_client):
    assert staff_client.post(USAGES, GOOD).json()["user"] == staff_client.user.pk


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "1.00000000001"}, "amount"),  # 11 decimal places: at most 10
        ({"usage_type": 999}, "usage_type"),
        ({"usage_type": 2**70}, "usage_type"),
        ({"usage_type": "heating"}, "usage_type"),
        ({"usage_at": "yesterday"}, "usage_at"),
        ({"usage_at": "2024-03-01T08:00:00"}, "usage_at"),
        ({"usage_at": "2024-02-30T08:00:00Z"}, "usage_at"),
        ({"usage_at": None}, "usage_at"),
        ({"user": "W00000000"}, "user"),
    ],
)
def test_create_rejects_bad_input_naming_the_field(staff_client, change, field):
    response = staff_client.post(USAGES, {**GOOD, **change})
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert field in error_attrs(response)
    assert not Usage.objects.exists()


@pytest.mark.parametrize("missing", ["usage_type", "usage_at", "amount"])
def test_create_requires_fields(auth_client, missing):
    response = auth_client.post(USAGES, {k: v for k, v in GOOD.items() if k != missing})
    assert response.status_code == 400
    assert error_attrs(response) == {missing}


def test_list_shows_only_own_usages_newest_first(auth_client, other_user):
    mine = [UsageFactory(user=auth_client.user) for _ in range(3)]
    UsageFactory(user=other_user)
    body = auth_client.get(USAGES).json()
    assert body["count"] == 3
    assert [row["id"] for row in body["results"]] == [u.pk for u in reversed(mine)]


def test_staff_list_everyone_and_filter_by_user(staff_client, user, other_user):
    UsageFactory(user=user)
    UsageFactory(user=other_user)
    assert staff_client.get(USAGES).json()["count"] == 2
    filtered = staff_client.get(USAGES, {"user": user.pk}).json()
    assert [row["user"] for row in filtered["results"]] == [user.pk]


def test_a_member_cannot_widen_the_list_with_the_user_filter(auth_client, other_user):
    UsageFactory(user=other_user)
    assert auth_client.get(USAGES, {"user": other_user.pk}).json()["count"] == 0


def test_time_range_filter_is_inclusive_exclusive(auth_client):
    at = [datetime(2024, 5, d, tzinfo=UTC) for d in (1, 2, 3)]
    ids = [UsageFactory(user=auth_client.user, usage_at=a).pk for a in at]
    params = {"usage_at_after": "2024-05-01T00:00:00Z", "usage_at_before": "2024-05-03T00:00:00Z"}
    body = auth_client.get(USAGES, {**params, "ordering": "usage_at"}).json()
    assert [row["id"] for row in body["results"]] == ids[:2]


def test_offset_with_unencoded_plus_is_understood(auth_client):
    UsageFactory(user=auth_client.user, usage_at=datetime(2024, 5, 1, 12, tzinfo=UTC))
    response = auth_client.get(f"{USAGES}?usage_at_after=2024-05-01T13:30:00+02:00")
    assert response.json()["count"] == 1


def test_usage_type_filter(auth_client):
    UsageFactory(user=auth_client.user, usage_type=UsageType.objects.get(pk=101))
    UsageFactory(user=auth_client.user)
    body = auth_client.get(USAGES, {"usage_type": 101}).json()
    assert [row["usage_type"] for row in body["results"]] == [101]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"usage_at_after": "not-a-date"}, "usage_at_after"),
        ({"usage_at_after": "2024-05-01T00:00:00"}, "usage_at_after"),
        ({"usage_at_before": "2024-13-01T00:00:00Z"}, "usage_at_before"),
        ({"usage_at_before": "0001-01-01T00:00:00+05:00"}, "usage_at_before"),
        ({"usage_type": "x"}, "usage_type"),
        ({"usage_type": str(2**70)}, "usage_type"),
        ({"page_size": "1001"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"ordering": "password"}, "ordering"),
        ({"ordering": "usage_at,factor"}, "ordering"),
    ],
)
def test_list_rejects_bad_query_parameters_naming_them(auth_client, params, field):
    response = auth_client.get(USAGES, params)
    assert response.status_code == 400
    assert error_attrs(response) == {field}


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [("amount", ["1", "2", "3"]), ("-co2e_kg", ["3", "2", "1"]), ("created_at", ["2", "3", "1"])],
)
def test_ordering(auth_client, ordering, expected):
    for amount in ("2", "3", "1"):
        UsageFactory(user=auth_client.user, amount=Decimal(amount))
    body = auth_client.get(USAGES, {"ordering": ordering}).json()
    assert [Decimal(row["amount"]).normalize() for row in body["results"]] == [
        Decimal(e) for e in expected
    ]


def test_pagination(auth_client):
    UsageFactory.create_batch(5, user=auth_client.user)
    body = auth_client.get(USAGES, {"page_size": 2, "page": 3}).json()
    assert (body["count"], len(body["results"]), body["next"]) == (5, 1, None)


def test_update_amount_keeps_the_factor_valid_at_the_usages_date(auth_client):
    usage = UsageFactory(user=auth_client.user)  # in 2024
    services.emission_factor_add(  # today's factor: not the one of 2024
        usage_type=UsageType.objects.get(pk=100),
        factor=Decimal("9"),
        valid_from=timezone.now().astimezone(UTC).date(),
    )
    response = auth_client.patch(detail(usage), {"amount": "4"})
    assert response.status_code == 200
    assert (response.json()["factor"], response.json()["co2e_kg"]) == ("1.500000", "6.000000")


def test_changing_the_type_takes_the_new_types_factor(auth_client):
    usage = UsageFactory(user=auth_client.user)
    response = auth_client.patch(detail(usage), {"usage_type": 101})
    assert (response.json()["factor"], response.json()["co2e_kg"]) == ("26.930000", "269.300000")


def test_put_replaces_a_usage(auth_client):
    usage = UsageFactory(user=auth_client.user)
    response = auth_client.put(detail(usage), GOOD)
    assert response.status_code == 200
    usage.refresh_from_db()
    assert (usage.usage_type_id, usage.amount, usage.co2e_kg) == (
        102,
        Decimal("12.5"),
        Decimal("48.65"),
    )


def test_delete_own_usage(auth_client):
    usage = UsageFactory(user=auth_client.user)
    assert auth_client.delete(detail(usage)).status_code == 204
    assert not Usage.objects.exists()


@pytest.mark.parametrize(
    ("method", "body"),
    [("get", None), ("put", GOOD), ("patch", {"amount": "1"}), ("delete", None)],
)
def test_another_members_usage_is_404_for_every_verb(auth_client, other_user, method, body):
    usage = UsageFactory(user=other_user)
    response = getattr(auth_client, method)(detail(usage), body)
    assert response.status_code == 404
    stored = Usage.objects.get(pk=usage.pk)
    assert (stored.amount, stored.usage_type_id, stored.user_id) == (
        Decimal("10"),
        100,
        other_user.pk,
    )


@pytest.mark.parametrize(
    ("method", "body"),
    [("get", None), ("patch", {"amount": "7"}), ("delete", None)],
)
def test_staff_may_act_on_any_usage(staff_client, user, method, body):
    usage = UsageFactory(user=user)
    response = getattr(staff_client, method)(detail(usage), body)
    assert response.status_code == {"delete": 204}.get(method, 200)
    stored = Usage.objects.filter(pk=usage.pk).first()
    expected = {"get": Decimal("10"), "patch": Decimal("7"), "delete": None}[method]
    assert (stored.amount if stored else None) == expected


def test_staff_may_move_a_usage_to_another_member(staff_client, user, other_user):
    usage = UsageFactory(user=user)
    staff_client.patch(detail(usage), {"user": other_user.pk})
    usage.refresh_from_db()
    assert usage.user == other_user


def test_unauthenticated_is_401(api_client, db):
    assert api_client.get(USAGES).status_code == 401


def test_bulk_delete_own_usages(auth_client):
    usages = UsageFactory.create_batch(3, user=auth_client.user)
    response = auth_client.post(f"{USAGES}bulk-delete/", {"ids": [u.pk for u in usages[:2]]})
    assert response.json() == {"deleted": 2}
    assert list(Usage.objects.values_list("pk", flat=True)) == [usages[2].pk]


def test_bulk_delete_with_one_foreign_id_deletes_nothing(auth_client, other_user):
    mine = UsageFactory(user=auth_client.user)
    theirs = UsageFactory(user=other_user)
    response = auth_client.post(f"{USAGES}bulk-delete/", {"ids": [mine.pk, theirs.pk]})
    assert response.status_code == 400
    assert error_attrs(response) == {"ids"}
    assert str(theirs.pk) in response.json()["errors"][0]["detail"]
    assert Usage.objects.count() == 2


@pytest.mark.parametrize("body", [{"ids": []}, {"ids": "1"}, {}, {"ids": [0]}, {"ids": [2**70]}])
def test_bulk_delete_rejects_bad_bodies(auth_client, body):
    response = auth_client.post(f"{USAGES}bulk-delete/", body)
    assert response.status_code == 400
    assert error_attrs(response) == {"ids"}


def test_bulk_delete_is_capped_at_1000_ids(auth_client):
    response = auth_client.post(f"{USAGES}bulk-delete/", {"ids": list(range(1, 1002))})
    assert response.status_code == 400


def test_user_usages_for_self_other_and_staff(auth_client, other_user, staff_client):
    UsageFactory(user=auth_client.user)
    UsageFactory(user=other_user)
    own = auth_client.get(f"/api/v1/users/{auth_client.user.pk}/usages/")
    assert [row["user"] for row in own.json()["results"]] == [auth_client.user.pk]
    assert auth_client.get(f"/api/v1/users/{other_user.pk}/usages/").status_code == 404
    by_staff = staff_client.get(f"/api/v1/users/{other_user.pk}/usages/", {"ordering": "amount"})
    assert [row["user"] for row in by_staff.json()["results"]] == [other_user.pk]
    assert staff_client.get("/api/v1/users/W00000000/usages/").status_code == 404


def test_user_usages_accepts_the_same_filters(auth_client):
    UsageFactory(user=auth_client.user, usage_at=datetime(2024, 1, 1, tzinfo=UTC))
    url = f"/api/v1/users/{auth_client.user.pk}/usages/"
    assert auth_client.get(url, {"usage_at_after": "2024-01-02T00:00:00Z"}).json()["count"] == 0
    assert auth_client.get(url, {"usage_at_after": "bad"}).status_code == 400


@pytest.mark.parametrize("rows", [3, 30])
def test_list_runs_a_constant_number_of_queries(auth_client, django_assert_num_queries, rows):
    UsageFactory.create_batch(rows, user=auth_client.user)
    # knox: token lookup + expired-token sweep; count; page
    with django_assert_num_queries(4):
        response = auth_client.get(USAGES, {"page_size": 100})
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_staff_list_runs_a_constant_number_of_queries(
    staff_client, django_assert_num_queries, rows
):
    for _ in range(rows):
        UsageFactory(user=UserFactory())
    with django_assert_num_queries(4):
        response = staff_client.get(USAGES, {"page_size": 100})
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_user_usages_runs_a_constant_number_of_queries(
    staff_client, user, django_assert_num_queries, rows
):
    UsageFactory.create_batch(rows, user=user)
    # knox (2), member exists, count, page
    with django_assert_num_queries(5):
        response = staff_client.get(f"/api/v1/users/{user.pk}/usages/", {"page_size": 100})
    assert len(response.json()["results"]) == rows
