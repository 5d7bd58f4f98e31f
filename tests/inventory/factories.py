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
    email = factory.LazyAttribute(lambda c: f"{c.name.split()[0].lower()}@example.com")
