"""Demo random data for `manage.py seed_demo`: a small live fetch, else the bundled fixtures.

Idempotent: once random users exist nothing more is loaded.
"""

import json
import threading
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from randomdata import services
from randomdata.client import RandomDataClient, UpstreamError
from randomdata.models import Address, CreditCard, IngestionKind, LinkMethod, RandomUser
from randomdata.records import fingerprint_key

LIVE_SIZE = 5
FIXTURE_PATTERNS = {
    IngestionKind.USERS: "user_*.json",
    IngestionKind.ADDRESSES: "address_*.json",
    IngestionKind.CREDIT_CARDS: "credit_card*.json",
}


def fixtures_dir() -> Path:
    return Path(settings.RANDOM_DATA_FIXTURES_DIR or Path(__file__).parent / "fixtures")


class FixtureClient:
    """Serves the bundled upstream samples through the client interface (size is ignored)."""

    base_url = "bundled fixtures"

    def records(self, resource: str) -> list:
        out: list = []
        for path in sorted(fixtures_dir().glob(FIXTURE_PATTERNS[resource])):
            data = json.loads(path.read_text(encoding="utf-8"))
            out.extend(data if isinstance(data, list) else [data])
        return out

    def pages(self, resource: str, size: int) -> Iterator[list]:
        yield self.records(resource)


def _upstream_reachable(client: RandomDataClient, timeout: float) -> bool:
    """One tiny request, bounded in time as a whole (DNS included, which requests does not)."""
    outcome: list[bool] = []

    def probe() -> None:
        try:
            client.fetch_page(IngestionKind.ADDRESSES, 1)
        except UpstreamError:
            outcome.append(False)
        else:
            outcome.append(True)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(outcome and outcome[0])


def seed() -> str:
    """Load demo random data once: live from the upstream if it answers, else the fixtures."""
    if RandomUser.objects.exists():
        embedded = {"link_method": LinkMethod.EMBEDDED}
        return (
            f"random data already there ({RandomUser.objects.count()} users, "
            f"{Address.objects.count()} addresses ({Address.objects.filter(**embedded).count()} "
            f"embedded in users), {CreditCard.objects.count()} cards "
            f"({CreditCard.objects.filter(**embedded).count()} embedded in users))"
        )
    kinds = list(IngestionKind.values)
    notes = []
    try:
        fingerprint_key()
    except ImproperlyConfigured:
        kinds = [IngestionKind.ADDRESSES]
        notes.append("users and cards skipped: set RANDOM_DATA_FINGERPRINT_KEY")
    timeout = settings.RANDOM_DATA_DEMO_TIMEOUT
    live = RandomDataClient(connect_timeout=timeout, read_timeout=timeout, retries=0)
    if _upstream_reachable(live, timeout):
        client, source, size = live, f"fetched from {live.base_url}", LIVE_SIZE
    else:
        client = FixtureClient()
        source = f"upstream {live.base_url} unreachable, loaded the bundled fixtures"
        size = 0
    counts = []
    for kind in kinds:
        wanted = size or len(client.records(kind))
        before = (Address.objects.count(), CreditCard.objects.count())
        run = services.INGESTERS[kind](size=wanted, client=client)
        if kind == IngestionKind.USERS:
            # A user record embeds an address and a card, stored as rows of their own.
            addresses = Address.objects.count() - before[0]
            cards = CreditCard.objects.count() - before[1]
            counts.append(
                f"{run.created} {kind} (with {addresses} embedded addresses and {cards} "
                f"embedded cards)"
            )
        else:
            counts.append(f"{run.created} {kind}")
    return f"{', '.join(counts)} created ({source}{'; ' + '; '.join(notes) if notes else ''})"
