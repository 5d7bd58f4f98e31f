from datetime import UTC, datetime
from decimal import Decimal

import pytest

from carbon import imports
from carbon.imports import usages_import
from carbon.models import Usage
from carbon.services import usage_type_create
from tests.carbon.factories import UsageFactory

IMPORT = "/api/v1/usages/import/"
HEADER = "usage_type,usage_at,amount,unit\n"
GOOD_ROW = "100,2024-03-01T08:00:00+01:00,12.5,kWh\n"


def post_csv(client, text: str | bytes, **extra):
    return client.post(IMPORT, text, content_type="text/csv", **extra)


def errors_of(response) -> list[tuple]:
    return [(e["row"], e["attr"], e["code"]) for e in response.json()["errors"]]


def test_import_creates_every_row_for_the_caller(auth_client):
    body = HEADER + GOOD_ROW + "101,2024-03-02T08:00:00Z,3,\n"
    response = post_csv(auth_client, body)
    assert response.status_code == 201
    assert response.json() == {"created": 2}
    usages = Usage.objects.order_by("usage_at")
    assert [(u.user_id, u.usage_type_id, u.amount, u.factor) for u in usages] == [
        (auth_client.user.pk, 100, Decimal("12.5"), Decimal("1.5")),
        (auth_client.user.pk, 101, Decimal("3"), Decimal("26.93")),
    ]
    assert usages[0].usage_at == datetime(2024, 3, 1, 7, tzinfo=UTC)
    assert usages[0].co2e_kg == Decimal("18.75")


def test_a_file_with_bad_rows_saves_nothing_and_lists_every_bad_cell(auth_client):
    body = (
        HEADER
        + GOOD_ROW
        + "999,2024-03-01T08:00:00Z,1,\n"  # row 3
        + "100,2024-03-01T08:00:00,1,\n"  # row 4: naive
        + "100,2024-03-01T08:00:00Z,-2,\n"  # row 5
        + "100,2024-03-01T08:00:00Z,2,kg\n"  # row 6: a mass for an energy type
        + "\n"  # row 7: blank, skipped but counted
        + "100,2250-01-01T00:00:00Z,,\n"  # row 8: out of range, no amount
    )
    response = post_csv(auth_client, body)
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert errors_of(response) == [
        (3, "usage_type", "not_found"),
        (4, "usage_at", "naive"),
        (5, "amount", "invalid"),
        (6, "unit", "incompatible_unit"),
        (8, "amount", "required"),
        (8, "usage_at", "out_of_range"),
    ]
    assert body["error_count"] == 6
    assert body["errors"][0]["column"] == "usage_type"
    assert not Usage.objects.exists()


def test_errors_are_capped_at_100_with_the_total(auth_client):
    body = HEADER + "100,yesterday,1,\n" * 150
    response = post_csv(auth_client, body)
    assert response.status_code == 400
    assert len(response.json()["errors"]) == 100
    assert response.json()["error_count"] == 150
    assert response.json()["errors"][-1]["row"] == 101


def test_bom_semicolons_and_decimal_commas_from_european_spreadsheets(auth_client):
    body = "\ufeffusage_type;usage_at;amount\r\n100;2024-03-01T08:00:00+01:00;12,5\r\n"
    response = post_csv(auth_client, body.encode("utf-8"))
    assert response.status_code == 201
    assert Usage.objects.get().amount == Decimal("12.5")


def test_a_decimal_comma_is_refused_in_a_comma_separated_file(auth_client):
    response = post_csv(
        auth_client, 'usage_type,usage_at,amount\n100,2024-03-01T08:00:00Z,"12,5"\n'
    )
    assert errors_of(response) == [(2, "amount", "invalid")]


def test_units_are_converted_to_the_types_unit(auth_client):
    response = post_csv(auth_client, HEADER + "100,2024-03-01T08:00:00Z,2.5,MWh\n")
    assert response.status_code == 201
    usage = Usage.objects.get()
    assert (usage.amount, usage.input_amount, usage.input_unit) == (
        Decimal("2500"),
        Decimal("2.5"),
        "MWh",
    )


