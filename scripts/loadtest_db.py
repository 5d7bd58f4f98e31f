"""Database side of `make loadtest`: seed through the apps' services, verify stock afterwards.

Run by scripts.loadtest as a subprocess with the load-test environment (DATABASE_URL pointing
at the throw-away load-test database), so Django's settings never see another database:

    python -m scripts.loadtest_db seed --members 10000 --usages 100000 --items 1000 \
        --customers 50 --out seed.json
    python -m scripts.loadtest_db verify --seed seed.json --out verify.json
    python -m scripts.loadtest_db profile --seed seed.json --out profile.json
"""

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

import django

USAGE_TYPE_IDS = (100, 101, 102, 103, 104)  # loaded by the carbon migration
# Items 0-4 (in creation order) have a stock of 1, so purchases meet a few 409s at once: the
# purchase script (loadtest_purchase.lua) has customers 2k and 2k+1 buy item index
# (round + k) % items at the same time, so item k < 25 is asked for 2 (k + 1) times in all, in
# rounds 0..k: 30 requests for these five items, 5 sold, 25 refused with 409.
LOW_STOCK_INDEXES = range(5)
LOW_STOCK = 1
MEMBER_USAGE_SHARE = 0.02  # the normal (token) member owns this share of the usages
PROFILE_CALLS = 10  # requests per endpoint under cProfile (own time is shown per request)


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def _timed(timings: dict, name: str, started: float) -> None:
    timings[name] = round(time.perf_counter() - started, 2)
    print(f"  seeded {name} in {timings[name]:.1f} s", file=sys.stderr, flush=True)


def seed(args) -> dict:
    _setup()
    from django.db import transaction
    from django.utils import timezone
    from knox.models import AuthToken

    from activity.services import members_populate
    from carbon.models import UsageType
    from carbon.services import NewUsage, usages_bulk_create
    from inventory.services import customer_create, item_create
    from members.services import user_create

    rng = random.Random(args.seed)
    timings: dict[str, float] = {}
    started_all = time.perf_counter()

    # Members: the activity app's populate service (what `manage.py populate` calls).
    started = time.perf_counter()
    result = members_populate(count=args.members, periods_per_member=3, seed=args.seed)
    _timed(timings, "members", started)

    # Operators: a staff user and a normal member, each with a knox token.
    started = time.perf_counter()
    staff = user_create(
        username="loadtest-staff", real_name="Load Test Staff", tz="UTC", is_staff=True
    )
    member = user_create(username="loadtest-member", real_name="Load Test Member", tz="UTC")
    _instance, staff_token = AuthToken.objects.create(staff)
    _instance, member_token = AuthToken.objects.create(member)
    _timed(timings, "users+tokens", started)

    # Usages: through the carbon service's bulk insert (each row with the factor version valid
    # at its date), owners spread over the seeded members. A share belongs to the token member
    # so that its own page is realistic.
    started = time.perf_counter()
    types = list(UsageType.objects.filter(pk__in=USAGE_TYPE_IDS).order_by("pk"))
    if not types:
        raise SystemExit("usage types 100-104 missing: did the carbon migration run?")
    now = timezone.now()
    year_seconds = 365 * 24 * 3600
    own = int(args.usages * MEMBER_USAGE_SHARE)
    ids = result.user_ids
    owners = [member.pk] * own + [
        ids[int(rng.random() * len(ids))] for _ in range(args.usages - own)
    ]
    rows = []
    for owner in owners:
        usage_type = types[int(rng.random() * len(types))]
        amount = Decimal(1 + int(rng.random() * 100_000)) / 100
        usage_at = now - dt.timedelta(seconds=int(rng.random() * year_seconds))
        rows.append(NewUsage(usage_type, usage_at, amount, user_id=owner))
    created = usages_bulk_create(rows=rows, batch_size=5000)
    _timed(timings, "usages", started)

    # Items and customers: the inventory services.
    started = time.perf_counter()
    items = []
    with transaction.atomic():
        for index in range(args.items):
            low = index in LOW_STOCK_INDEXES
            item = item_create(
                data={
                    "sku": f"LT-{index:05d}",
                    "name": f"Load test item {index:05d}",
                    "description": "Seeded by make loadtest",
                    "price": Decimal(100 + index % 900) / 10,
                    "quantity": LOW_STOCK if low else args.stock,
                    "reorder_level": 5,
                }
            )
            items.append(item)
        customers = [
            customer_create(
                data={
                    "name": f"Load test customer {index:03d}",
                    "phone": f"+9198765{index:05d}",
                    "address": f"{index} MG Road, Bengaluru 560001",
                    "email": f"customer{index}@example.com",
                }
            )
            for index in range(args.customers + 1)  # the last one is for the preflight request
        ]
    _timed(timings, "items+customers", started)
    timings["total"] = round(time.perf_counter() - started_all, 2)
    return {
        "members": args.members,
        "periods": result.periods_created,
        "usages": created,
        "member_usages": own,
        "staff_token": staff_token,
        "member_token": member_token,
        "customer_ids": [c.pk for c in customers[:-1]],
        "preflight_customer_id": customers[-1].pk,
        "item_ids": [i.pk for i in items],
        "initial_stock": {str(i.pk): i.quantity for i in items},
        "low_stock_items": sum(1 for i in items if i.quantity == LOW_STOCK),
        "timings": timings,
    }


