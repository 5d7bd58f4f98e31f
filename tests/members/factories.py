import factory

from members.ids import member_id_generate
from members.models import User

TEST_PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    id = factory.LazyFunction(member_id_generate)
    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    real_name = factory.Faker("name")
    tz = "Europe/Berlin"
    password = factory.django.Password(TEST_PASSWORD)
