"""The two members of the FullThrottle sample feed, for `manage.py seed_demo` (idempotent)."""

import datetime as dt

import pytz

from activity.models import ActivityPeriod
from activity.services import activity_periods_add
from core.exceptions import Conflict
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
    # Keyed by the sample's member ids, which are the demo's own: ids are allocated, never
    # chosen by a user. A username a user has taken meanwhile is left to them; the sample
    # member then gets the generated one (real name plus id).
    existing = set(
        User.objects.filter(pk__in=[m["id"] for m in SAMPLE_MEMBERS]).values_list("pk", flat=True)
    )
    created_members, notes = 0, []
    for member in SAMPLE_MEMBERS:
        if member["id"] in existing:
            continue
        row = dict(member)
        if User.objects.filter(username__iexact=member["username"]).exists():
            del row["username"]
        try:
            created_members += len(users_bulk_create(rows=[row]))
        except Conflict as exc:  # the id was used before: the sample member was deleted
            if exc.code != "id_used":
                raise
            notes.append(f"{member['id']} was deleted and is not made again (ids are never reused)")
        else:
            existing.add(member["id"])
    created_periods = 0
    for member in [m for m in SAMPLE_MEMBERS if m["id"] in existing]:
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
        f"({len(SAMPLE_MEMBERS) - created_members - len(notes)} members already there"
        f"{'; ' + '; '.join(notes) if notes else ''})"
    )