def verify(args) -> dict:
    """Stock never below zero; initial stock == current stock + units on invoice lines."""
    _setup()
    from django.db.models import F, Sum
    from django.db.models.functions import Coalesce

    from inventory.models import Invoice, InvoiceLine, Item

    initial = {
        int(pk): qty for pk, qty in json.loads(Path(args.seed).read_text())["initial_stock"].items()
    }
    sold = dict(
        InvoiceLine.objects.values("item_id")
        .annotate(units=Sum("quantity"))
        .values_list("item_id", "units")
    )
    current = dict(Item.objects.values_list("pk", "quantity"))
    negative = sorted(pk for pk, qty in current.items() if qty < 0)
    mismatched = sorted(
        pk for pk, qty in initial.items() if qty != current.get(pk, 0) + sold.get(pk, 0)
    )
    totals_off = Invoice.objects.annotate(
        lines_total=Coalesce(Sum(F("lines__quantity") * F("lines__unit_price")), Decimal(0))
    ).exclude(total=F("lines_total"))
    return {
        "items": len(current),
        "lines": InvoiceLine.objects.count(),
        "units_sold": sum(sold.values()),
        "invoices": Invoice.objects.count(),
        "negative_stock_items": negative[:20],
        "negative_stock_count": len(negative),
        "mismatched_items": mismatched[:20],
        "mismatched_count": len(mismatched),
        "invoice_totals_off": totals_off.count(),
        "sold_out_items": sum(1 for qty in current.values() if qty == 0),
    }


def _profile_cases(seed: dict) -> list[tuple[str, str, str, str | None]]:
    """(name, method, path, token) of the endpoints scripts.loadtest drives."""
    staff, member = seed["staff_token"], seed["member_token"]
    return [
        ("healthz (baseline)", "GET", "/healthz", None),
        ("members feed limit=200", "GET", "/activity_record/members/?limit=200", member),
        ("usages page (staff, all)", "GET", "/api/v1/usages/", staff),
        ("usages page (member, own)", "GET", "/api/v1/usages/", member),
        ("items page", "GET", "/api/items/", None),
        (
            "purchases POST",
            "POST",
            f"/api/customer-purchase/{seed['preflight_customer_id']}",
            staff,
        ),
    ]


def profile(args) -> list[dict]:
    """Where one request of each endpoint spends its time, in-process (no HTTP server): queries,
    time in SQL, the rest (Python: framework, serialization), and the costliest functions."""
    _setup()
    import cProfile
    import pstats
    import statistics

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    seed = json.loads(Path(args.seed).read_text())
    client = Client(HTTP_HOST="127.0.0.1")
    # Purchases go to the preflight customer, each with an item it has not bought yet and that
    # has plenty of stock: from the end of the list (the last one is the preflight's).
    fresh_items = iter(seed["item_ids"][-2 : LOW_STOCK_INDEXES.stop : -1])
    results = []
    for name, method, path, token in _profile_cases(seed):
        headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}

        def call(method=method, path=path, headers=headers):
            if method == "POST":
                body = json.dumps([{"item": next(fresh_items), "quantity": 1}])
                return client.post(path, body, content_type="application/json", **headers)
            return client.get(path, **headers)

        call()  # warm caches (URL resolver, content types, ...)
        samples = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = call()
                total = time.perf_counter() - started
            sql = sum(float(q["time"]) for q in queries.captured_queries)
            samples.append((total, sql, queries.captured_queries, response))
        # The machine may be shared: the minimum is the least disturbed estimate of the cost.
        best = min(samples, key=lambda sample: sample[0])
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(PROFILE_CALLS):
            call()
        profiler.disable()
        stats = pstats.Stats(profiler)
        top = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:8]
        slowest = max(best[2], key=lambda q: float(q["time"]), default=None)
        response = best[3]
        results.append(
            {
                "endpoint": name,
                "status": response.status_code,
                "bytes": len(response.content),
                "queries": len(best[2]),
                "min_ms": round(best[0] * 1000, 2),
                "median_ms": round(statistics.median(s[0] for s in samples) * 1000, 2),
                "sql_ms": round(best[1] * 1000, 2),
                "python_ms": round((best[0] - best[1]) * 1000, 2),
                "queries_sql": [
                    f"{float(q['time']) * 1000:.1f}ms {q['sql'][:160]}" for q in best[2]
                ],
                "slowest_query": (
                    {"ms": round(float(slowest["time"]) * 1000, 2), "sql": slowest["sql"][:300]}
                    if slowest
                    else None
                ),
                "top_tottime": [
                    f"{Path(file).name}:{line} {func} {internal * 1000 / PROFILE_CALLS:.2f}ms"
                    for (file, line, func), (_cc, _calls, internal, _ct, _callers) in top
                ],
            }
        )
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    seeding = commands.add_parser("seed")
    seeding.add_argument("--members", type=int, default=10_000)
    seeding.add_argument("--usages", type=int, default=100_000)
    seeding.add_argument("--items", type=int, default=1_000)
    seeding.add_argument("--customers", type=int, default=50)
    seeding.add_argument("--stock", type=int, default=100_000)
    seeding.add_argument("--seed", type=int, default=8)
    seeding.add_argument("--out", required=True)
    checking = commands.add_parser("verify")
    checking.add_argument("--seed", required=True, help="the JSON written by `seed`")
    checking.add_argument("--out", required=True)
    profiling = commands.add_parser("profile")
    profiling.add_argument("--seed", required=True, help="the JSON written by `seed`")
    profiling.add_argument("--repeat", type=int, default=20)
    profiling.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    result = {"seed": seed, "verify": verify, "profile": profile}[args.command](args)
    Path(args.out).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