@pytest.mark.parametrize(
    ("cell", "type_id"),
    [("104", 104), ("electricity", 100), ("Electricity", 100), ("heating (m3)", 104)],
)
def test_usage_type_by_id_name_or_name_and_unit(auth_client, cell, type_id):
    response = post_csv(auth_client, f"usage_type,usage_at,amount\n{cell},2024-03-01T08:00:00Z,1\n")
    assert response.status_code == 201
    assert Usage.objects.get().usage_type_id == type_id


def test_a_name_of_several_types_asks_for_the_id_or_the_unit(auth_client):
    response = post_csv(auth_client, "usage_type,usage_at,amount\nheating,2024-03-01T08:00:00Z,1\n")
    assert errors_of(response) == [(2, "usage_type", "ambiguous")]
    assert "heating (m3)" in response.json()["errors"][0]["detail"]


def test_a_member_cannot_import_for_another_member(auth_client, other_user):
    body = f"usage_type,usage_at,amount,user\n100,2024-03-01T08:00:00Z,1,{other_user.pk}\n"
    by_column = post_csv(auth_client, body)
    by_param = post_csv(auth_client, HEADER + GOOD_ROW, QUERY_STRING=f"user={other_user.pk}")
    assert (by_column.status_code, by_param.status_code) == (400, 400)
    assert [(e["attr"], e["code"]) for e in by_column.json()["errors"]] == [
        ("user", "permission_denied")
    ]
    assert [(e["attr"], e["code"]) for e in by_param.json()["errors"]] == [
        ("user", "permission_denied")
    ]
    assert not Usage.objects.exists()


def test_staff_import_for_members_by_column_and_by_param(staff_client, user, other_user):
    body = (
        "usage_type,usage_at,amount,user\n"
        f"100,2024-03-01T08:00:00Z,1,{user.pk}\n"
        "100,2024-03-02T08:00:00Z,2,\n"
        "100,2024-03-03T08:00:00Z,3,W00000000\n"
    )
    refused = post_csv(staff_client, body, QUERY_STRING=f"user={other_user.pk}")
    assert errors_of(refused) == [(4, "user", "not_found")]
    response = post_csv(
        staff_client, body.rsplit("\n", 2)[0] + "\n", QUERY_STRING=f"user={other_user.pk}"
    )
    assert response.status_code == 201
    owners = list(Usage.objects.order_by("usage_at").values_list("user_id", flat=True))
    assert owners == [user.pk, other_user.pk]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("", "empty"),
        ("\n\n", "empty"),
        ("usage_type,usage_at,amount\n", "empty"),
        ("usage_type,amount\n100,1\n", "missing_columns"),
        ("usage_type,usage_at,amount,colour\n100,2024-03-01T08:00:00Z,1,red\n", "unknown_columns"),
        ("usage_type,usage_at,amount,amount\n100,2024-03-01T08:00:00Z,1,1\n", "duplicate_columns"),
        (b"usage_type,usage_at,amount\n100,2024-03-01T08:00:00Z,1\xff\n", "invalid_encoding"),
        (b"usage_type,usage_at,amount\n\xed\xa0\x80,2024-03-01T08:00:00Z,1\n", "invalid_encoding"),
        ("usage_type,usage_at,amount\n100\x00,2024-03-01T08:00:00Z,1\n", "invalid_text"),
        ('usage_type,usage_at,amount\n"100,2024-03-01T08:00:00Z,1\n', "invalid_csv"),
    ],
)
def test_a_bad_file_is_a_400_naming_it(auth_client, body, code):
    response = post_csv(auth_client, body)
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [("file", code)]


def test_missing_and_unknown_columns_are_named(auth_client):
    missing = post_csv(auth_client, "usage_type,amount\n100,1\n").json()["errors"][0]["detail"]
    unknown = post_csv(auth_client, "usage_type,usage_at,amount,Colour\n").json()
    assert "usage_at" in missing
    assert "colour" in unknown["errors"][0]["detail"]


