import factory
from django.contrib.auth.models import Permission

from members.ids import member_id_generate
from members.models import User

TEST_PASSWORD = "correct-horse-battery-staple-42"
USER_MANAGER_PERMISSIONS = ("members.change_user", "members.delete_user")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    id = factory.LazyFunction(member_id_generate)
    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    real_name = factory.Faker("name")
    tz = "Europe/Berlin"
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def permissions(self, create, extracted, **kwargs):
        """`permissions=["members.change_user", ...]` grants those Django permissions."""
        for label in extracted or ():
            app_label, codename = label.split(".")
            self.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def admin_add_form(**changes) -> dict:
    """The admin's "Add member" form as a browser posts it, with `changes` applied."""
    return {
        "username": "walter",
        "real_name": "Walter Peck",
        "email": "walter@example.com",
        "tz": "America/New_York",
        "password1": "epa-inspector-1984",
        "password2": "epa-inspector-1984",
        **changes,
    }
