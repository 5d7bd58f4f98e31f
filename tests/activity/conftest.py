import json
from pathlib import Path

import pytest

from activity import demo
from tests.activity.factories import ActivityPeriodFactory
from tests.members.factories import UserFactory

# A copy of ../shared/fixtures/fullthrottle/members_sample.json, the contract of the feed.
SAMPLE_COPY = Path(__file__).parent / "members_sample.json"


@pytest.fixture
def sample_document() -> dict:
    return json.loads(SAMPLE_COPY.read_text())


@pytest.fixture
def sample_members(db) -> None:
    demo.seed()


@pytest.fixture
def public_feed(settings):
    settings.MEMBERS_FEED_PUBLIC = True


@pytest.fixture
def members_with_periods(db):
    """Build `count` members with `periods` periods each; returns them ordered by id."""

    def build(count: int, periods: int = 3):
        users = UserFactory.create_batch(count)
        for user in users:
            ActivityPeriodFactory.create_batch(periods, user=user)
        return sorted(users, key=lambda u: u.pk)

    return build


@pytest.fixture
def feed_client(api_client, staff_user):
    """Authenticated without token look-ups (query counts show the feed only), as a staff
    account, which is not a member itself, so the feed holds exactly what a test created."""
    api_client.force_authenticate(staff_user)
    return api_client
