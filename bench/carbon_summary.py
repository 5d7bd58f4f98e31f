"""The carbon summary: one aggregate query over UTC period ranges vs aggregating rows in Python.

200,000 usages across 50 members over two years (`--quick`: 20,000 across 10), and on
PostgreSQL also 2,000,000 (40,000 a member). Two cases each, measured side by side:

- `member_month`: one member's year by month in Europe/Berlin (the /carbon/ page's question);
- `everyone_day_by_scope`: staff's view of every usage, two years by day split by scope
  (731 periods), in Europe/Berlin.

Ours is `carbon.summary.usage_summary` (periods cut once in Python, rows matched to them in
SQL); the baseline loads the same rows and buckets them in Python with zoneinfo. On PostgreSQL
the nested-CASE formulation (what SQLite runs) is timed as well, next to `width_bucket`.
"""

import random
from collections import defaultdict
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection

from bench.harness import count_queries, median_ms, ratio
from carbon.models import EmissionFactor, Usage, UsageType
from carbon.services import usages_bulk_create
from carbon.summary import PeriodIndex, usage_summary
from members.services import member_ids_allocate, user_create

TZ = "Europe/Berlin"
START = datetime(2023, 1, 1, tzinfo=UTC)
SPAN_DAYS = 2 * 365
CASES = {
    "member_month": {
        "group_by": "month",
        "split": None,
        "after": datetime(2024, 1, 1, tzinfo=ZoneInfo(TZ)),
        "before": datetime(2025, 1, 1, tzinfo=ZoneInfo(TZ)),
    },
    "everyone_day_by_scope": {
        "group_by": "day",
        "split": "scope",
        "after": datetime(2023, 1, 1, tzinfo=ZoneInfo(TZ)),
        "before": datetime(2025, 1, 1, tzinfo=ZoneInfo(TZ)),
    },
}


def _members(count: int, offset: int) -> list[str]:
    ids = member_ids_allocate(count=count)
    return [user_create(username=f"bench{offset + i}", id=pk).pk for i, pk in enumerate(ids)]


def _seed_python(members: list[str], per_user: int) -> None:
    """Through the service, in batches (SQLite)."""
    rng = random.Random(42)
    types = list(UsageType.objects.all())
    span = SPAN_DAYS * 24 * 3600
    for member in members:
        rows = [
            (
                rng.choice(types),
                START + timedelta(seconds=rng.randrange(span)),
                Decimal(rng.randrange(1, 100_000)) / 100,
                None,
                member,
            )
            for _ in range(per_user)
        ]
        usages_bulk_create(rows=rows, batch_size=5000)


