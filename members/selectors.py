"""Reads of members, scoped to who is asking."""

from django.db.models import QuerySet, Value
from django.db.models.functions import Lower

from members.models import SyncShare, User


def user_list(*, viewer: User) -> QuerySet[User]:
    """Members `viewer` may see: staff see everyone, a member only themself."""
    queryset = User.objects.all()
    if not viewer.is_staff:
        queryset = queryset.filter(pk=viewer.pk)
    return queryset


def users_named(*, username: str) -> QuerySet[User]:
    """Members whose username equals `username` ignoring case, as the table's constraint
    compares them; `username` is NFKC-normalised first (as it would be stored)."""
    # Lower() on both sides in the database: the same comparison as the unique index.
    return User.objects.alias(username_lower=Lower("username")).filter(
        username_lower=Lower(Value(User.normalize_username(username)))
    )


def username_taken(*, username: str, exclude_id: str | None = None) -> bool:
    """Whether a member other than `exclude_id` has this username (ignoring case)."""
    queryset = users_named(username=username)
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    return queryset.exists()


def user_shared_with_peer(*, user: User, peer: str) -> bool:
    """Whether `user` came from `peer` or this site sent it there."""
    return user.origin_peer == peer or SyncShare.objects.filter(user=user, peer=peer).exists()
