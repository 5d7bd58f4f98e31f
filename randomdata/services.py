"""The only writers of random data. The command, the Celery tasks and the demo call these."""

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from core.exceptions import Conflict, InvalidInput
from randomdata.client import RandomDataClient
from randomdata.models import (
    ADDRESS_DATA_FIELDS,
    USER_DATA_FIELDS,
    Address,
    CreditCard,
    IngestionKind,
    IngestionLease,
    IngestionRun,
    IngestionStatus,
    LinkMethod,
    RandomUser,
)
from randomdata.records import fingerprint_key, parse_page

logger = logging.getLogger(__name__)

MAX_SKIP_REASONS = 100
Progress = Callable[[int], None]

USER_FIELDS = USER_DATA_FIELDS
ADDRESS_FIELDS = ADDRESS_DATA_FIELDS
CARD_FIELDS = ["upstream_id", "brand", "last4", "expiry_date", "fingerprint"]


class IngestionBusy(Conflict):
    """Another ingestion of the same kind holds the lease."""

    default_code = "ingestion_busy"

    def __init__(self, kind: str):
        super().__init__(f"An ingestion of {kind} is already running; not starting another.")
        self.kind = kind


# --- Lease: never two runs of the same kind at once --------------------------------------
# A lease row per kind, taken with one conditional UPDATE (atomic on SQLite and PostgreSQL,
# shared by every worker and the command) and expiring on its own if the holder dies. A
# transaction-scoped row lock would not do: each batch commits on its own.


def _lease_ttl() -> timedelta:
    return timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 360) + 60)


@contextmanager
def ingestion_lease(*, kind: str) -> Iterator[Callable[[], None]]:
    """Hold the `kind` lease for the block (IngestionBusy if taken); yields a renew function."""
    holder = uuid.uuid4().hex
    IngestionLease.objects.bulk_create([IngestionLease(kind=kind)], ignore_conflicts=True)
    now = timezone.now()
    taken = IngestionLease.objects.filter(Q(holder="") | Q(expires_at__lt=now), kind=kind).update(
        holder=holder, expires_at=now + _lease_ttl()
    )
    if not taken:
        raise IngestionBusy(kind)

    def renew() -> None:
        IngestionLease.objects.filter(kind=kind, holder=holder).update(
            expires_at=timezone.now() + _lease_ttl()
        )

    try:
        yield renew
    finally:
        IngestionLease.objects.filter(kind=kind, holder=holder).update(holder="", expires_at=None)


# --- Batch writers: one call per upstream page, inside one transaction --------------------


def _upsert(model: type[models.Model], objs: list, update_fields: list[str]) -> None:
    model.objects.bulk_create(
        objs,
        update_conflicts=True,
        unique_fields=["uid"],
        update_fields=[*update_fields, "updated_at"],
    )


def _write_users(rows: list[tuple[dict, dict | None, dict | None]], now: datetime) -> int:
    uids = [user["uid"] for user, _address, _card in rows]
    existing = set(RandomUser.objects.filter(uid__in=uids).values_list("uid", flat=True))
    users = [RandomUser(**user, fetched_at=now, updated_at=now) for user, _a, _c in rows]
    _upsert(RandomUser, users, USER_FIELDS)
    # The upsert sets each user's pk (RETURNING, on SQLite and PostgreSQL), inserted or not.
    owner = {user.uid: user.pk for user in users}
    if None in owner.values():  # a backend that cannot return rows from a bulk upsert
        owner = dict(RandomUser.objects.filter(uid__in=uids).values_list("uid", "pk"))

    def embedded(model, fields: dict, user_uid) -> models.Model:
        return model(
            **fields,
            user_id=owner[user_uid],
            link_method=LinkMethod.EMBEDDED,
            fetched_at=now,
            updated_at=now,
        )

    addresses = [embedded(Address, a, u["uid"]) for u, a, _c in rows if a is not None]
    cards = [embedded(CreditCard, c, u["uid"]) for u, _a, c in rows if c is not None]
    links = ["user", "link_method"]
    if addresses:
        _upsert(Address, addresses, [*ADDRESS_FIELDS, *links])
    if cards:
        _upsert(CreditCard, cards, [*CARD_FIELDS, *links])
    # The seed's rule: a standalone record with the same uid as a user belongs to that user.
    owner_pk = Subquery(RandomUser.objects.filter(uid=OuterRef("uid")).values("pk")[:1])
    for model in (Address, CreditCard):
        model.objects.filter(uid__in=uids).exclude(link_method=LinkMethod.UID).update(
            user_id=owner_pk, link_method=LinkMethod.UID
        )
    return len(rows) - len(existing)


def _write_standalone(
    model: type[Address] | type[CreditCard], fields: list[str], rows: list[dict], now: datetime
) -> int:
    uids = [row["uid"] for row in rows]
    existing = {
        uid: (user_id, link)
        for uid, user_id, link in model.objects.filter(uid__in=uids).values_list(
            "uid", "user_id", "link_method"
        )
    }
    owner = dict(RandomUser.objects.filter(uid__in=uids).values_list("uid", "pk"))
    objs = []
    for row in rows:
        if row["uid"] in owner:
            user_id, link = owner[row["uid"]], LinkMethod.UID
        else:  # keep an earlier assignment (by link_random_data) across re-fetches
            user_id, link = existing.get(row["uid"], (None, LinkMethod.NONE))
        objs.append(model(**row, user_id=user_id, link_method=link, fetched_at=now, updated_at=now))
    _upsert(model, objs, [*fields, "user", "link_method"])
    return len(rows) - len(existing)


