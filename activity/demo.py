"""The two members of the FullThrottle sample feed, for `manage.py seed_demo` (idempotent)."""

import datetime as dt

import pytz

from activity.models import ActivityPeriod
from activity.services import activity_periods_add
from members.models import User
from members.services import users_bulk_create

SAMPLE_MEMBERS = [
    {
        "id": "W012A3CDE",
        "username": "egon.spengler",
        "real_name": "Egon Spengler",
        "tz": "America/Los_Angeles",
    },
    {
        "id": "W07QCRPA4",
        "username": "glinda.southgood",
        "real_name": "Glinda Southgood",
        "tz": "Asia/Kolkata",
    },
]
# Local wall-clock times in each member's own zone, as the sample shows them.
SAMPLE_PERIODS = [
    (dt.datetime(2020, 2, 1, 13, 33), dt.datetime(2020, 2, 1, 13, 54)),
    (dt.datetime(2020, 3, 1, 11, 11), dt.datetime(2020, 3, 1, 14, 0)),
    (dt.datetime(2020, 3, 16, 17, 33), dt.datetime(2020, 3, 16, 20, 2)),
]


def seed() -> str:
    """Create the sample members and their periods where missing. They cannot log in."""
    existing = set(
        User.objects.filter(pk__in=[m["id"] for m in SAMPLE_MEMBERS]).values_list("pk", flat=True)
    )
    missing = [member for member in SAMPLE_MEMBERS if member["id"] not in existing]
    created_members = len(users_bulk_create(rows=missing))
    created_periods = 0
    for member in SAMPLE_MEMBERS:
        zone = pytz.timezone(member["tz"])
        wanted = [
            (
                zone.localize(start).astimezone(dt.UTC),
                zone.localize(end).astimezone(dt.UTC),
            )
            for start, end in SAMPLE_PERIODS
        ]
        have = set(
            ActivityPeriod.objects.filter(user_id=member["id"]).values_list(
                "start_time", "end_time"
            )
        )
        missing = [period for period in wanted if period not in have]
        if missing:
            created_periods += len(activity_periods_add(user_id=member["id"], periods=missing))
    return (
        f"{created_members} sample members and {created_periods} activity periods created "
        f"({len(SAMPLE_MEMBERS) - created_members} members already there)"
    )
