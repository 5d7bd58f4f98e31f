"""The only writers of members. Every door (API, admin, commands, demo) calls these."""

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from core.db import datetime_stamper, rows_insert
from core.exceptions import Conflict, InvalidInput
from core.services import fields_check, model_update
from members.errors import AccountProtected, PrivilegesProtected
from members.ids import member_id_generate
from members.models import DEFAULT_TIME_ZONE, RetiredMemberId, SyncEvent, User
from members.selectors import users_named
from members.sync.outbox import event_record, events_record
from members.sync.peers import SYNCED_FIELDS, SYNCED_PROFILE_FIELDS, peers_configured

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


def _ids_used(ids: Iterable[str]) -> set[str]:
    """Those of `ids` that a member has now or had before (retired ids)."""
    ids = list(ids)
    used: set[str] = set()
    for start in range(0, len(ids), _ID_BATCH):
        chunk = ids[start : start + _ID_BATCH]
        used.update(User.objects.filter(pk__in=chunk).values_list("pk", flat=True))
        used.update(RetiredMemberId.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    return used


def member_ids_allocate(*, count: int, exclude: Iterable[str] = ()) -> list[str]:
    """`count` fresh ids, none used by a member now or ever before (reads only)."""
    taken = set(exclude)
    ids: list[str] = []
    while len(ids) < count:
        wanted = count - len(ids)
        candidates = {member_id_generate() for _ in range(wanted)} - taken
        taken.update(_ids_used(candidates))
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


# What a seeding row may give; the other columns are the same for every seeded member.
SEED_FIELDS = frozenset({"id", "username", "real_name", "first_name", "last_name", "email", "tz"})
_SEED_COLUMNS = (
    "id",
    "username",
    "real_name",
    "first_name",
    "last_name",
    "email",
    "tz",
    "password",
    "is_superuser",
    "is_staff",
    "is_active",
    "date_joined",
)
_SEED_FLAGS = (False, False, True)  # is_superuser, is_staff, is_active


def _unusable_password() -> str:
    # What make_password(None) stores, without its per-character random.choice loop.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


SEED_BATCH_SIZE = 2000


@transaction.atomic
def users_bulk_create(
    *,
    rows: Iterable[Mapping[str, str]],
    count: int | None = None,
    joined: dt.datetime | None = None,
    batch_size: int = SEED_BATCH_SIZE,
    inserted: Callable[[list[str]], object] | None = None,
) -> list[str]:
    """Insert seeded members (populate, insert_user, demo data) in bulk and queue their sync.

    Each row holds some of SEED_FIELDS. A row without `id` gets one from member_ids_allocate(),
    drawn for the whole run at once so that rows go in in primary-key order; an explicit id (a
    fixture's) must never have been used (Conflict). A row without `username` gets the dotted,
    lower-case real name plus the id (unique as the id is). Seeded members are active, not
    staff, joined at `joined` (default now) and cannot log in. The rows are the services' own
    data, not validated field by field (the database's constraints hold).

    `rows` is read `batch_size` rows at a time (a generator of `count` rows keeps memory flat);
    after each batch is written, and before the next row is read, `inserted` gets that batch's
    ids. Returns all ids in the order of `rows`.
    """
    allocated = member_ids_allocate(count=len(rows) if count is None else count)
    fresh = iter(allocated)
    stamp = datetime_stamper()
    date_joined = stamp((joined or timezone.now()).astimezone(dt.UTC).replace(tzinfo=None))
    rows = iter(rows)
    explicit_seen: set[str] = set()
    ids: list[str] = []
    while batch := list(islice(rows, batch_size)):
        fields_check(data=dict.fromkeys(set().union(*batch)), fields=SEED_FIELDS)
        explicit = [row["id"] for row in batch if row.get("id")]
        if explicit:
            again = {i for i, n in Counter(explicit).items() if n > 1} | (
                explicit_seen & set(explicit)
            )
            used = _ids_used(explicit) | again | set(explicit).intersection(allocated)
            if used:
                raise Conflict(
                    f"Member ids are never reused; already used here: {', '.join(sorted(used))}.",
                    code="id_used",
                    attr="id",
                )
            explicit_seen.update(explicit)
        values = [_seed_values(row, fresh=fresh, date_joined=date_joined) for row in batch]
        rows_insert(User, _SEED_COLUMNS, values)
        if peers_configured():
            # They reach peer sites like any other member (outbox rows in this transaction).
            users = [User(**dict(zip(_SEED_COLUMNS, row, strict=True))) for row in values]
            events_record(type=SyncEvent.Type.CREATED, users=users)
        batch_ids = [row[0] for row in values]
        ids.extend(batch_ids)
        if inserted is not None:
            inserted(batch_ids)
    return ids


def _seed_values(row: Mapping[str, str], *, fresh: Iterator[str], date_joined) -> tuple:
    """The _SEED_COLUMNS of one seeded member."""
    member_id = row.get("id") or next(fresh, None)
    if member_id is None:
        raise InvalidInput("More rows than `count`.", attr="count")
    real_name = row.get("real_name", "")
    email = row.get("email", "")
    return (
        member_id,
        row.get("username") or f"{real_name.lower().replace(' ', '.')}.{member_id[1:].lower()}",
        real_name,
        row.get("first_name", ""),
        row.get("last_name", ""),
        User.objects.normalize_email(email) if email else "",
        row.get("tz", DEFAULT_TIME_ZONE),
        _unusable_password(),
        *_SEED_FLAGS,
        date_joined,
    )


# A member's profile, which they change themself, is what peers share of them.
USER_PROFILE_FIELDS = frozenset(SYNCED_PROFILE_FIELDS)
# Who is staff or superuser only a superuser decides.
USER_PRIVILEGE_FIELDS = frozenset({"is_staff", "is_superuser"})
# What staff change in the admin besides the profile.
USER_ACCOUNT_FIELDS = frozenset({"first_name", "last_name", "is_active"}) | USER_PRIVILEGE_FIELDS
USER_UPDATABLE_FIELDS = USER_PROFILE_FIELDS | USER_ACCOUNT_FIELDS


@transaction.atomic
def user_update(
    *, user: User, data: dict, actor: User | None = None, origin_peer: str = ""
) -> User:
    """Change fields of USER_UPDATABLE_FIELDS (validated); saves only what changed and queues
    the sync when a synced field changed.

    `actor` is who asks (None: the system itself, e.g. sync, which checks its own rules); only
    a superuser changes a staff or superuser account or makes anyone staff or superuser.
    Turning a member on or off here clears `deactivated_by_peer`: no peer may turn it on again
    by its own rule."""
    fields_check(data=data, fields=USER_UPDATABLE_FIELDS)
    changed = {name for name, value in data.items() if getattr(user, name) != value}
    if actor is not None:
        user_change_check(actor=actor, target=user)
        if changed & USER_PRIVILEGE_FIELDS and not actor.is_superuser:
            raise PrivilegesProtected()
    if "is_active" in changed:
        data = {**data, "deactivated_by_peer": ""}
    user, _ = model_update(
        instance=user, fields=USER_UPDATABLE_FIELDS | {"deactivated_by_peer"}, data=data
    )
    if changed & set(SYNCED_FIELDS):
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