def _seed_sql(members: list[str], per_user: int) -> None:
    """One INSERT ... SELECT generate_series (PostgreSQL): 2M rows in seconds, not minutes.

    Every type has one factor version in the bench database (the migration's), so each usage
    takes that version, as usage_create would.
    """
    versions = list(EmissionFactor.objects.select_related("usage_type").order_by("usage_type"))
    assert len({v.usage_type_id for v in versions}) == len(versions), "one version per type"
    values = ", ".join(["(%s, %s, %s, %s::numeric, %s)"] * len(versions))
    params: list = []
    for i, version in enumerate(versions):
        params += [i, version.usage_type_id, version.pk, version.factor, version.usage_type.unit]
    sql = f"""
        INSERT INTO carbon_usage (user_id, usage_type_id, emission_factor_id, factor, usage_at,
                                  amount, input_amount, input_unit, co2e_kg, created_at,
                                  updated_at)
        SELECT (%s::text[])[1 + s.g / %s], ty.id, ty.ef, ty.factor, s.usage_at, s.amount,
               s.amount, ty.unit, round(s.amount * ty.factor, 6), now(), now()
        FROM (
            SELECT g,
                   %s::timestamptz + random() * interval '{SPAN_DAYS} days' AS usage_at,
                   (1 + floor(random() * 99999))::numeric / 100 AS amount,
                   floor(random() * {len(versions)})::int AS t
            FROM generate_series(0, %s - 1) AS g
        ) AS s
        JOIN (VALUES {values}) AS ty(no, id, ef, factor, unit) ON ty.no = s.t
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(sql, [members, per_user, START, len(members) * per_user, *params])


def _seed(users: int, per_user: int, offset: int) -> str:
    members = _members(users, offset)
    if connection.vendor == "postgresql":
        _seed_sql(members, per_user)
    else:
        _seed_python(members, per_user)
    # Fresh planner statistics, as autovacuum would have them on a live database.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return members[0]


def _queryset(case: str, user_id: str):
    if case == "member_month":
        return Usage.objects.filter(user_id=user_id)
    return Usage.objects.all()


def _ours(case: str, user_id: str):
    spec = CASES[case]
    return usage_summary(
        queryset=_queryset(case, user_id),
        group_by=spec["group_by"],
        split=spec["split"],
        tz=TZ,
        usage_at_after=spec["after"],
        usage_at_before=spec["before"],
    )


def _python(case: str, user_id: str) -> dict:
    """The baseline: every row loaded, cut in the zone and added up in Python."""
    spec = CASES[case]
    zone = ZoneInfo(TZ)
    buckets: dict = defaultdict(lambda: {"count": 0, "amounts": defaultdict(Decimal), "co2e": 0})
    rows = (
        _queryset(case, user_id)
        .filter(usage_at__gte=spec["after"], usage_at__lt=spec["before"])
        .select_related("usage_type")
    )
    for usage in rows:
        local = usage.usage_at.astimezone(zone)
        if spec["group_by"] == "month":
            key = (local.year, local.month)
        else:
            key = (local.date(), usage.usage_type.scope)
        bucket = buckets[key]
        bucket["count"] += 1
        bucket["amounts"][usage.usage_type.unit] += usage.amount
        bucket["co2e"] += usage.co2e_kg
    return buckets


@contextmanager
def _nested_case():
    """PostgreSQL running the nested CASE that SQLite runs, instead of width_bucket."""
    original = PeriodIndex.as_postgresql
    PeriodIndex.as_postgresql = PeriodIndex.as_sql
    try:
        yield
    finally:
        PeriodIndex.as_postgresql = original


def _measure(case: str, user_id: str, usages: int, users: int) -> dict:
    ours = _ours(case, user_id)
    baseline = _python(case, user_id)
    # Same numbers both ways.
    assert ours.count == sum(b["count"] for b in baseline.values())
    assert ours.co2e_kg == sum(b["co2e"] for b in baseline.values())
    periods = {b.period for b in ours.buckets}
    assert len(periods) == len({key[0] if case != "member_month" else key for key in baseline})
    heavy = ours.count > 500_000
    ours_ms = median_ms(lambda: _ours(case, user_id), repeat=3 if heavy else 7)
    baseline_ms = median_ms(lambda: _python(case, user_id), repeat=1 if heavy else 5)
    record = {
        "case": case,
        "db": connection.vendor,
        "usages": usages,
        "users": users,
        "rows_summarised": ours.count,
        "buckets": len(ours.buckets),
        "ours_ms": ours_ms,
        "baseline_ms": baseline_ms,
        "ratio": ratio(baseline_ms, ours_ms),
        "queries": count_queries(lambda: _ours(case, user_id)),
        "baseline_queries": count_queries(lambda: _python(case, user_id)),
    }
    if connection.vendor == "postgresql":
        with _nested_case():
            assert _ours(case, user_id).co2e_kg == ours.co2e_kg
            record["nested_case_ms"] = median_ms(lambda: _ours(case, user_id), repeat=3)
    return record


def run(args):
    sizes = [(10, 2_000)] if args.quick else [(50, 4_000)]
    if connection.vendor == "postgresql" and not args.quick:
        sizes.append((50, 40_000))
    seeded = 0
    for users, per_user in sizes:
        Usage.objects.all().delete()
        user_id = _seed(users, per_user, offset=seeded)
        seeded += users
        for case in CASES:
            yield _measure(case, user_id, users * per_user, users)