def test_a_lone_surrogate_in_text_is_refused(user):
    with pytest.raises(imports.InvalidInput) as caught:
        usages_import(actor=user, data="usage_type,usage_at,amount\n\ud800,x,1\n")
    assert (caught.value.attr, caught.value.code) == ("file", "invalid_text")


def test_more_rows_than_the_limit_is_a_400_naming_the_file(auth_client, monkeypatch):
    monkeypatch.setattr(imports, "IMPORT_MAX_ROWS", 3)
    response = post_csv(auth_client, HEADER + GOOD_ROW * 4)
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [
        ("file", "too_many_rows")
    ]


def test_a_body_over_carbon_import_max_bytes_is_a_413(auth_client, settings):
    settings.CARBON_IMPORT_MAX_BYTES = 1000
    response = post_csv(auth_client, HEADER + GOOD_ROW * 40)
    assert response.status_code == 413
    assert response.json()["type"] == "client_error"
    assert [e["code"] for e in response.json()["errors"]] == ["request_too_large"]
    assert not Usage.objects.exists()


def test_a_multipart_file_over_the_limit_is_a_413(auth_client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.CARBON_IMPORT_MAX_BYTES = 1000
    upload = SimpleUploadedFile("u.csv", (HEADER + GOOD_ROW * 40).encode(), "text/csv")
    response = auth_client.post(IMPORT, {"file": upload}, format="multipart")
    assert response.status_code == 413


def test_a_multipart_file_is_imported(auth_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("u.csv", (HEADER + GOOD_ROW).encode(), "text/csv")
    response = auth_client.post(IMPORT, {"file": upload}, format="multipart")
    assert response.status_code == 201
    assert response.json() == {"created": 1}


def test_a_multipart_form_without_the_file_is_a_400_naming_it(auth_client):
    response = auth_client.post(IMPORT, {"other": "x"}, format="multipart")
    assert response.status_code == 400
    assert [e["attr"] for e in response.json()["errors"]] == ["other"]


def test_json_is_refused_as_unsupported(auth_client):
    response = auth_client.post(IMPORT, {"usage_type": 100}, format="json")
    assert response.status_code == 415


def test_anonymous_callers_are_refused(api_client):
    assert post_csv(api_client, HEADER + GOOD_ROW).status_code == 401


def test_a_backdated_row_takes_the_factor_valid_at_its_date(auth_client):
    from carbon.models import UsageType
    from carbon.services import emission_factor_add

    emission_factor_add(
        usage_type=UsageType.objects.get(pk=100),
        factor=Decimal("0.4"),
        valid_from=datetime(2024, 1, 1).date(),
    )
    body = HEADER + "100,2023-06-01T00:00:00Z,1,\n100,2024-06-01T00:00:00Z,1,\n"
    assert post_csv(auth_client, body).status_code == 201
    assert list(Usage.objects.order_by("usage_at").values_list("factor", flat=True)) == [
        Decimal("1.5"),
        Decimal("0.4"),
    ]


def test_an_export_escaped_cell_imports_back(auth_client):
    usage_type_create(name="=HYPERLINK(x)", unit="kwh", factor=Decimal("1"))
    body = "usage_type,usage_at,amount\n'=HYPERLINK(x) (kwh),2024-03-01T08:00:00Z,1\n"
    assert post_csv(auth_client, body).status_code == 201
    assert Usage.objects.get().usage_type.name == "=HYPERLINK(x)"


def test_the_import_takes_a_fixed_number_of_queries(auth_client, django_assert_num_queries):
    UsageFactory(user=auth_client.user)  # the table is not empty
    body = HEADER + GOOD_ROW * 50
    # The token (2), the types and their versions (2); then in one transaction (2 savepoints)
    # the versions again and one INSERT (SQLite splits larger ones by its parameter limit).
    with django_assert_num_queries(10):
        response = post_csv(auth_client, body)
    assert response.json() == {"created": 50}
