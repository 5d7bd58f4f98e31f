"""Monthly carbon summary for one member: one aggregate query vs aggregating rows in Python.

200,000 usages across 50 members (`--quick`: 20,000 across 10), two years; the summary of
one member's year by month in Europe/Berlin through our selector, against loading the same
rows and bucketing them in Python.
"""

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection

from bench.harness import count_queries, median_ms, ratio
from carbon.models import Usage, UsageType
from carbon.services import usages_bulk_create
from carbon.summary import usage_summary
from members.services import member_ids_allocate, user_create

TZ = "Europe/Berlin"
START = datetime(2023, 1, 1, tzinfo=UTC)
AFTER = datetime(2024, 1, 1, tzinfo=ZoneInfo(TZ))
BEFORE = datetime(2025, 1, 1, tzinfo=ZoneInfo(TZ))


def _seed(users: int, per_user: int) -> str:
    rng = random.Random(42)
    types = list(UsageType.objects.all())
    ids = member_ids_allocate(count=users)
    members = [user_create(username=f"bench{i}", id=pk) for i, pk in enumerate(ids)]
    span = 2 * 365 * 24 * 3600
    for member in members:
        rows = [
            (
                rng.choice(types),
                START + timedelta(seconds=rng.randrange(span)),
                Decimal(rng.randrange(1, 100_000)) / 100,
            )
            for _ in range(per_user)
        ]
        usages_bulk_create(user=member, rows=rows, batch_size=5000)
    # Fresh planner statistics, as autovacuum would have them on a live database.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return members[0].pk


def _ours(user_id: str):
    return usage_summary(
        queryset=Usage.objects.filter(user_id=user_id),
        group_by="month",
        tz=TZ,
        usage_at_after=AFTER,
        usage_at_before=BEFORE,
    )


def _python(user_id: str) -> dict:
    zone = ZoneInfo(TZ)
    buckets: dict = defaultdict(lambda: {"count": 0, "amounts": defaultdict(Decimal), "co2e": 0})
    rows = Usage.objects.filter(
        user_id=user_id, usage_at__gte=AFTER, usage_at__lt=BEFORE
    ).select_related("usage_type")
    for usage in rows:
        local = usage.usage_at.astimezone(zone)
        bucket = buckets[(local.year, local.month)]
        bucket["count"] += 1
        bucket["amounts"][usage.usage_type.unit] += usage.amount
        bucket["co2e"] += usage.co2e_kg
    return buckets


def run(args):
    users, per_user = (10, 2_000) if args.quick else (50, 4_000)
    user_id = _seed(users, per_user)
    ours = _ours(user_id)
    baseline = _python(user_id)
    # Same numbers both ways.
    assert ours.count == sum(b["count"] for b in baseline.values())
    assert ours.co2e_kg == sum(b["co2e"] for b in baseline.values())
    ours_ms = median_ms(lambda: _ours(user_id), repeat=7)
    baseline_ms = median_ms(lambda: _python(user_id), repeat=5)
    yield {
        "db": connection.vendor,
        "usages": users * per_user,
        "users": users,
        "rows_summarised": ours.count,
        "buckets": len(ours.buckets),
        "ours_ms": ours_ms,
        "baseline_ms": baseline_ms,
        "ratio": ratio(baseline_ms, ours_ms),
        "queries": count_queries(lambda: _ours(user_id)),
        "baseline_queries": count_queries(lambda: _python(user_id)),
    }
