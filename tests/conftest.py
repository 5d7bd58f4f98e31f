"""Fixtures shared by every app's tests. App-specific ones live in tests/<app>/conftest.py."""

import pytest
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.members.factories import UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    """A staff member holding the inventory permissions (the inventory API asks staff for the
    model permissions, as the admin does) and no other: the members' and carbon's staff-only
    rules are tested against exactly this account."""
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="inventory"))
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def superuser_client(client, superuser):
    """Django's test client with a superuser's session (for the admin's pages)."""
    client.force_login(superuser)
    return client


def _token_client(user) -> APIClient:
    client = APIClient()
    _instance, token = AuthToken.objects.create(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    client.user = user
    return client


@pytest.fixture
def auth_client(user) -> APIClient:
    """An API client authenticated with a real knox token for `user`."""
    return _token_client(user)


@pytest.fixture
def staff_client(staff_user) -> APIClient:
    return _token_client(staff_user)


@pytest.fixture
def make_token_client():
    """Build a token-authenticated client for any user: make_token_client(user)."""
    return _token_client
