"""Factor versions by date, recalculation, units and estimates, from the outside in."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from carbon.models import EmissionFactor, Recalculation, Usage, UsageType
from tests.carbon.factories import UsageFactory

FACTORS = "/api/v1/usage-types/100/factors/"


def add_version(client, valid_from="2025-01-01", factor="1.2"):
    return client.post(
        FACTORS, {"factor": factor, "valid_from": valid_from, "source": "grid 2025"}, format="json"
    )


def create_usage(client, usage_at, amount="10", **extra):
    body = {"usage_type": 100, "usage_at": usage_at, "amount": amount, **extra}
    return client.post("/api/v1/usages/", body, format="json")


def test_a_backdated_usage_takes_the_factor_valid_at_its_date(staff_client, auth_client):
    assert add_version(staff_client).status_code == 201
    old = create_usage(auth_client, "2024-06-01T08:00:00+02:00").json()
    new = create_usage(auth_client, "2025-06-01T08:00:00+02:00").json()
    assert (old["factor"], old["co2e_kg"]) == ("1.500000", "15.000000")
    assert (new["factor"], new["co2e_kg"]) == ("1.200000", "12.000000")
    assert old["emission_factor"] != new["emission_factor"]


def test_adding_a_version_changes_no_saved_usage(staff_client, user):
    usage = UsageFactory(user=user, usage_at=datetime(2025, 6, 1, tzinfo=UTC))
    assert add_version(staff_client).status_code == 201
    usage.refresh_from_db()
    assert usage.factor == Decimal("1.5")


def test_a_member_cannot_add_versions_or_recalculate(auth_client):
    assert add_version(auth_client).status_code == 403
    response = auth_client.post(
        "/api/v1/usage-types/100/recalculate/",
        {"usage_at_after": "2025-01-01T00:00:00Z", "usage_at_before": "2026-01-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 403
    assert auth_client.get("/api/v1/recalculations/").status_code == 403
    assert EmissionFactor.objects.filter(usage_type_id=100).count() == 1
    assert auth_client.get(FACTORS).status_code == 200  # reading is for everyone signed in


@pytest.mark.parametrize("valid_from", ["0001-01-01", "9999-12-31", "1899-12-31", "2025-02-30"])
def test_absurd_valid_from_is_a_400_naming_it(staff_client, valid_from):
    response = add_version(staff_client, valid_from=valid_from)
    assert response.status_code == 400
    assert {e["attr"] for e in response.json()["errors"]} == {"valid_from"}


def test_a_second_version_on_the_same_date_is_a_409(staff_client):
    assert add_version(staff_client).status_code == 201
    response = add_version(staff_client, factor="1.1")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "factor_version_exists"


def test_a_recalculation_changes_exactly_the_usages_in_range(
    staff_client, staff_user, user, other_user
):
    from django.contrib.auth.models import Permission

    staff_user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="carbon",
            codename__in=["add_recalculation", "view_recalculation"],
        )
    )

    def usage(owner, when, type_id=100):
        return UsageFactory(
            user=owner,
            usage_at=datetime.fromisoformat(when),
            usage_type=UsageType.objects.get(pk=type_id),
        )

    inside = [usage(user, "2025-03-01T00:00:00+00:00"), usage(other_user, "2025-05-01T00:00+00:00")]
    before_range = usage(user, "2025-01-15T00:00:00+00:00")
    after_range = usage(user, "2025-07-01T00:00:00+00:00")
    other_type = usage(user, "2025-03-01T00:00:00+00:00", type_id=102)
    assert add_version(staff_client).status_code == 201  # 1.2 from 2025-01-01
    response = staff_client.post(
        "/api/v1/usage-types/100/recalculate/",
        {"usage_at_after": "2025-02-01T00:00:00Z", "usage_at_before": "2025-06-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["usages_changed"] == 2
    factors = dict(Usage.objects.values_list("pk", "factor"))
    assert {factors[u.pk] for u in inside} == {Decimal("1.2")}
    assert factors[before_range.pk] == factors[after_range.pk] == Decimal("1.5")
    assert factors[other_type.pk] == Decimal("3.892")
    assert Usage.objects.get(pk=inside[0].pk).co2e_kg == Decimal("12")
    record = Recalculation.objects.get()
    assert (record.usages_checked, record.usages_changed) == (2, 2)
    assert staff_client.get("/api/v1/recalculations/").json()["results"][0]["id"] == record.pk


def test_an_amount_in_mwh_is_converted_exactly_and_kept_as_sent(auth_client):
    response = create_usage(auth_client, "2024-03-01T08:00:00Z", amount="2.5", unit="MWh")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["amount"], body["unit"]) == ("2500.0000", "kwh")
    assert (Decimal(body["input_amount"]), body["input_unit"]) == (Decimal("2.5"), "MWh")
    assert body["co2e_kg"] == "3750.000000"


@pytest.mark.parametrize(
    ("unit", "code"),
    [
        ("kg", "incompatible_unit"),
        ("furlongs/fortnight", "invalid_unit"),
        ("kWh\x00", "invalid_unit"),
    ],
)
def test_an_incompatible_or_unknown_unit_is_a_400_naming_unit(auth_client, unit, code):
    response = create_usage(auth_client, "2024-03-01T08:00:00Z", unit=unit)
    assert response.status_code == 400
    assert "unit" in {e["attr"] for e in response.json()["errors"]}
    assert not Usage.objects.exists()


def test_an_estimate_answers_without_saving(staff_client, auth_client):
    assert add_version(staff_client).status_code == 201
    response = auth_client.post(
        "/api/v1/estimate/",
        {"usage_type": 100, "amount": "2.5", "unit": "MWh", "at": "2024-06-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert Decimal(body["co2e_kg"]) == Decimal("3750")
    assert Decimal(body["factor"]) == Decimal("1.5")
    assert Decimal(body["amount_in_type_unit"]) == Decimal("2500")
    assert not Usage.objects.exists()


def test_an_import_body_over_the_general_limit_reaches_the_import(auth_client, settings):
    # The request-size middleware lets the import's own, larger limit apply there.
    settings.MAX_REQUEST_BODY_BYTES = 200
    body = "usage_type,usage_at,amount\n" + "100,2024-03-01T08:00:00Z,1\n" * 20
    response = auth_client.post("/api/v1/usages/import/", body, content_type="text/csv")
    assert response.status_code == 201, response.json()
    assert Usage.objects.count() == 20


@pytest.mark.parametrize(
    ("path", "body", "attr"),
    [
        (
            "/api/v1/usages/",
            '{"usage_type": 100, "usage_at": "2024-03-01T08:00:00Z", '
            '"amount": "1", "unit": "\\ud800"}',
            "unit",
        ),
        ("/api/v1/estimate/", '{"usage_type": 100, "amount": "1", "unit": "\\ud800"}', "unit"),
        (
            "/api/v1/estimate/",
            '{"usage_type": 100, "amount": "1", "at": "0001-01-01T00:00:00Z"}',
            "at",
        ),
        (
            "/api/v1/estimate/",
            '{"usage_type": 100, "amount": "1", "at": "9999-12-31T23:59:59Z"}',
            "at",
        ),
        ("/api/v1/estimate/", '{"usage_type": 100, "amount": "1e400"}', "amount"),
    ],
)
def test_hostile_bodies_are_a_400_naming_the_field(auth_client, path, body, attr):
    response = auth_client.post(path, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert attr in {e["attr"] for e in response.json()["errors"]}
    assert not Usage.objects.exists()


@pytest.mark.parametrize("source", ["grid\nmix", "grid\x00mix", "\ud800"])
def test_a_version_source_with_control_characters_is_refused(staff_client, source):
    body = '{"factor": "1.2", "valid_from": "2025-01-01", "source": %s}' % (
        '"grid\\nmix"'
        if source == "grid\nmix"
        else '"grid\\u0000mix"'
        if "\x00" in source
        else '"\\ud800"'
    )
    response = staff_client.post(FACTORS, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert {e["attr"] for e in response.json()["errors"]} == {"source"}
    assert EmissionFactor.objects.filter(usage_type_id=100).count() == 1


def test_the_factor_list_costs_the_same_queries_for_many_versions(
    auth_client, staff_client, django_assert_num_queries
):
    for year in range(2001, 2011):
        assert add_version(staff_client, valid_from=f"{year}-01-01").status_code == 201
    with django_assert_num_queries(5):  # token, type, count, page (+ the user)
        response = auth_client.get(FACTORS)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 11
