"""Reads of members, scoped to who is asking."""

from django.db.models import QuerySet

from members.models import User


def user_list(*, viewer: User) -> QuerySet[User]:
    """Members `viewer` may see: staff see everyone, a member only themself."""
    queryset = User.objects.all()
    if not viewer.is_staff:
        queryset = queryset.filter(pk=viewer.pk)
    return queryset
