"""Applying a verified webhook from a peer to our members.

Trust: a peer may create members; it may change only members that came from it or that we
sent it, never a staff or superuser account (see DESIGN.md, "Trust model")."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from core.exceptions import InvalidInput
from members.errors import AccountProtected, NotSharedWithPeer, SyncConflict
from members.models import RetiredMemberId, SyncEvent, SyncInbound, User
from members.selectors import user_shared_with_peer, username_taken
from members.sync.peers import SYNCED_PROFILE_FIELDS, Peer


@transaction.atomic
def inbound_apply(*, peer: Peer, webhook_id: str, payload: dict) -> str:
    """Apply a validated payload once. Returns "applied", "duplicate" or "stale".

    Raises AccountProtected / NotSharedWithPeer (403), SyncConflict (409) or InvalidInput
    (400); then nothing changes and the webhook is not marked as seen."""
    from members import services  # services import this package's outbox

    data = payload["data"]
    if SyncInbound.objects.filter(pk=webhook_id).exists():
        return "duplicate"
    user = User.objects.select_for_update().filter(pk=data["id"]).first()
    if user is not None:
        _change_check(peer=peer, user=user)
    elif (
        payload["type"] != SyncEvent.Type.DELETED
        and RetiredMemberId.objects.filter(pk=data["id"]).exists()
    ):
        # A member deleted here does not come back as somebody else's (ids are never reused).
        raise SyncConflict(f"member {data['id']} was deleted here; its id is not reused")
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

    fields = {name: data[name] for name in SYNCED_PROFILE_FIELDS if name in data}
    if "username" in fields and username_taken(
        username=fields["username"], exclude_id=user.pk if user is not None else None
    ):
        raise SyncConflict(f"username {fields['username']!r} belongs to another member here")
    try:
        if payload["type"] == SyncEvent.Type.DELETED:
            if user is not None and user.is_active:
                services.user_deactivate(user=user, origin_peer=peer.name)
        elif user is None:
            services.user_create(id=data["id"], password=None, origin_peer=peer.name, **fields)
        else:
            # A member turned off here stays off; one this peer turned off comes back with it.
            if not user.is_active and user.deactivated_by_peer == peer.name:
                services.user_reactivate(user=user, origin_peer=peer.name)
            services.user_update(user=user, data=fields, origin_peer=peer.name)
    except DjangoValidationError as exc:  # a model rule the webhook serializer does not repeat
        raise _in_payload(exc) from None
    return "applied"


def _in_payload(exc: DjangoValidationError) -> InvalidInput:
    """The model's errors named where the fields sit in the webhook body (`data.<field>`)."""
    errors = {
        "data" if field == NON_FIELD_ERRORS else f"data.{field}": (
            error.messages[0],
            error.code or "invalid",
        )
        for field, field_errors in exc.update_error_dict({}).items()
        for error in field_errors[:1]
    }
    return InvalidInput(errors=errors)


def _change_check(*, peer: Peer, user: User) -> None:
    if user.is_protected:
        raise AccountProtected("Staff and superuser accounts are not synced.")
    if not user_shared_with_peer(user=user, peer=peer.name):
        raise NotSharedWithPeer()


def _newer_change_applied(*, user_id: str, timestamp) -> bool:
    """Out-of-order delivery: ignore a change older than one already applied for that user."""
    return SyncInbound.objects.filter(user_id=user_id, event_at__gt=timestamp).exists()
