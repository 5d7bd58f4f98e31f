from decimal import Decimal

import factory

from inventory.models import Customer, Item
from inventory.services import item_create


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    name = factory.Sequence(lambda n: f"Item {n}")
    description = factory.Faker("sentence", nb_words=4)
    price = Decimal("10.00")
    quantity = 100
    reorder_level = 10

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the service, as every door creates items: the initial stock is a movement,
        # so every test item satisfies the ledger's invariant.
        return item_create(data=kwargs)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Faker("name")
    phone = factory.Sequence(lambda n: f"+9198765{n % 100000:05d}")
    address = factory.Faker("address")
    # Not derived from the Faker name: "Dr. Jane Roe" would give the invalid "dr.@example.com",
    # which a later update (validating the whole row) refuses.
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
