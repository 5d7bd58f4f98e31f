"""Writing the outbox: called by the members services inside their transaction."""

import logging
import uuid
from collections.abc import Sequence
from functools import partial

from django.db import transaction

from members.models import SyncDelivery, SyncEvent, SyncShare, User
from members.sync.peers import SYNCED_FIELDS, peers_configured

logger = logging.getLogger(__name__)


def user_sync_data(user: User) -> dict:
    """The synced fields of a member. Never a password, hash or token."""
    return {name: getattr(user, name) for name in SYNCED_FIELDS}


def _enqueue(delivery_ids: list[int]) -> None:
    """Hand deliveries to Celery. If the broker is down the request still succeeds: the rows
    are committed and the periodic sweep (`members.tasks.sync_sweep`) sends them later."""
    from members.tasks import sync_deliver

    for delivery_id in delivery_ids:
        try:
            sync_deliver.delay(delivery_id)
        except Exception:  # kombu/amqp connection errors vary by transport
            logger.warning(
                "broker unavailable: sync deliveries %s wait for the sweep",
                delivery_ids,
                exc_info=True,
            )
            return


def events_record(*, type: str, users: Sequence[User], origin_peer: str = "") -> list[SyncEvent]:
    """Write one event per member and one delivery per peer (except the origin); send after
    commit. Records each member as shared with those peers (so they may change it).

    Staff and superuser accounts are operators of this site, never sent anywhere."""
    peers = [peer for peer in peers_configured() if peer.name != origin_peer]
    users = [user for user in users if not user.is_protected]
    if not peers or not users:
        return []
    events = SyncEvent.objects.bulk_create(
        [
            SyncEvent(
                id=f"msg_{uuid.uuid4().hex}",
                type=type,
                user_id=user.pk,
                data=user_sync_data(user),
                origin_peer=origin_peer,
            )
            for user in users
        ],
        batch_size=500,
    )
    deliveries = SyncDelivery.objects.bulk_create(
        [SyncDelivery(event=event, peer=peer.name) for event in events for peer in peers],
        batch_size=500,
    )
    if type != SyncEvent.Type.DELETED:
        SyncShare.objects.bulk_create(
            [SyncShare(user=user, peer=peer.name) for user in users for peer in peers],
            batch_size=500,
            ignore_conflicts=True,
        )
    ids = [d.pk for d in deliveries if d.pk is not None]
    if len(ids) != len(deliveries):  # backends that do not return ids from bulk inserts
        ids = list(SyncDelivery.objects.filter(event__in=events).values_list("pk", flat=True))
    transaction.on_commit(partial(_enqueue, ids))
    return events


def event_record(*, type: str, user: User, origin_peer: str = "") -> SyncEvent | None:
    events = events_record(type=type, users=[user], origin_peer=origin_peer)
    return events[0] if events else None
