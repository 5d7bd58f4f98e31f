"""The carbon summary: totals of usages per period (cut in a time zone), usage type or scope.

Read-only, like carbon.selectors; the API's summary views, the SVG chart, the /carbon/ page
and bench/carbon_summary call it.

Periods are cut without a time-zone function per row: the local start of every period in the
range is converted to UTC once, in Python (zoneinfo: daylight-saving right), and the database
only compares `usage_at` with those instants to find each row's period (a binary search:
`width_bucket` over an array on PostgreSQL, a nested CASE elsewhere), in one aggregate query.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Expression, F, IntegerField, QuerySet, Sum

from carbon.models import AMOUNT_QUANTUM, CO2E_QUANTUM, Scope, Usage, UsageType

GROUP_BY_PERIODS = ("day", "week", "month", "year")
GROUP_BY_CHOICES = (*GROUP_BY_PERIODS, "usage_type", "scope")
SPLIT_CHOICES = ("usage_type", "scope")
# Every scope, then the types that have none: `Summary.scopes` always lists these four.
SCOPE_KEYS: tuple[int | None, ...] = (*Scope.values, None)
UNSCOPED_LABEL = "Unscoped"


def scope_label(scope: int | None) -> str:
    return Scope(scope).label if scope is not None else UNSCOPED_LABEL


@dataclass
class SummaryPart:
    """Totals of one usage type or one scope inside a period (the `split` level)."""

    usage_type: UsageType | None = None
    scope: int | None = None
    count: int = 0
    amounts: dict[str, Decimal] = field(default_factory=dict)  # unit -> amount
    co2e_kg: Decimal = Decimal(0)

    @property
    def label(self) -> str:
        if self.usage_type is not None:
            return str(self.usage_type)
        return scope_label(self.scope)

    def add(self, *, count: int, unit: str, amount: Decimal, co2e_kg: Decimal) -> None:
        self.count += count
        self.amounts[unit] = self.amounts.get(unit, Decimal(0)) + amount
        self.co2e_kg += co2e_kg


@dataclass
class SummaryBucket(SummaryPart):
    period: date | None = None
    group_by: str = "month"
    breakdown: list[SummaryPart] | None = None  # with `split`: per usage type or scope

    @property
    def label(self) -> str:
        if self.period is not None:
            return self.period.isoformat()
        if self.usage_type is not None:
            return str(self.usage_type)
        return scope_label(self.scope) if self.group_by == "scope" else ""


@dataclass
class Summary:
    group_by: str
    tz: str
    usage_at_after: datetime
    usage_at_before: datetime
    buckets: list[SummaryBucket]
    scopes: list[SummaryPart] = field(default_factory=list)  # all four, zeros included
    split: str | None = None

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


def period_start(day: date, group_by: str) -> date:
    """The first day of the period (`day`, Monday `week`, `month`, `year`) holding `day`."""
    if group_by == "week":
        return day - timedelta(days=day.weekday())
    if group_by == "month":
        return day.replace(day=1)
    if group_by == "year":
        return day.replace(month=1, day=1)
    return day


def _next_period(start: date, group_by: str) -> date:
    if group_by == "day":
        return start + timedelta(days=1)
    if group_by == "week":
        return start + timedelta(days=7)
    if group_by == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def period_boundaries(
    *, group_by: str, zone: ZoneInfo, usage_at_after: datetime, usage_at_before: datetime
) -> list[tuple[date, datetime]]:
    """Each period meeting [after, before): its first local day and the UTC instant it starts.

    A period starts at local midnight of its first day; a midnight that a clock change skips
    resolves (fold=0) to the instant of the change, which is the first moment of that day.
    """
    start = period_start(usage_at_after.astimezone(zone).date(), group_by)
    periods: list[tuple[date, datetime]] = []
    while True:
        begins = datetime.combine(start, time(), tzinfo=zone).astimezone(UTC)
        if begins >= usage_at_before:
            return periods
        if not periods or begins > periods[-1][1]:
            periods.append((start, begins))
        start = _next_period(start, group_by)


class PeriodIndex(Expression):
    """The index of the period a datetime column falls in, given the periods' UTC starts.

    Rows are already filtered to the range, so only the starts after the first matter. A
    binary search in SQL: O(log n) comparisons per row, no time-zone work in the database.
    """

    output_field = IntegerField()

    def __init__(self, expression, starts: list[datetime]):
        super().__init__()
        self.expression = expression
        self.starts = starts

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, exprs):
        (self.expression,) = exprs

    def _nested_case(self, column: str, lo: int, hi: int, params: list) -> str:
        if hi - lo == 1:
            return str(lo)
        mid = (lo + hi) // 2
        params.append(self.starts[mid])
        below = self._nested_case(column, lo, mid, params)
        above = self._nested_case(column, mid, hi, params)
        return f"CASE WHEN {column} < %s THEN {below} ELSE {above} END"

    def as_sql(self, compiler, connection):
        column, column_params = compiler.compile(self.expression)
        if column_params:  # a plain column has none; the SQL below repeats it
            raise ValueError("PeriodIndex takes a column")
        starts: list = []
        sql = self._nested_case(column, 0, len(self.starts), starts)
        return sql, [connection.ops.adapt_datetimefield_value(value) for value in starts]

    def as_postgresql(self, compiler, connection):
        column, column_params = compiler.compile(self.expression)
        if len(self.starts) == 1:
            return "0", []
        # width_bucket(x, thresholds): how many thresholds are <= x, by binary search.
        return f"width_bucket({column}, %s::timestamptz[])", [*column_params, self.starts[1:]]


def _usage_type(row: dict) -> UsageType:
    return UsageType(
        id=row["usage_type_id"],
        name=row["usage_type__name"],
        unit=row["usage_type__unit"],
        scope=row["usage_type__scope"],
        source=row["usage_type__source"],
    )


TYPE_FIELDS = (
    "usage_type_id",
    "usage_type__name",
    "usage_type__unit",
    "usage_type__scope",
    "usage_type__source",
)


def usage_summary(
    *,
    queryset: QuerySet[Usage],
    group_by: str,
    tz: str,
    usage_at_after: datetime,
    usage_at_before: datetime,
    split: str | None = None,
) -> Summary:
    """Totals of `queryset` in [after, before) per period (in `tz`), usage type or scope.

    `split` (periods only) breaks each period down per usage type or scope; the totals per
    scope are always there. One aggregate query.
    """
    queryset = queryset.filter(usage_at__gte=usage_at_after, usage_at__lt=usage_at_before)
    queryset = queryset.order_by()  # no model ordering in GROUP BY
    by_type = group_by == "usage_type" or split == "usage_type"
    keys = [*TYPE_FIELDS] if by_type else ["usage_type__unit", "usage_type__scope"]
    periods: list[tuple[date, datetime]] = []
    if group_by in GROUP_BY_PERIODS:
        periods = period_boundaries(
            group_by=group_by,
            zone=ZoneInfo(tz),
            usage_at_after=usage_at_after,
            usage_at_before=usage_at_before,
        )
        queryset = queryset.annotate(period=PeriodIndex(F("usage_at"), [p[1] for p in periods]))
        keys.insert(0, "period")
    # No ORDER BY: the few result rows are sorted below, and on SQLite an ORDER BY that is
    # not the GROUP BY's order costs a second sort of the whole input.
    rows = queryset.values(*keys).annotate(
        count=Count("id"), amount=Sum("amount"), co2e_kg=Sum("co2e_kg")
    )
    buckets: dict[object, SummaryBucket] = {}
    parts: dict[tuple, SummaryPart] = {}
    scopes = {scope: SummaryPart(scope=scope) for scope in SCOPE_KEYS}
    types: dict[int, UsageType] = {}
    for row in rows:
        scope, unit = row["usage_type__scope"], row["usage_type__unit"]
        usage_type = None
        if by_type:
            usage_type = types.get(row["usage_type_id"]) or _usage_type(row)
            types[usage_type.pk] = usage_type
        if group_by == "usage_type":
            key: object = usage_type.pk
            new = {"usage_type": usage_type, "scope": scope}
        elif group_by == "scope":
            key = scope
            new = {"scope": scope}
        else:
            key = row["period"]
            new = {"period": periods[key][0], "breakdown": [] if split else None}
        bucket = buckets.get(key)
        if bucket is None:
            bucket = buckets[key] = SummaryBucket(group_by=group_by, **new)
        totals = {
            "count": row["count"],
            "unit": unit,
            # SQLite adds decimals up as floats: back to the stored precision, which is exact
            # for sums far beyond any summary (a double carries 15 significant digits).
            "amount": row["amount"].quantize(AMOUNT_QUANTUM),
            "co2e_kg": row["co2e_kg"].quantize(CO2E_QUANTUM),
        }
        bucket.add(**totals)
        scopes[scope].add(**totals)
        if split:
            part_key = (key, usage_type.pk if split == "usage_type" else scope)
            part = parts.get(part_key)
            if part is None:
                part = parts[part_key] = SummaryPart(usage_type=usage_type, scope=scope)
                bucket.breakdown.append(part)
            part.add(**totals)
    if group_by == "scope":
        ordered = sorted(buckets.values(), key=lambda b: SCOPE_KEYS.index(b.scope))
    else:
        ordered = [buckets[key] for key in sorted(buckets)]  # period index or type id
    for bucket in ordered if split else ():
        bucket.breakdown.sort(
            key=(lambda p: p.usage_type.pk)
            if split == "usage_type"
            else (lambda p: SCOPE_KEYS.index(p.scope))
        )
    return Summary(
        group_by=group_by,
        tz=tz,
        usage_at_after=usage_at_after,
        usage_at_before=usage_at_before,
        buckets=ordered,
        scopes=[scopes[scope] for scope in SCOPE_KEYS],
        split=split,
    )
