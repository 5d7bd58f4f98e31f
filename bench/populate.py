"""`populate`: members/s of our bulk service vs the seed-style per-row `.create()` loop.

ours:  activity.services.members_populate (ids allocated in bulk, batched inserts, one
       transaction) for 100,000 members x 3 periods (`--quick`: 10,000).
naive: what the original script did: `User.objects.create()` then three
       `ActivityPeriod.objects.create()` per member, each its own autocommitted INSERT,
       on 2,000 members (`--quick`: 500).
"""

import datetime as dt
import random
import string
import time

import pytz
from django.db import connection
from django.utils import timezone

from activity.models import ActivityPeriod
from activity.services import members_populate
from members.models import User
from members.services import member_ids_allocate


def _naive(count: int) -> None:
    rng = random.Random(2)
    now = timezone.now()
    for member_id in member_ids_allocate(count=count):
        name = "".join(rng.choices(string.ascii_uppercase, k=10))
        user = User.objects.create(
            id=member_id,
            username=f"{name.lower()}.{member_id.lower()}",
            real_name=name,
            tz=rng.choice(pytz.common_timezones),
            password="!unusable",
        )
        for hours in (30, 20, 10):
            start = now - dt.timedelta(hours=hours)
            ActivityPeriod.objects.create(
                user=user, start_time=start, end_time=start + dt.timedelta(minutes=45)
            )


def _rate(fn, count: int) -> tuple[float, float]:
    started = time.perf_counter()
    fn(count)
    seconds = time.perf_counter() - started
    return round(count / seconds, 1), round(seconds, 3)


def run(args):
    ours_count = 10_000 if args.quick else 100_000
    naive_count = 500 if args.quick else 2_000
    naive_rate, naive_s = _rate(_naive, naive_count)
    ours_rate, ours_s = _rate(
        lambda n: members_populate(count=n, periods_per_member=3, seed=1), ours_count
    )
    assert ActivityPeriod.objects.count() == 3 * (ours_count + naive_count)
    yield {
        "members": ours_count,
        "periods": ours_count * 3,
        "ours_members_per_s": ours_rate,
        "ours_s": ours_s,
        "naive_members": naive_count,
        "naive_members_per_s": naive_rate,
        "naive_s": naive_s,
        "ratio": round(ours_rate / naive_rate, 2),
        "db": connection.vendor,
    }
