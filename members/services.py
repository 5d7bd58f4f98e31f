"""The only writers of members. Every door (API, admin, commands, demo) calls these."""

import secrets
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from members.ids import member_id_generate
from members.models import DEFAULT_TIME_ZONE, RetiredMemberId, User

_ID_BATCH = 900  # stays under SQLite's bound-parameter limit


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
) -> User:
    """Create a member (validated). Without a password the account cannot log in."""
    user = User(
        id=id or member_ids_allocate(count=1)[0],
        username=username,
        email=User.objects.normalize_email(email or ""),
        real_name=real_name,
        tz=tz,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    user.full_clean(exclude=["password"])
    if password is None:
        user.set_unusable_password()
    else:
        if validate_password_strength:
            validate_password(password, user=user)
        user.set_password(password)
    user.save(force_insert=True)
    return user


USER_UPDATABLE_FIELDS = frozenset({"email", "real_name", "tz", "username"})


@transaction.atomic
def user_update(*, user: User, data: dict) -> User:
    """Change profile fields (validated); saves only the fields that changed."""
    unknown = set(data) - USER_UPDATABLE_FIELDS
    if unknown:
        raise ValueError(f"Not updatable here: {', '.join(sorted(unknown))}")
    changed = [name for name, value in data.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, data[name])
    if changed:
        user.full_clean(exclude=["password"])
        user.save(update_fields=changed)
    return user


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete a member and retire the id so it is never issued again."""
    RetiredMemberId.objects.get_or_create(id=user.pk)
    user.delete()


def superuser_ensure(
    *, username: str, email: str = "", password: str | None = None
) -> tuple[User, str | None, bool]:
    """Make sure an admin account exists.

    Returns (user, generated_password, created). A given password must pass Django's
    validators (ValidationError otherwise); without one a strong password is generated
    and returned so the caller can print it once. An existing account is left as it is.
    """
    existing = User.objects.filter(username=username).first()
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
