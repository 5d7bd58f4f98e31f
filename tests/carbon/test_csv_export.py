import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse

from carbon.models import Usage, UsageType
from carbon.services import usage_type_create
from tests.carbon.factories import UsageFactory

EXPORT = "/api/v1/usages/export.csv"
IMPORT = "/api/v1/usages/import/"


def read_csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_a_member_exports_only_their_own_usages(auth_client, other_user):
    mine = UsageFactory(user=auth_client.user, amount=Decimal("12.5"))
    UsageFactory(user=other_user)
    response = auth_client.get(EXPORT)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="usages-')
    rows = read_csv(response)
    assert rows == [
        {
            "id": str(mine.pk),
            "usage_type": "electricity (kwh)",
            "usage_at": mine.usage_at.astimezone(UTC).isoformat(),
            "amount": "12.5000",
            "unit": "kwh",
            "factor": "1.500000",
            "co2e_kg": "18.750000",
            "scope": "2",
        }
    ]


def test_staff_export_everyone_with_the_user_column(staff_client, user, other_user):
    UsageFactory(user=user)
    UsageFactory(user=other_user)
    rows = read_csv(staff_client.get(EXPORT))
    assert sorted(row["user"] for row in rows) == sorted([user.pk, other_user.pk])
    assert list(rows[0]) == [
        "id",
        "usage_type",
        "usage_at",
        "amount",
        "unit",
        "factor",
        "co2e_kg",
        "scope",
        "user",
    ]


def test_the_lists_filters_and_ordering_apply(staff_client, user, other_user):
    for day in (1, 2, 3):
        UsageFactory(user=user, usage_at=datetime(2024, 3, day, tzinfo=UTC))
    UsageFactory(user=other_user, usage_at=datetime(2024, 3, 2, tzinfo=UTC))
    response = staff_client.get(
        EXPORT,
        {"user": user.pk, "usage_at_after": "2024-03-02T00:00:00Z", "ordering": "usage_at"},
    )
    assert [row["usage_at"][:10] for row in read_csv(response)] == ["2024-03-02", "2024-03-03"]


@pytest.mark.parametrize(
    ("params", "attr"),
    [
        ({"usage_at_after": "yesterday"}, "usage_at_after"),
        ({"ordering": "password"}, "ordering"),
        ({"usage_type": "x"}, "usage_type"),
    ],
)
def test_a_bad_filter_is_a_json_400_as_the_list_answers(auth_client, params, attr):
    response = auth_client.get(EXPORT, params, HTTP_ACCEPT="text/csv")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert [e["attr"] for e in response.json()["errors"]] == [attr]


def test_cells_that_start_like_a_formula_are_escaped(auth_client):
    usage_type = usage_type_create(name='=HYPERLINK("http://x")', unit="kwh", factor=Decimal("1"))
    UsageFactory(user=auth_client.user, usage_type=usage_type)
    for name in ("+1", "-1", "@SUM(A1)"):
        UsageFactory(
            user=auth_client.user,
            usage_type=usage_type_create(name=name, unit="l", factor=Decimal("1")),
        )
    text = b"".join(auth_client.get(EXPORT).streaming_content).decode()
    names = sorted(row["usage_type"] for row in csv.DictReader(io.StringIO(text[1:])))
    assert names == sorted(
        ['\'=HYPERLINK("http://x") (kwh)', "'+1 (l)", "'-1 (l)", "'@SUM(A1) (l)"]
    )


def test_the_export_imports_back(staff_client, user, other_user):
    usage_type = usage_type_create(name="=cmd|' /C calc'!A0", unit="kwh", factor=Decimal("2"))
    UsageFactory(user=user, amount=Decimal("12.5"))
    UsageFactory(user=other_user, usage_type=usage_type, amount=Decimal("0.0001"))
    UsageFactory(user=user, usage_type=UsageType.objects.get(pk=104), amount=Decimal("3"))
    exported = b"".join(staff_client.get(EXPORT).streaming_content)

    def fields():
        return sorted(
            (u.user_id, u.usage_type_id, u.usage_at, u.amount, u.factor, u.co2e_kg)
            for u in Usage.objects.all()
        )

    before = fields()
    Usage.objects.all().delete()
    response = staff_client.post(IMPORT, exported, content_type="text/csv")
    assert response.status_code == 201
    assert response.json() == {"created": 3}
    assert fields() == before


def test_a_members_export_imports_back_as_theirs(auth_client):
    UsageFactory(user=auth_client.user)
    exported = b"".join(auth_client.get(EXPORT).streaming_content)
    assert auth_client.post(IMPORT, exported, content_type="text/csv").status_code == 201
    assert Usage.objects.filter(user=auth_client.user).count() == 2


@pytest.mark.parametrize("count", [3, 30])
def test_the_export_streams_in_a_fixed_number_of_queries(
    auth_client, django_assert_num_queries, count
):
    UsageFactory.create_batch(count, user=auth_client.user)
    # The token (2) and the usages with their types (1), however many rows.
    with django_assert_num_queries(3):
        response = auth_client.get(EXPORT)
        rows = read_csv(response)
    assert len(rows) == count


def test_anonymous_callers_are_refused(api_client):
    assert api_client.get(EXPORT).status_code == 401
