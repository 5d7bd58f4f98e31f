"""The carbon summary: totals of usages per period (cut in a time zone) or per usage type.

Read-only, like carbon.selectors; the API's summary views, the SVG chart, the /carbon/ page
and bench/carbon_summary call it.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, DateTimeField, QuerySet, Sum
from django.db.models.functions import Trunc

from carbon.models import Usage, UsageType

GROUP_BY_PERIODS = ("day", "week", "month")
GROUP_BY_CHOICES = (*GROUP_BY_PERIODS, "usage_type")


@dataclass
class SummaryBucket:
    period: date | None = None
    usage_type: UsageType | None = None
    count: int = 0
    amounts: dict[str, Decimal] = field(default_factory=dict)  # unit -> amount
    co2e_kg: Decimal = Decimal(0)

    @property
    def label(self) -> str:
        if self.usage_type is not None:
            return str(self.usage_type)
        return self.period.isoformat() if self.period else ""


@dataclass
class Summary:
    group_by: str
    tz: str
    usage_at_after: datetime
    usage_at_before: datetime
    buckets: list[SummaryBucket]

    @property
    def count(self) -> int:
        return sum(b.count for b in self.buckets)

    @property
    def co2e_kg(self) -> Decimal:
        return sum((b.co2e_kg for b in self.buckets), Decimal(0))

    @property
    def amounts(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for bucket in self.buckets:
            for unit, amount in bucket.amounts.items():
                totals[unit] += amount
        return dict(sorted(totals.items()))


def usage_summary(
    *,
    queryset: QuerySet[Usage],
    group_by: str,
    tz: str,
    usage_at_after: datetime,
    usage_at_before: datetime,
) -> Summary:
    """Totals of `queryset` in [after, before) per period (in `tz`) or per usage type.

    One aggregate query; periods are truncated in the database in the requested zone.
    """
    queryset = queryset.filter(usage_at__gte=usage_at_after, usage_at__lt=usage_at_before)
    queryset = queryset.order_by()  # no model ordering in GROUP BY
    totals = {"count": Count("id"), "amount": Sum("amount"), "co2e_kg": Sum("co2e_kg")}
    buckets: dict[object, SummaryBucket] = {}
    if group_by == "usage_type":
        rows = (
            queryset.values(
                "usage_type_id",
                "usage_type__name",
                "usage_type__unit",
                "usage_type__scope",
                "usage_type__source",
            )
            .annotate(**totals)
            .order_by("usage_type_id")
        )
        for row in rows:
            usage_type = UsageType(
                id=row["usage_type_id"],
                name=row["usage_type__name"],
                unit=row["usage_type__unit"],
                scope=row["usage_type__scope"],
                source=row["usage_type__source"],
            )
            buckets[usage_type.pk] = SummaryBucket(
                usage_type=usage_type,
                count=row["count"],
                amounts={usage_type.unit: row["amount"]},
                co2e_kg=row["co2e_kg"],
            )
    else:
        zone = ZoneInfo(tz)
        period = Trunc("usage_at", group_by, output_field=DateTimeField(), tzinfo=zone)
        rows = (
            queryset.annotate(period=period)
            .values("period", "usage_type__unit")
            .annotate(**totals)
            .order_by("period", "usage_type__unit")
        )
        for row in rows:
            start = row["period"].astimezone(zone).date()
            bucket = buckets.setdefault(start, SummaryBucket(period=start))
            bucket.count += row["count"]
            unit = row["usage_type__unit"]
            bucket.amounts[unit] = bucket.amounts.get(unit, Decimal(0)) + row["amount"]
            bucket.co2e_kg += row["co2e_kg"]
    return Summary(
        group_by=group_by,
        tz=tz,
        usage_at_after=usage_at_after,
        usage_at_before=usage_at_before,
        buckets=list(buckets.values()),
    )
