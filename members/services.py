"""The only writers of members. Every door (API, admin, commands, demo) calls these."""

import secrets
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from core.exceptions import InvalidInput
from core.services import fields_check, model_update
from members.errors import AccountProtected
from members.ids import member_id_generate
from members.models import DEFAULT_TIME_ZONE, RetiredMemberId, SyncEvent, User
from members.selectors import users_named
from members.sync.outbox import event_record, events_record
from members.sync.peers import peers_configured

_ID_BATCH = 900  # stays under SQLite's bound-parameter limit


def user_change_allowed(*, actor: User, target: User) -> bool:
    """Whether `actor` may change or delete `target` (reads only).

    The one place of the rule: only a superuser changes or deletes a staff or superuser
    account (anyone may change their own). Which accounts an actor reaches at all is the
    door's business (model permissions, the member's own account)."""
    return actor.is_superuser or actor.pk == target.pk or not target.is_protected


def user_change_check(*, actor: User, target: User) -> None:
    """Raise AccountProtected (403) unless user_change_allowed()."""
    if not user_change_allowed(actor=actor, target=target):
        raise AccountProtected()


def member_ids_allocate(*, count: int, exclude: Iterable[str] = ()) -> list[str]:
    """`count` fresh ids, none used by a member now or ever before (reads only)."""
    taken = set(exclude)
    ids: list[str] = []
    while len(ids) < count:
        wanted = count - len(ids)
        candidates = {member_id_generate() for _ in range(wanted)} - taken
        for start in range(0, len(candidates), _ID_BATCH):
            chunk = list(candidates)[start : start + _ID_BATCH]
            taken.update(User.objects.filter(pk__in=chunk).values_list("pk", flat=True))
            taken.update(RetiredMemberId.objects.filter(pk__in=chunk).values_list("pk", flat=True))
        fresh = sorted(candidates - taken)[:wanted]
        taken.update(fresh)
        ids.extend(fresh)
    return ids


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None = None,
    email: str = "",
    real_name: str = "",
    tz: str = DEFAULT_TIME_ZONE,
    id: str | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
    validate_password_strength: bool = True,
    origin_peer: str = "",
) -> User:
    """Create a member (validated) and queue its sync to peers (except `origin_peer`, which
    the member is recorded as coming from).

    Without a password the account cannot log in.
    """
    user = User(
        id=id or member_ids_allocate(count=1)[0],
        username=username,
        email=User.objects.normalize_email(email or ""),
        real_name=real_name,
        tz=tz,
        is_staff=is_staff,
        is_superuser=is_superuser,
        origin_peer=origin_peer,
    )
    user.full_clean(exclude=["password"])
    if password is None:
        user.set_unusable_password()
    else:
        if validate_password_strength:
            validate_password(password, user=user)
        user.set_password(password)
    user.save(force_insert=True)
    event_record(type=SyncEvent.Type.CREATED, user=user, origin_peer=origin_peer)
    return user


def users_bulk_create(*, users: list[User], batch_size: int = 1000) -> list[User]:
    """Insert many prepared members at once (seeding) and queue their sync in bulk."""
    with transaction.atomic():
        created = User.objects.bulk_create(users, batch_size=batch_size)
        events_record(type=SyncEvent.Type.CREATED, users=created)
    return created


USER_UPDATABLE_FIELDS = frozenset({"email", "real_name", "tz", "username"})


def users_sync_created(*, user_ids: list[str]) -> int:
    """Queue the sync of members that a seeding service inserted in bulk (call it inside the
    same transaction as the insert). Returns how many events were written."""
    if not peers_configured():
        return 0
    written = 0
    for start in range(0, len(user_ids), _ID_BATCH):
        users = list(User.objects.filter(pk__in=user_ids[start : start + _ID_BATCH]))
        written += len(events_record(type=SyncEvent.Type.CREATED, users=users))
    return written


@transaction.atomic
def user_update(
    *, user: User, data: dict, actor: User | None = None, origin_peer: str = ""
) -> User:
    """Change profile fields (validated); saves only what changed and queues its sync.

    `actor` is who asks (None: the system itself, e.g. sync, which checks its own rules)."""
    fields_check(data=data, fields=USER_UPDATABLE_FIELDS)
    if actor is not None:
        user_change_check(actor=actor, target=user)
    user, changed = model_update(instance=user, fields=USER_UPDATABLE_FIELDS, data=data)
    if changed:
        event_record(type=SyncEvent.Type.UPDATED, user=user, origin_peer=origin_peer)
    return user


@transaction.atomic
def user_deactivate(*, user: User, origin_peer: str = "") -> User:
    """Turn a member off (a peer deleted it): it can no longer log in or appear as a member.

    Records which peer did it: only that peer may turn the member on again."""
    user.is_active = False
    user.deactivated_by_peer = origin_peer
    user.save(update_fields=["is_active", "deactivated_by_peer"])
    event_record(type=SyncEvent.Type.DELETED, user=user, origin_peer=origin_peer)
    return user


@transaction.atomic
def user_reactivate(*, user: User, origin_peer: str = "") -> User:
    """Turn a member on again (the peer that turned it off sent a change)."""
    user.is_active = True
    user.deactivated_by_peer = ""
    user.save(update_fields=["is_active", "deactivated_by_peer"])
    return user


@transaction.atomic
def user_delete(*, user: User, actor: User | None = None) -> None:
    """Delete a member, retire the id so it is never issued again, and queue the sync.

    `actor` is who asks (None: the system itself)."""
    if actor is not None:
        user_change_check(actor=actor, target=user)
    RetiredMemberId.objects.get_or_create(id=user.pk)
    event_record(type=SyncEvent.Type.DELETED, user=user)
    user.delete()


@transaction.atomic
def users_bulk_delete(*, actor: User, ids: set[str]) -> int:
    """Delete several members, all or none (unknown ids: 400; a protected account: 403).

    Their ids are retired; returns how many were deleted."""
    # Row locks in primary-key order: two bulk deletes never deadlock on each other.
    users = list(User.objects.filter(pk__in=ids).select_for_update().order_by("pk"))
    missing = sorted(set(ids) - {user.pk for user in users})
    if missing:
        raise InvalidInput(
            f"Not found: {', '.join(missing)}. Nothing was deleted.", code="not_found", attr="ids"
        )
    for user in users:
        user_change_check(actor=actor, target=user)
    for user in users:
        user_delete(user=user)
    return len(users)


def superuser_ensure(
    *, username: str, email: str = "", password: str | None = None
) -> tuple[User, str | None, bool]:
    """Make sure an admin account exists.

    Returns (user, generated_password, created). A given password must pass Django's
    validators (ValidationError otherwise); without one a strong password is generated
    and returned so the caller can print it once. An existing account is left as it is.
    """
    existing = users_named(username=username).first()
    if existing is not None:
        return existing, None, False
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(18)
    user = user_create(
        username=username,
        email=email,
        password=password,
        real_name="Administrator",
        tz="UTC",
        is_staff=True,
        is_superuser=True,
    )
    return user, generated, True
