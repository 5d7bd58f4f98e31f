"""The carbon admin is a door onto the carbon services, like the API."""

from datetime import UTC, date
from decimal import Decimal

import pytest
from django.utils import timezone

from carbon.models import Usage, UsageType
from tests.carbon.factories import UsageFactory, UsageTypeFactory


def test_a_usage_type_added_in_the_admin_is_validated_like_the_api(superuser_client):
    response = superuser_client.post(
        "/admin/carbon/usagetype/add/",
        {"name": "Diesel\nEXPIRED", "unit": "l", "factor": "2.68", "source": ""},
    )

    assert response.status_code == 200  # the form again, with the error
    assert "control characters" in response.content.decode()
    assert not UsageType.objects.filter(unit="l", factors__factor=Decimal("2.68")).exists()


def test_a_factor_changed_in_the_admin_adds_a_version_and_leaves_saved_usages_as_they_were(
    superuser_client, superuser
):
    usage_type = UsageTypeFactory(name="diesel", unit="l", factor=Decimal("2.5"))
    usage = UsageFactory(usage_type=usage_type, amount=Decimal("10"))

    response = superuser_client.post(
        f"/admin/carbon/usagetype/{usage_type.pk}/change/",
        {"name": "diesel", "unit": "l", "factor": "3.0", "source": "DEFRA 2024"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    usage_type = UsageType.objects.get(pk=usage_type.pk)
    assert (usage_type.factor, usage_type.source) == (Decimal("3.0"), "DEFRA 2024")
    today = timezone.now().astimezone(UTC).date()
    assert list(usage_type.factors.values_list("valid_from", "factor", "created_by")) == [
        (date(1900, 1, 1), Decimal("2.5"), None),
        (today, Decimal("3.0"), superuser.pk),
    ]
    usage.refresh_from_db()
    assert (usage.factor, usage.co2e_kg) == (Decimal("2.5"), Decimal("25"))


def test_a_usage_type_in_use_cannot_be_deleted_in_the_admin(superuser_client):
    usage = UsageFactory()

    response = superuser_client.post(
        f"/admin/carbon/usagetype/{usage.usage_type_id}/delete/", {"post": "yes"}
    )

    assert response.status_code == 200
    assert "Cannot delete" in response.content.decode()
    assert UsageType.objects.filter(pk=usage.usage_type_id).exists()


def test_usages_deleted_in_bulk_in_the_admin_are_gone(superuser_client):
    usages = UsageFactory.create_batch(3)

    response = superuser_client.post(
        "/admin/carbon/usage/",
        {"action": "delete_selected", "_selected_action": [u.pk for u in usages], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Usage.objects.filter(pk__in=[u.pk for u in usages]).exists()


def test_a_bulk_delete_that_meets_a_refusal_deletes_nothing(rf, superuser):
    """The admin's delete_queryset is all or nothing (core.admin.ServiceDeleteMixin)."""
    from django.contrib import admin as django_admin

    from carbon.admin import UsageTypeAdmin
    from core.exceptions import Conflict

    unused = UsageTypeFactory(name="unused")
    used = UsageFactory().usage_type
    request = rf.post("/admin/carbon/usagetype/")
    request.user = superuser
    model_admin = UsageTypeAdmin(UsageType, django_admin.site)

    with pytest.raises(Conflict):
        model_admin.delete_queryset(request, UsageType.objects.filter(pk__in=[unused.pk, used.pk]))

    assert UsageType.objects.filter(pk__in=[unused.pk, used.pk]).count() == 2


# --- issue 14: a changelist that fits, human messages, titles ----------------------------------


def test_the_usages_changelist_fits_a_laptop_screen_without_a_query_per_row(
    superuser_client, django_assert_max_num_queries
):
    UsageFactory.create_batch(20)

    with django_assert_max_num_queries(12):
        response = superuser_client.get("/admin/carbon/usage/")

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 20
    # The action checkbox and five short columns: date, member, type, amount, emissions.
    text = response.content.decode()
    start = text.index("<thead>")
    head = text[start : text.index("</thead>", start)]
    assert head.count('<th scope="col"') == 6


@pytest.mark.parametrize(
    ("amount", "message"), [("0", "The amount must be greater than 0."), ("-2", "greater than 0")]
)
def test_a_database_rule_broken_in_the_usage_form_shows_its_human_message(
    superuser_client, user, amount, message
):
    response = superuser_client.post(
        "/admin/carbon/usage/add/",
        {
            "user": user.pk,
            "usage_type": 100,
            "usage_at_0": "2026-01-02",
            "usage_at_1": "10:00:00",
            "amount": amount,
        },
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert b"carbon_usage_amount_gt_0" not in response.content
    assert not Usage.objects.exists()


def test_a_usage_type_form_shows_the_human_message_of_its_rules(superuser_client):
    UsageTypeFactory(name="diesel", unit="l")

    response = superuser_client.post(
        "/admin/carbon/usagetype/add/",
        {"name": "diesel", "unit": "l", "factor": "0", "source": ""},
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "A usage type with this name and unit already exists." in text
    assert "carbon_usagetype" not in text


def test_a_usage_page_is_titled_by_what_when_and_who(superuser_client):
    usage_type = UsageTypeFactory(name="electricity", unit="kWh")
    usage = UsageFactory(usage_type=usage_type, amount=Decimal("12.0000"))
    usage.usage_at = usage.usage_at.replace(year=2026, month=1, day=2)
    usage.save()

    response = superuser_client.get(f"/admin/carbon/usage/{usage.pk}/change/")

    title = f"electricity 12 kWh on 2026-01-02 ({usage.user.username})"
    assert title in response.content.decode()
