"""The only writers of activity data. Commands, the demo seeding and tests call these."""

import datetime as dt
import random
import secrets
import string
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pytz
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.utils import timezone

from activity.models import ActivityPeriod
from activity.names import FIRST_NAMES, LAST_NAMES
from members.models import User
from members.services import member_ids_allocate

POPULATE_BATCH_SIZE = 2000
MAX_LOGGED_PERIODS = 10_000


class ActivityError(ValueError):
    """A request the activity services refuse; nothing has been written."""


@dataclass(frozen=True)
class PopulateResult:
    user_ids: list[str]
    periods_created: int
    seconds: float


def _unusable_password() -> str:
    # What make_password(None) stores, without its per-character random.choice loop.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _member_name(rng: random.Random, *, legacy_names: bool) -> tuple[str, str, str]:
    """(real_name, first_name, last_name)."""
    if legacy_names:
        # What the original seeding script produced: ten random uppercase letters.
        name = "".join(rng.choices(string.ascii_uppercase, k=10))
        return name, "", ""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return f"{first} {last}", first, last


def _past_periods(
    rng: random.Random, *, count: int, now: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """`count` non-overlapping periods (5 min to 4 h, gaps of 10 min to 2 days) before now."""
    end = now - dt.timedelta(minutes=rng.randint(1, 30 * 24 * 60))
    periods = []
    for _ in range(count):
        start = end - dt.timedelta(minutes=rng.randint(5, 240))
        periods.append((start, end))
        end = start - dt.timedelta(minutes=rng.randint(10, 2 * 24 * 60))
    periods.reverse()
    return periods


def members_populate(
    *,
    count: int,
    periods_per_member: int = 3,
    seed: int | None = None,
    legacy_names: bool = False,
    now: dt.datetime | None = None,
    batch_size: int = POPULATE_BATCH_SIZE,
    progress: Callable[[int], object] | None = None,
) -> PopulateResult:
    """Create `count` members (unusable passwords, common time zones) with past periods.

    One transaction; users and periods go in with bulk_create in batches. Names, zones and
    periods are reproducible with `seed` (ids are always fresh, never reused).
    """
    if count < 1:
        raise ActivityError(f"The number of members must be at least 1, not {count}.")
    if periods_per_member < 0:
        raise ActivityError(f"Periods per member cannot be negative ({periods_per_member}).")
    started = time.perf_counter()
    rng = random.Random(seed)
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    zones = pytz.common_timezones
    ids = member_ids_allocate(count=count)
    periods_created = 0
    with transaction.atomic():
        for offset in range(0, count, batch_size):
            users, periods = [], []
            for member_id in ids[offset : offset + batch_size]:
                real_name, first, last = _member_name(rng, legacy_names=legacy_names)
                users.append(
                    User(
                        id=member_id,
                        username=f"{real_name.lower().replace(' ', '.')}.{member_id[1:].lower()}",
                        real_name=real_name,
                        first_name=first,
                        last_name=last,
                        tz=rng.choice(zones),
                        password=_unusable_password(),
                        date_joined=now,
                    )
                )
                periods.extend(
                    ActivityPeriod(user_id=member_id, start_time=start, end_time=end)
                    for start, end in _past_periods(rng, count=periods_per_member, now=now)
                )
            User.objects.bulk_create(users, batch_size=batch_size)
            ActivityPeriod.objects.bulk_create(periods, batch_size=batch_size)
            periods_created += len(periods)
            if progress is not None:
                progress(len(users))
    return PopulateResult(
        user_ids=ids, periods_created=periods_created, seconds=time.perf_counter() - started
    )


def members_create(*, count: int, seed: int | None = None) -> list[str]:
    """Create `count` members without activity; returns their ids."""
    return members_populate(count=count, periods_per_member=0, seed=seed).user_ids


@transaction.atomic
def activity_periods_add(
    *, user_id: str, periods: Iterable[tuple[dt.datetime, dt.datetime]]
) -> list[ActivityPeriod]:
    """Store periods for a member; all or nothing. ActivityError on a bad period."""
    if not User.objects.filter(pk=user_id).exists():
        raise ActivityError(f'No member with id "{user_id}".')
    rows = []
    for start, end in periods:
        if timezone.is_naive(start) or timezone.is_naive(end):
            raise ActivityError("Activity times must be timezone-aware.")
        if end <= start:
            raise ActivityError(f"A period must end after it starts ({start} to {end}).")
        rows.append(ActivityPeriod(user_id=user_id, start_time=start, end_time=end))
    return ActivityPeriod.objects.bulk_create(rows)


def activity_log(*, user_id: str, count: int, now: dt.datetime | None = None) -> list:
    """Log `count` consecutive one-hour periods for a member, the last one ending now."""
    if not 1 <= count <= MAX_LOGGED_PERIODS:
        raise ActivityError(
            f"The number of periods must be from 1 to {MAX_LOGGED_PERIODS}, not {count}."
        )
    now = now or timezone.now()
    hour = dt.timedelta(hours=1)
    periods = [
        (now - (count - index) * hour, now - (count - index - 1) * hour) for index in range(count)
    ]
    return activity_periods_add(user_id=user_id, periods=periods)
