"""The members demo is idempotent whatever users added: it knows its members by its own keys
(core.demo_rows), never by a username a user may hold in any case."""

from io import StringIO

import pytest
from django.core.management import call_command

from carbon.models import Usage
from members import demo
from members.models import User

REGISTER = (
    '{"username": "Ada", "password": "ghostbusters-1984!", "email": "ada@example.org",'
    ' "real_name": "Ada the user", "tz": "Europe/Paris"}'
)


def _seed_twice() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_user_holding_a_demo_username_in_another_case_keeps_it(client):
    # Registered before the first seed_demo, as a newcomer following the README might.
    response = client.post("/api/v1/auth/register/", REGISTER, content_type="application/json")
    assert response.status_code == 201
    user = User.objects.get(username="Ada")

    _seed_twice()

    user.refresh_from_db()
    assert (user.real_name, user.email, user.tz) == (
        "Ada the user",
        "ada@example.org",
        "Europe/Paris",
    )
    assert user.check_password("ghostbusters-1984!")
    assert not Usage.objects.filter(user=user).exists()  # no demo usages on the user's account
    samples = {m.username: m for m in demo.sample_members()}
    assert set(samples) == {"ada.demo", "grace", "alan", "katherine"}
    assert Usage.objects.filter(user=samples["ada.demo"]).exists()
    assert User.objects.filter(real_name="Ada Lovelace").count() == 1


@pytest.mark.django_db
def test_a_renamed_demo_member_is_not_made_again():
    _seed_twice()
    grace = User.objects.get(username="grace")
    User.objects.filter(pk=grace.pk).update(username="grace.h")

    out = _seed_twice()

    assert User.objects.filter(real_name="Grace Hopper").count() == 1
    assert "0 demo members created, 4 already there" in out


@pytest.mark.django_db
def test_samples_seeded_before_the_keys_existed_are_adopted_not_doubled():
    demo.seed()
    from core.models import DemoRow

    DemoRow.objects.filter(key__in=[f"member:{m['username']}" for m in demo.DEMO_MEMBERS]).delete()

    demo.seed()

    assert User.objects.filter(real_name="Ada Lovelace").count() == 1
    assert len(demo.sample_members()) == 4
