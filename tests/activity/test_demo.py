from io import StringIO

from django.core.management import call_command

from activity import demo
from activity.models import ActivityPeriod
from members.models import User

REGISTER = "/api/v1/auth/register/"
FIELDS = ["pk", "username", "real_name", "email", "password", "tz"]


def _register(client, username: str) -> None:
    body = {
        "username": username,
        "password": "ghostbusters-1984!",
        "email": f"{username}@example.com",
        "real_name": "Someone Else",
        "tz": "UTC",
    }
    assert client.post(REGISTER, body, format="json").status_code == 201


def test_seed_demo_twice_when_users_took_the_sample_usernames(db, api_client):
    _register(api_client, "Egon.Spengler")  # case differs: usernames are unique regardless
    _register(api_client, "glinda.southgood")
    before = list(User.objects.order_by("pk").values_list(*FIELDS))
    periods = list(ActivityPeriod.objects.order_by("pk").values_list())

    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert "activity: 0 sample members and 0 activity periods created" in out.getvalue()
    samples = User.objects.filter(pk__in=[m["id"] for m in demo.SAMPLE_MEMBERS])
    assert sorted(samples.values_list("username", flat=True)) == [
        "egon.spengler.012a3cde",
        "glinda.southgood.07qcrpa4",
    ]
    assert ActivityPeriod.objects.filter(user__in=samples).count() == 6
    users = User.objects.filter(pk__in=[row[0] for row in before]).order_by("pk")
    assert list(users.values_list(*FIELDS)) == before
    assert list(ActivityPeriod.objects.exclude(user__in=samples).order_by("pk").values_list()) == (
        periods
    )


def test_a_deleted_sample_member_is_made_again_once(db):
    demo.seed()
    User.objects.filter(pk="W012A3CDE").delete()
    assert demo.seed().startswith("1 sample members and 3 activity periods created")
    assert demo.seed().startswith("0 sample members and 0 activity periods created")
    assert User.objects.filter(pk="W012A3CDE").exists()
