"""Applying a verified webhook from a peer to our members."""

from django.db import IntegrityError, transaction

from members.models import SyncEvent, SyncInbound, User
from members.sync.peers import Peer


class SyncConflict(Exception):
    """The change cannot be applied here (e.g. the username belongs to another member)."""


@transaction.atomic
def inbound_apply(*, peer: Peer, webhook_id: str, payload: dict) -> str:
    """Apply a validated payload once. Returns "applied", "duplicate" or "stale"."""
    from members import services  # services import this package's outbox

    data = payload["data"]
    if SyncInbound.objects.filter(pk=webhook_id).exists():
        return "duplicate"
    user = User.objects.select_for_update().filter(pk=data["id"]).first()
    stale = user is not None and _newer_change_applied(
        user_id=user.pk, timestamp=payload["timestamp"]
    )
    try:
        with transaction.atomic():
            SyncInbound.objects.create(
                webhook_id=webhook_id,
                peer=peer.name,
                type=payload["type"],
                user_id=data["id"],
                event_at=payload["timestamp"],
            )
    except IntegrityError:  # the same webhook, delivered twice at once
        return "duplicate"
    if stale:
        return "stale"

    fields = {k: data[k] for k in ("username", "email", "real_name", "tz") if k in data}
    if "username" in fields:
        taken = User.objects.filter(username=fields["username"])
        if user is not None:
            taken = taken.exclude(pk=user.pk)
        if taken.exists():
            raise SyncConflict(f"username {fields['username']!r} belongs to another member here")
    if payload["type"] == SyncEvent.Type.DELETED:
        if user is not None and user.is_active:
            services.user_deactivate(user=user, origin_peer=peer.name)
    elif user is None:
        services.user_create(id=data["id"], password=None, origin_peer=peer.name, **fields)
    else:
        if not user.is_active:
            services.user_reactivate(user=user, origin_peer=peer.name)
        services.user_update(user=user, data=fields, origin_peer=peer.name)
    return "applied"


def _newer_change_applied(*, user_id: str, timestamp) -> bool:
    """Out-of-order delivery: ignore a change older than one already applied for that user."""
    return SyncInbound.objects.filter(user_id=user_id, event_at__gt=timestamp).exists()
