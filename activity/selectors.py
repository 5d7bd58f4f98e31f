"""Reads for the members feed, the activity lookup and users.list.

Every function runs a constant number of queries (users, then their periods) whatever the
number of members, and builds plain dicts: no model instances, no serializers per row.
"""

import base64
import binascii
import datetime as dt
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

from activity.models import ActivityPeriod
from activity.timefmt import LEGACY, period_renderer, zone_get
from members.ids import MEMBER_ID_RE
from members.models import User

_CURSOR_PREFIX = "user:"


class InvalidCursor(ValueError):
    pass


def cursor_encode(*, last_id: str) -> str:
    """An opaque keyset cursor, shaped like Slack's (`base64("user:<id>")`)."""
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{last_id}".encode()).decode("ascii")


def cursor_decode(*, cursor: str) -> str:
    """The member id a cursor points after; InvalidCursor for anything we did not issue."""
    try:
        raw = base64.b64decode(cursor.encode("ascii"), altchars=b"-_", validate=True)
        text = raw.decode("ascii")
    except (UnicodeError, binascii.Error, ValueError):
        raise InvalidCursor(cursor) from None
    last_id = text.removeprefix(_CURSOR_PREFIX)
    if not text.startswith(_CURSOR_PREFIX) or not MEMBER_ID_RE.fullmatch(last_id):
        raise InvalidCursor(cursor)
    return last_id


def member_queryset() -> QuerySet[User]:
    """Members: active accounts that are not staff (staff are operators, not members)."""
    return User.objects.filter(is_active=True, is_staff=False)


@dataclass
class MemberPage:
    members: list[dict]
    next_cursor: str = ""  # empty on the last page, as Slack does
    not_found: list[str] = field(default_factory=list)


def _member_rows(*, limit: int | None, after: str | None, fields: tuple[str, ...]) -> tuple:
    queryset = member_queryset().order_by("id")
    if after:
        queryset = queryset.filter(id__gt=after)
    queryset = queryset.values_list(*fields)
    if limit is None:
        return list(queryset), False
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


def _feed_members(
    rows: list, periods: QuerySet, *, time_format: str, include_open: bool = False
) -> list[dict]:
    """Member dicts with their periods (ordered by start) rendered in each member's zone.

    Closed periods only, unless `include_open` (then open ones too, with `end_time` None)."""
    members = []
    slots = {}
    for member_id, real_name, tz_name in rows:
        member_periods: list[dict] = []
        members.append(
            {
                "id": member_id,
                "real_name": real_name,
                "tz": tz_name,
                "activity_periods": member_periods,
            }
        )
        slots[member_id] = (member_periods.append, period_renderer(time_format, tz_name))
    if not rows:
        return members
    if not include_open:
        periods = periods.filter(end_time__isnull=False)
    query = periods.order_by("user_id", "start_time", "id").values_list(
        "user_id", "start_time", "end_time"
    )
    # Executed on a plain cursor: the ORM's per-value datetime conversion would cost more
    # than the rendering itself. The renderer takes the driver's values (naive UTC on
    # SQLite, aware UTC on PostgreSQL) as they come.
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if include_open:
        for member_id, start, end in fetched:
            slot = slots.get(member_id)
            if slot is None:
                continue
            append, render = slot
            if end is None:
                period = render(start, start)
                period["end_time"] = None
                append(period)
            else:
                append(render(start, end))
        return members
    for member_id, start, end in fetched:
        slot = slots.get(member_id)
        if slot is None:  # a staff or inactive account inside the id range
            continue
        append, render = slot
        append(render(start, end))
    return members


def member_feed(
    *,
    time_format: str = LEGACY,
    limit: int | None = None,
    after: str | None = None,
    include_open: bool = False,
) -> MemberPage:
    """The members feed, whole or one keyset page (members after `after`). Two queries.

    Closed periods; with `include_open` also the open ones (`end_time` None)."""
    rows, has_more = _member_rows(limit=limit, after=after, fields=("id", "real_name", "tz"))
    # Periods are fetched by id range rather than `IN (...)`, so a 10,000-member page does
    # not hit the database's bound-parameter limit.
    periods = ActivityPeriod.objects.all()
    if after:
        periods = periods.filter(user_id__gt=after)
    if has_more:
        periods = periods.filter(user_id__lte=rows[-1][0])
    members = _feed_members(rows, periods, time_format=time_format, include_open=include_open)
    next_cursor = cursor_encode(last_id=rows[-1][0]) if has_more else ""
    return MemberPage(members=members, next_cursor=next_cursor)


def member_feed_for_ids(
    *, ids: list[str], time_format: str = LEGACY, include_open: bool = False
) -> MemberPage:
    """Feed entries for the given ids (ordered by id); unknown ids in `not_found`. Two queries."""
    wanted = list(dict.fromkeys(ids))
    # Something that cannot be a member id is simply not found; it never reaches SQL.
    candidates = [member_id for member_id in wanted if MEMBER_ID_RE.fullmatch(member_id)]
    rows = []
    if candidates:
        rows = list(
            member_queryset()
            .filter(id__in=candidates)
            .order_by("id")
            .values_list("id", "real_name", "tz")
        )
    found = {row[0] for row in rows}
    periods = ActivityPeriod.objects.filter(user_id__in=sorted(found))
    members = _feed_members(rows, periods, time_format=time_format, include_open=include_open)
    return MemberPage(
        members=members,
        not_found=[member_id for member_id in wanted if member_id not in found],
    )


def _zone_facts(tz_name: str, now: dt.datetime) -> tuple[str, int]:
    local = now.astimezone(zone_get(tz_name))
    offset = local.utcoffset() or dt.timedelta(0)
    return local.tzname() or tz_name, int(offset.total_seconds())


def member_directory(
    *, viewer: User, limit: int, after: str | None = None, now: dt.datetime | None = None
) -> MemberPage:
    """Members in the shape of Slack's `users.list`, one keyset page. One query.

    Email addresses are personal: staff see everyone's, a member only their own (as Slack
    shows `profile.email` only to tokens with the `users:read.email` scope).
    """
    now = now or timezone.now()
    rows, has_more = _member_rows(
        limit=limit,
        after=after,
        fields=("id", "username", "real_name", "tz", "is_superuser", "date_joined", "email"),
    )
    zone_facts: dict[str, tuple[str, int]] = {}
    members = []
    for member_id, username, real_name, tz_name, is_superuser, date_joined, email in rows:
        facts = zone_facts.get(tz_name)
        if facts is None:
            facts = zone_facts[tz_name] = _zone_facts(tz_name, now)
        members.append(
            {
                "id": member_id,
                "name": username,
                "real_name": real_name,
                "tz": tz_name,
                "tz_label": facts[0],
                "tz_offset": facts[1],
                "deleted": False,  # inactive accounts are not listed at all
                "is_admin": is_superuser,
                "updated": int(date_joined.timestamp()),
                "profile": {"real_name": real_name, "display_name": username},
            }
        )
        if viewer.is_staff or member_id == viewer.pk:
            members[-1]["profile"]["email"] = email
    next_cursor = cursor_encode(last_id=rows[-1][0]) if has_more else ""
    return MemberPage(members=members, next_cursor=next_cursor)
