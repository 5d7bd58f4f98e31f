from decimal import Decimal

import factory

from inventory.models import Customer, Item


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    name = factory.Sequence(lambda n: f"Item {n}")
    description = factory.Faker("sentence", nb_words=4)
    price = Decimal("10.00")
    quantity = 100
    reorder_level = 10


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Faker("name")
    phone = factory.Sequence(lambda n: f"+9198765{n % 100000:05d}")
    address = factory.Faker("address")
    # Not derived from the Faker name: "Dr. Jane Roe" would give the invalid "dr.@example.com",
    # which a later update (validating the whole row) refuses.
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
