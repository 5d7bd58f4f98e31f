"""Ingesting 10,000 users (each with its address and card) from a local fake upstream:
our batched `bulk_create(update_conflicts=True)` upsert vs per-row `update_or_create`.

Both sides fetch the same pages over HTTP from 127.0.0.1 and validate every record the same
way; only the writing differs. A second pass of the same records must create nothing.
"""

from django.utils import timezone

from bench.harness import count_queries, median_ms, ratio
from randomdata.client import RandomDataClient
from randomdata.models import Address, CreditCard, IngestionRun, LinkMethod, RandomUser
from randomdata.records import RecordError, fingerprint_key, parse_user
from randomdata.services import ingest_users
from tests.randomdata.server import FakeUpstream


def _wipe() -> None:
    for model in (Address, CreditCard, RandomUser, IngestionRun):
        model.objects.all().delete()


def _baseline(client: RandomDataClient, size: int) -> int:
    """The obvious implementation: one update_or_create per user, address and card."""
    key = fingerprint_key()
    created = 0
    for page in client.pages("users", size):
        for raw in page:
            try:
                user_fields, address, card = parse_user(raw, key=key)
            except RecordError:
                continue
            now = timezone.now()
            uid = user_fields.pop("uid")
            user, was_created = RandomUser.objects.update_or_create(
                uid=uid,
                defaults={**user_fields, "updated_at": now},
                create_defaults={**user_fields, "fetched_at": now, "updated_at": now},
            )
            created += was_created
            for model, fields in ((Address, address), (CreditCard, card)):
                if fields is None:
                    continue
                fields = dict(fields)
                row_uid = fields.pop("uid")
                values = {**fields, "user": user, "link_method": LinkMethod.EMBEDDED}
                model.objects.update_or_create(
                    uid=row_uid,
                    defaults={**values, "updated_at": now},
                    create_defaults={**values, "fetched_at": now, "updated_at": now},
                )
    return created


def run(args):
    n = 1000 if args.quick else 10_000
    server = FakeUpstream().start()
    try:
        client = RandomDataClient(base_url=server.url, retries=0)
        results: dict = {}

        def ours() -> None:
            server.rewind()
            results["first"] = ingest_users(size=n, client=client)

        def second_pass() -> None:
            server.rewind()
            results["second"] = ingest_users(size=n, client=client)

        def baseline() -> None:
            server.rewind()
            results["baseline_created"] = _baseline(client, n)

        ours_ms = median_ms(ours, repeat=3, setup=_wipe)
        second_ms = median_ms(second_pass, repeat=3)
        rows = (RandomUser.objects.count(), Address.objects.count(), CreditCard.objects.count())
        server.rewind()
        queries = count_queries(lambda: ingest_users(size=n, client=client))
        baseline_ms = median_ms(baseline, repeat=1, setup=_wipe)
        server.rewind()
        fetch_ms = median_ms(lambda: (server.rewind(), list(client.pages("users", n))), repeat=3)
    finally:
        server.stop()
    yield {
        "n": n,
        "records": "users with embedded address and card (3 rows each)",
        "ours_ms": ours_ms,
        "baseline_ms": baseline_ms,
        "ratio": ratio(baseline_ms, ours_ms),
        "fetch_only_ms": fetch_ms,
        "first_pass_created": results["first"].created,
        "second_pass_ms": second_ms,
        "second_pass_created": results["second"].created,
        "second_pass_updated": results["second"].updated,
        "rows_after_second_pass": rows,
        "ours_queries": queries,
        "baseline_created": results["baseline_created"],
    }
