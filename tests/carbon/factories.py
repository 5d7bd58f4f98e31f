from datetime import UTC, datetime, timedelta
from decimal import Decimal

import factory

from carbon import services
from carbon.models import Usage, UsageType
from carbon.services import co2e_compute
from tests.members.factories import UserFactory


class UsageTypeFactory(factory.django.DjangoModelFactory):
    """A type made by the service, so `factor` becomes its first version (from 1900)."""

    class Meta:
        model = UsageType

    name = factory.Sequence(lambda n: f"fuel-{n}")
    unit = "l"
    factor = Decimal("2.5")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.usage_type_create(**kwargs)


class UsageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Usage

    user = factory.SubFactory(UserFactory)
    usage_type = factory.LazyFunction(lambda: UsageType.objects.get(pk=100))
    # Strictly increasing, so "newest first" is well defined however many a session makes.
    usage_at = factory.Sequence(lambda n: datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=n))
    amount = Decimal("10")
    input_amount = factory.LazyAttribute(lambda u: u.amount)
    input_unit = factory.LazyAttribute(lambda u: u.usage_type.unit)
    emission_factor = factory.LazyAttribute(lambda u: u.usage_type.factor_version_at(u.usage_at))
    factor = factory.LazyAttribute(lambda u: u.emission_factor.factor)
    co2e_kg = factory.LazyAttribute(lambda u: co2e_compute(amount=u.amount, factor=u.factor))
