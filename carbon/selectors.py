"""Reads of carbon data: scoped querysets of usage types and usages (summaries: carbon.summary)."""

from datetime import UTC

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from carbon.models import EmissionFactor, Usage, UsageType
from members.models import User


def usage_type_list() -> QuerySet[UsageType]:
    """Every type, with `factor` (the version valid today, UTC) annotated: no query per type."""
    today = timezone.now().astimezone(UTC).date()
    current = EmissionFactor.objects.filter(
        usage_type=OuterRef("pk"), valid_from__lte=today
    ).order_by("-valid_from")
    return UsageType.objects.annotate(factor=Subquery(current.values("factor")[:1]))


def usage_list(*, viewer: User) -> QuerySet[Usage]:
    """Usages `viewer` may see: staff see everyone's, a member only their own."""
    queryset = Usage.objects.select_related("usage_type")
    if not viewer.is_staff:
        queryset = queryset.filter(user=viewer)
    return queryset


def usage_list_for_user(*, viewer: User, user_id: str) -> QuerySet[Usage] | None:
    """One member's usages, or None when `viewer` may not see them (or they do not exist)."""
    if user_id == viewer.pk:
        return Usage.objects.select_related("usage_type").filter(user=viewer)
    if not viewer.is_staff or not User.objects.filter(pk=user_id).exists():
        return None
    return Usage.objects.select_related("usage_type").filter(user_id=user_id)


def emission_factor_list(*, usage_type: UsageType) -> QuerySet[EmissionFactor]:
    """A type's factor versions in the order they apply (oldest first)."""
    return EmissionFactor.objects.filter(usage_type=usage_type).order_by("valid_from", "id")