# --- Ingestion ------------------------------------------------------------------------------


def _write(kind: str, rows: list, now: datetime) -> int:
    if kind == IngestionKind.USERS:
        return _write_users(rows, now)
    if kind == IngestionKind.ADDRESSES:
        return _write_standalone(Address, ADDRESS_FIELDS, rows, now)
    return _write_standalone(CreditCard, CARD_FIELDS, rows, now)


def _ingest(
    *, kind: str, size: int, client: RandomDataClient | None, progress: Progress | None
) -> IngestionRun:
    if size < 1:
        raise InvalidInput("size must be at least 1.", code="min_value", attr="size")
    # Fail before fetching anything when cards would have no fingerprint key.
    key = fingerprint_key() if kind != IngestionKind.ADDRESSES else None
    client = client or RandomDataClient()
    with ingestion_lease(kind=kind) as renew:
        run = IngestionRun.objects.create(kind=kind, started_at=timezone.now(), requested=size)
        try:
            for page in client.pages(kind, size):
                rows, skips = parse_page(kind, page, key=key)
                now = timezone.now()
                # One transaction per page: the rows and the run's counters commit together,
                # so a failure later leaves only whole batches, all of them counted.
                with transaction.atomic():
                    created = _write(kind, rows, now) if rows else 0
                    run.created += created
                    run.updated += len(rows) - created
                    run.skipped += len(skips)
                    room = MAX_SKIP_REASONS - len(run.skip_reasons)
                    run.skip_reasons = [*run.skip_reasons, *skips[: max(room, 0)]]
                    run.save(update_fields=["created", "updated", "skipped", "skip_reasons"])
                    renew()  # in the same commit: one write transaction per page, not two
                for skip in skips:
                    logger.warning("random-data %s record skipped: %s", kind, skip["reason"])
                if progress is not None:
                    progress(len(page))
        except BaseException as exc:
            run.status = IngestionStatus.FAILED
            run.error = str(exc) or type(exc).__name__
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "error", "finished_at"])
            raise
        run.status = IngestionStatus.SUCCEEDED
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
    return run


def ingest_users(
    *, size: int, client: RandomDataClient | None = None, progress: Progress | None = None
) -> IngestionRun:
    """Fetch `size` users and upsert them with their embedded address and card (writes)."""
    return _ingest(kind=IngestionKind.USERS, size=size, client=client, progress=progress)


def ingest_addresses(
    *, size: int, client: RandomDataClient | None = None, progress: Progress | None = None
) -> IngestionRun:
    """Fetch `size` addresses and upsert them, linked by uid when a user matches (writes)."""
    return _ingest(kind=IngestionKind.ADDRESSES, size=size, client=client, progress=progress)


def ingest_credit_cards(
    *, size: int, client: RandomDataClient | None = None, progress: Progress | None = None
) -> IngestionRun:
    """Fetch `size` cards and upsert them without their numbers (writes)."""
    return _ingest(kind=IngestionKind.CREDIT_CARDS, size=size, client=client, progress=progress)


INGESTERS: dict[str, Callable[..., IngestionRun]] = {
    IngestionKind.USERS: ingest_users,
    IngestionKind.ADDRESSES: ingest_addresses,
    IngestionKind.CREDIT_CARDS: ingest_credit_cards,
}


# --- Linking -------------------------------------------------------------------------------


@transaction.atomic
def random_data_link() -> dict[str, int]:
    """Give each user without an address (card) one unassigned address (card) (writes).

    The rule: users in primary-key order are paired with unassigned records in primary-key
    order (oldest first); users that already have one are left alone. Links made here are
    marked `rule`, so `random_data_unlink` can undo exactly them.
    """
    counts = {}
    for name, model, related in (
        ("addresses", Address, "addresses"),
        ("credit_cards", CreditCard, "credit_cards"),
    ):
        users = RandomUser.objects.filter(**{f"{related}__isnull": True}).order_by("pk")
        free = model.objects.filter(user__isnull=True).order_by("pk").select_for_update()
        pairs = list(
            zip(free.values_list("pk", flat=True), users.values_list("pk", flat=True), strict=False)
        )
        model.objects.bulk_update(
            [model(pk=pk, user_id=user_id, link_method=LinkMethod.RULE) for pk, user_id in pairs],
            ["user", "link_method"],
            batch_size=500,
        )
        counts[name] = len(pairs)
    return counts


@transaction.atomic
def random_data_unlink() -> dict[str, int]:
    """Undo `random_data_link`: unassign every record it linked (writes)."""
    return {
        name: model.objects.filter(link_method=LinkMethod.RULE).update(
            user=None, link_method=LinkMethod.NONE
        )
        for name, model in (("addresses", Address), ("credit_cards", CreditCard))
    }
