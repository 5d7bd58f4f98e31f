"""Fixtures of the login-period tests: a frozen clock, a member, a staff reader of the feed."""

import pytest
import time_machine
from rest_framework.test import APIClient

from tests.activity.login_periods.doors import START
from tests.members.factories import UserFactory


@pytest.fixture
def clock(db):
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def member(db):
    return UserFactory(username="egon", real_name="Egon Spengler", tz="America/Los_Angeles")


@pytest.fixture
def reader(staff_user) -> APIClient:
    """Reads the feed; a client of its own, so its forced authentication stays out of the way
    of the logins and logouts under test (and a staff account, which the feed leaves out)."""
    client = APIClient()
    client.force_authenticate(staff_user)
    return client
