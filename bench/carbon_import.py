"""CSV import of usages: 100,000 rows in one request vs the same rows created one by one.

Both sides go through the test client with a member's token, so both pay for HTTP handling:
ours is one `POST /api/v1/usages/import/` (text/csv) of all the rows; the baseline is
`POST /api/v1/usages/` per row, measured on a sample (500 rows; `--quick`: 10,000 rows
imported, a sample of 100) and extrapolated per row to the import's size. Target: >= 20x.
"""

import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.test.utils import override_settings
from knox.models import AuthToken
from rest_framework.test import APIClient

from bench.harness import count_queries, ratio
from carbon.models import Usage
from members.services import user_create

START = datetime(2023, 1, 1, tzinfo=UTC)
# (type id, unit sent): kWh types partly sent in MWh, so conversions are paid for too.
KINDS = [(100, ""), (100, "MWh"), (101, ""), (102, "kWh"), (103, "l"), (104, "")]


def _rows(n: int, seed: int) -> list[tuple[int, str, str, str]]:
    rng = random.Random(seed)
    span = 2 * 365 * 24 * 3600
    rows = []
    for _ in range(n):
        type_id, unit = rng.choice(KINDS)
        at = START + timedelta(seconds=rng.randrange(span))
        amount = Decimal(rng.randrange(1, 100_000)) / 100
        rows.append((type_id, at.isoformat(), str(amount), unit))
    return rows


def _csv(rows) -> bytes:
    lines = ["usage_type,usage_at,amount,unit"]
    lines += [",".join(row) for row in ((str(t), at, a, u) for t, at, a, u in rows)]
    return ("\n".join(lines) + "\n").encode()


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user)[1]}")
    return client


def run(args):
    n = 10_000 if args.quick else 100_000
    sample = 100 if args.quick else 500
    member = user_create(username="bench-import")
    client = _client(member)
    body = _csv(_rows(n, seed=42))

    # The request-wide limit (MAX_REQUEST_BODY_BYTES, 1 MB by default) is raised to the
    # import's own for this request: config.observability does not exempt the import yet.
    limit = max(settings.MAX_REQUEST_BODY_BYTES, settings.CARBON_IMPORT_MAX_BYTES)
    with override_settings(MAX_REQUEST_BODY_BYTES=limit):
        start = time.perf_counter()
        response = client.post("/api/v1/usages/import/", body, content_type="text/csv")
        import_ms = (time.perf_counter() - start) * 1000
    assert response.status_code == 201, response.content[:500]
    assert Usage.objects.filter(user=member).count() == n
    Usage.objects.filter(user=member).delete()
    with override_settings(MAX_REQUEST_BODY_BYTES=limit):
        queries = count_queries(
            lambda: client.post("/api/v1/usages/import/", body, content_type="text/csv")
        )
    yield {
        "case": "import_csv",
        "rows": n,
        "bytes": len(body),
        "ms": round(import_ms, 1),
        "rows_per_s": round(n / import_ms * 1000),
        "queries": queries,
    }

    per_row = _rows(sample, seed=7)
    start = time.perf_counter()
    for type_id, at, amount, unit in per_row:
        data = {"usage_type": type_id, "usage_at": at, "amount": amount}
        if unit:
            data["unit"] = unit
        response = client.post("/api/v1/usages/", data, format="json")
        assert response.status_code == 201, response.content[:500]
    sample_ms = (time.perf_counter() - start) * 1000
    ms_per_row = sample_ms / sample
    extrapolated_ms = ms_per_row * n
    yield {
        "case": "per_row_api",
        "rows_measured": sample,
        "ms_measured": round(sample_ms, 1),
        "ms_per_row": round(ms_per_row, 3),
        "rows": n,
        "ms_extrapolated": round(extrapolated_ms, 1),
        "note": f"POST /api/v1/usages/ measured on {sample} rows, extrapolated per row to {n}",
    }
    speedup = ratio(extrapolated_ms, import_ms)
    yield {"case": "speedup", "rows": n, "ratio": speedup, "target": 20, "met": speedup >= 20}
