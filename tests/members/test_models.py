import pytest
from django.core.exceptions import ValidationError

from members.models import User
from members.services import user_create, user_update


def test_new_members_default_to_asia_kolkata(db):
    assert user_create(username="ravi", password=None).tz == "Asia/Kolkata"


@pytest.mark.parametrize("tz", ["Mars/Olympus_Mons", "europe/berlin", "", "UTC+5", "../etc/passwd"])
def test_unknown_time_zone_is_a_validation_error_on_tz(db, tz):
    with pytest.raises(ValidationError) as exc:
        user_create(username="x", password=None, tz=tz)
    assert list(exc.value.message_dict) == ["tz"]
    assert not User.objects.filter(username="x").exists()


@pytest.mark.parametrize("tz", ["America/Los_Angeles", "Asia/Kathmandu", "UTC", "Europe/Berlin"])
def test_iana_zones_are_accepted(db, tz):
    assert user_create(username="x", password=None, tz=tz).tz == tz


def test_update_saves_only_changed_fields(db, django_assert_num_queries):
    user = user_create(username="x", password=None, real_name="Old")
    # savepoint, unique-username check, one UPDATE, release
    with django_assert_num_queries(4):
        user_update(user=user, data={"real_name": "New", "tz": user.tz})
    user.refresh_from_db()
    assert user.real_name == "New"


def test_update_rejects_bad_tz_and_keeps_the_old_one(db):
    user = user_create(username="x", password=None, tz="UTC")
    with pytest.raises(ValidationError):
        user_update(user=user, data={"tz": "Nowhere/Land"})
    user.refresh_from_db()
    assert user.tz == "UTC"
