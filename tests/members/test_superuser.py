import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from members.models import User
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "boss")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "boss@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "")
    return monkeypatch


def _call() -> str:
    out = io.StringIO()
    call_command("create_default_superuser", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("password", "too common"),
        ("short1", "too short"),
        ("8473629105738", "entirely numeric"),
        ("boss@example.com", "too similar"),
    ],
)
def test_weak_password_is_refused_with_exit_status_1_and_nothing_created(env, password, reason):
    env.setenv("DJANGO_SUPERUSER_PASSWORD", password)
    with pytest.raises(CommandError, match=reason) as excinfo:
        _call()
    assert excinfo.value.returncode == 1
    assert not User.objects.exists()


def test_given_strong_password_creates_the_superuser(env):
    env.setenv("DJANGO_SUPERUSER_PASSWORD", "violet-harbour-cantilever-88")
    output = _call()
    assert output == 'Superuser "boss" created.\n'
    user = User.objects.get(username="boss")
    assert (user.is_staff, user.is_superuser, user.email) == (True, True, "boss@example.com")
    assert authenticate(username="boss", password="violet-harbour-cantilever-88") == user


def test_without_a_password_one_is_generated_and_printed_once(env):
    output = _call()
    lines = output.splitlines()
    assert lines[0] == 'Superuser "boss" created.'
    generated = lines[1].split(": ", 1)[1]
    assert len(generated) >= 20
    assert authenticate(username="boss", password=generated) == User.objects.get(username="boss")
    again = _call()
    assert generated not in again


def test_existing_user_is_left_alone(env):
    existing = UserFactory(username="boss", is_staff=False)
    old_hash = existing.password
    env.setenv("DJANGO_SUPERUSER_PASSWORD", "violet-harbour-cantilever-88")
    assert _call() == 'Superuser "boss" already exists; nothing changed.\n'
    existing.refresh_from_db()
    assert (existing.is_staff, existing.password) == (False, old_hash)
    assert User.objects.count() == 1
