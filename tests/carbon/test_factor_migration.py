"""The factor-versions migration: each type's factor becomes its first version, and usages
point at it (or, written with another factor, keep theirs and get no version)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from carbon.models import EmissionFactor, Usage, UsageType
from tests.migrations import migrate, migrate_to_latest

BEFORE = [("carbon", "0005_constraint_messages")]
AFTER = [("carbon", "0008_usagetype_factor_removed")]


@pytest.mark.django_db(transaction=True)
def test_each_factor_becomes_the_first_version_and_usages_point_at_it(user):
    old = migrate(BEFORE)
    try:
        OldType = old.get_model("carbon", "UsageType")
        OldUsage = old.get_model("carbon", "Usage")
        diesel = OldType.objects.create(name="diesel", unit="l", factor="2.68", source="DEFRA")
        at = datetime(2024, 5, 1, tzinfo=UTC)
        same = OldUsage.objects.create(
            user_id=user.pk,
            usage_type=diesel,
            usage_at=at,
            amount="10",
            factor="2.68",
            co2e_kg="26.8",
        )
        # Written before the type's factor was edited in place.
        edited = OldUsage.objects.create(
            user_id=user.pk,
            usage_type=diesel,
            usage_at=at,
            amount="10",
            factor="2.5",
            co2e_kg="25",
        )
    finally:
        migrate(AFTER)
        migrate_to_latest()

    version = EmissionFactor.objects.get(usage_type_id=diesel.pk)
    assert (version.factor, version.valid_from, version.source) == (
        Decimal("2.68"),
        date(1900, 1, 1),
        "DEFRA",
    )
    assert UsageType.objects.get(pk=diesel.pk).factor == Decimal("2.68")
    migrated = Usage.objects.get(pk=same.pk)
    assert (migrated.emission_factor_id, migrated.input_amount, migrated.input_unit) == (
        version.pk,
        Decimal("10"),
        "l",
    )
    kept = Usage.objects.get(pk=edited.pk)
    assert (kept.emission_factor_id, kept.factor, kept.co2e_kg) == (
        None,
        Decimal("2.5"),
        Decimal("25"),
    )
