"""Delivering outbox rows to peers: claim, POST signed, record, reschedule."""

import logging
import random
import time
from datetime import timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from members.models import SyncAttempt, SyncDelivery, SyncPeerState
from members.sync.peers import peer_get
from members.sync.signing import body_encode, sign

logger = logging.getLogger(__name__)

# A claimed delivery is not due again for this long, so two workers never send it at once.
CLAIM_SECONDS = 120


def retry_delay(attempts: int) -> timedelta | None:
    """Delay after the `attempts`-th failure (±10% jitter), or None when we give up."""
    schedule = settings.SYNC_RETRY_SCHEDULE
    if attempts > len(schedule):
        return None
    base = schedule[attempts - 1]
    return timedelta(seconds=base * random.uniform(0.9, 1.1))


def _claim(delivery_id: int) -> bool:
    now = timezone.now()
    claimed = (
        SyncDelivery.objects.filter(pk=delivery_id, status=SyncDelivery.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
    )
    return claimed == 1


def delivery_attempt(*, delivery_id: int) -> SyncDelivery | None:
    """Try one delivery now if it is due; record the attempt. Returns None if not ours to send."""
    if not _claim(delivery_id):
        return None
    delivery = SyncDelivery.objects.select_related("event").get(pk=delivery_id)
    peer = peer_get(delivery.peer)
    if peer is None:
        delivery.status = SyncDelivery.Status.FAILED
        delivery.last_error = "peer is no longer configured"
        delivery.save(update_fields=["status", "last_error"])
        return delivery
    if SyncPeerState.objects.filter(name=peer.name, disabled_at__isnull=False).exists():
        delivery.status = SyncDelivery.Status.DISABLED
        delivery.save(update_fields=["status"])
        return delivery

    event = delivery.event
    body = body_encode(
        {
            "type": event.type,
            "timestamp": event.created_at.isoformat(),
            "data": peer.to_wire(event.data),
        }
    )
    headers = sign(secret=peer.secret, msg_id=event.id, timestamp=timezone.now(), body=body)
    headers.update({"content-type": "application/json", "webhook-source": settings.SYNC_SITE_NAME})
    started = time.monotonic()
    status_code, error = None, ""
    try:
        response = requests.post(
            peer.url,
            data=body.encode(),
            headers=headers,
            timeout=settings.SYNC_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error = response.text[:500]
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    duration_ms = int((time.monotonic() - started) * 1000)
    _record(delivery, status_code=status_code, error=error, duration_ms=duration_ms)
    return delivery


@transaction.atomic
def _record(
    delivery: SyncDelivery, *, status_code: int | None, error: str, duration_ms: int
) -> None:
    now = timezone.now()
    SyncAttempt.objects.create(
        delivery=delivery, status_code=status_code, duration_ms=duration_ms, error=error
    )
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error
    if status_code is not None and 200 <= status_code < 300:
        delivery.status = SyncDelivery.Status.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif status_code == 410:
        # The peer says this endpoint is gone for good: stop sending to it.
        SyncPeerState.objects.update_or_create(
            name=delivery.peer,
            defaults={"disabled_at": now, "disabled_reason": "answered 410 Gone"},
        )
        delivery.status = SyncDelivery.Status.DISABLED
        delivery.next_attempt_at = None
    else:
        delay = retry_delay(delivery.attempts)
        if delay is None:
            delivery.status = SyncDelivery.Status.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = now + delay
    delivery.save(
        update_fields=[
            "attempts",
            "last_status_code",
            "last_error",
            "status",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    logger.info(
        "sync delivery %s to %s: attempt %s, status %s, %s ms",
        delivery.pk,
        delivery.peer,
        delivery.attempts,
        status_code,
        duration_ms,
    )


def deliveries_due(*, limit: int = 500) -> list[int]:
    """Ids of pending deliveries whose time has come."""
    now = timezone.now()
    return list(
        SyncDelivery.objects.filter(status=SyncDelivery.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def deliveries_reset(*, ids: list[int] | None = None) -> int:
    """Make failed and pending deliveries due now ("retry now"); returns how many."""
    qs = SyncDelivery.objects.filter(
        status__in=[SyncDelivery.Status.PENDING, SyncDelivery.Status.FAILED]
    )
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(status=SyncDelivery.Status.PENDING, next_attempt_at=None)


def peer_enable(*, name: str) -> int:
    """Re-enable a peer disabled by a 410; its disabled deliveries become due again."""
    SyncPeerState.objects.filter(name=name).update(disabled_at=None, disabled_reason="")
    return SyncDelivery.objects.filter(peer=name, status=SyncDelivery.Status.DISABLED).update(
        status=SyncDelivery.Status.PENDING, next_attempt_at=None
    )


def deliveries_retry_now(*, peer: str | None = None) -> dict[str, int]:
    """Make failed and waiting deliveries due, and attempt each now (in this process).

    Returns how many ended in each status; deliveries another worker holds are skipped."""
    qs = SyncDelivery.objects.filter(
        status__in=[SyncDelivery.Status.PENDING, SyncDelivery.Status.FAILED]
    )
    if peer:
        qs = qs.filter(peer=peer)
    ids = sorted(qs.values_list("pk", flat=True))
    deliveries_reset(ids=ids)
    counts = dict.fromkeys(SyncDelivery.Status.values, 0)
    for delivery_id in ids:
        delivery = delivery_attempt(delivery_id=delivery_id)
        if delivery is not None:
            counts[delivery.status] += 1
    counts["retried"] = len(ids)
    return counts
