"""The only writers of activity data. Commands, the demo seeding and tests call these."""

import datetime as dt
import random
import secrets
import string
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pytz
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection, transaction
from django.utils import timezone

from activity.models import ActivityPeriod
from activity.names import FIRST_NAMES, LAST_NAMES
from members.models import User
from members.services import member_ids_allocate, users_sync_created

POPULATE_BATCH_SIZE = 2000
_MAX_PARAMS = 30_000  # per statement; PostgreSQL allows 65,535
MAX_LOGGED_PERIODS = 10_000


class ActivityError(ValueError):
    """A request the activity services refuse; nothing has been written."""


@dataclass(frozen=True)
class PopulateResult:
    user_ids: list[str]
    periods_created: int
    seconds: float


def _unusable_password() -> str:
    # What make_password(None) stores, without its per-character random.choice loop.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _member_name(rng: random.Random, *, legacy_names: bool) -> tuple[str, str, str]:
    """(real_name, first_name, last_name)."""
    if legacy_names:
        # What the original seeding script produced: ten random uppercase letters.
        name = "".join(rng.choices(string.ascii_uppercase, k=10))
        return name, "", ""
    first, last = _pick(rng, FIRST_NAMES), _pick(rng, LAST_NAMES)
    return f"{first} {last}", first, last


def _pick(rng: random.Random, items):
    # rng.choice/randint cost ~1 µs each in Python; rng.random() is one C call.
    return items[int(rng.random() * len(items))]


def _minutes(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(minutes=low + int(rng.random() * (high - low + 1)))


def _past_periods(
    rng: random.Random, *, count: int, now: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """`count` non-overlapping periods (5 min to 4 h, gaps of 10 min to 2 days) before now."""
    end = now - _minutes(rng, 1, 30 * 24 * 60)
    periods = []
    for _ in range(count):
        start = end - _minutes(rng, 5, 240)
        periods.append((start, end))
        end = start - _minutes(rng, 10, 2 * 24 * 60)
    periods.reverse()
    return periods


_USER_FIELDS = (
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
_FLAGS = (False, False, True)  # is_superuser, is_staff, is_active
_PERIOD_FIELDS = ("user_id", "start_time", "end_time")


def _datetime_stamper() -> Callable[[dt.datetime], object]:
    """How a naive UTC datetime goes into a row for _rows_insert on this database."""
    if connection.vendor == "sqlite":
        # What Django stores for an aware datetime on SQLite: naive UTC text.
        return str
    return lambda value: value.replace(tzinfo=dt.UTC)


def _rows_insert(model, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain value rows (datetimes already passed through _datetime_stamper()).

    bulk_create prepares every value through its field (~5x the cost of the insert itself
    at this volume), so the rows go to the driver as they are: executemany on SQLite (a C
    loop, no round trips), multi-row VALUES statements elsewhere (one round trip per batch).
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    row_sql = f"({', '.join(['%s'] * len(fields))})"
    # Identifiers come from the model's metadata; values always go as parameters.
    insert = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(insert + row_sql, rows)
            return
        per_statement = max(1, min(len(rows), _MAX_PARAMS // len(fields)))
        for offset in range(0, len(rows), per_statement):
            chunk = rows[offset : offset + per_statement]
            params = [value for row in chunk for value in row]
            cursor.execute(insert + ", ".join([row_sql] * len(chunk)), params)


def members_populate(
    *,
    count: int,
    periods_per_member: int = 3,
    seed: int | None = None,
    legacy_names: bool = False,
    now: dt.datetime | None = None,
    batch_size: int = POPULATE_BATCH_SIZE,
    progress: Callable[[int], object] | None = None,
) -> PopulateResult:
    """Create `count` members (unusable passwords, common time zones) with past periods.

    One transaction; users and periods are inserted in batches (see _rows_insert). Names,
    zones and periods are reproducible with `seed` (ids are always fresh, never reused).
    """
    if count < 1:
        raise ActivityError(f"The number of members must be at least 1, not {count}.")
    if periods_per_member < 0:
        raise ActivityError(f"Periods per member cannot be negative ({periods_per_member}).")
    started = time.perf_counter()
    rng = random.Random(seed)
    now = (now or timezone.now()).astimezone(dt.UTC).replace(second=0, microsecond=0)
    now = now.replace(tzinfo=None)  # naive UTC until stamped for the database
    stamp = _datetime_stamper()
    joined = stamp(now)
    zones = pytz.common_timezones
    ids = member_ids_allocate(count=count)
    periods_created = 0
    with transaction.atomic():
        for offset in range(0, count, batch_size):
            users, periods = [], []
            for member_id in ids[offset : offset + batch_size]:
                real_name, first, last = _member_name(rng, legacy_names=legacy_names)
                username = f"{real_name.lower().replace(' ', '.')}.{member_id[1:].lower()}"
                tz = _pick(rng, zones)
                password = _unusable_password()
                users.append(
                    (member_id, username, real_name, first, last, "", tz, password, *_FLAGS, joined)
                )
                periods.extend(
                    (member_id, stamp(start), stamp(end))
                    for start, end in _past_periods(rng, count=periods_per_member, now=now)
                )
            _rows_insert(User, _USER_FIELDS, users)
            _rows_insert(ActivityPeriod, _PERIOD_FIELDS, periods)
            periods_created += len(periods)
            if progress is not None:
                progress(len(users))
        # The new members reach peer sites like any other (outbox rows in this transaction).
        users_sync_created(user_ids=ids)
    return PopulateResult(
        user_ids=ids, periods_created=periods_created, seconds=time.perf_counter() - started
    )


def members_create(*, count: int, seed: int | None = None) -> list[str]:
    """Create `count` members without activity; returns their ids."""
    return members_populate(count=count, periods_per_member=0, seed=seed).user_ids


@transaction.atomic
def activity_periods_add(
    *, user_id: str, periods: Iterable[tuple[dt.datetime, dt.datetime]]
) -> list[ActivityPeriod]:
    """Store periods for a member; all or nothing. ActivityError on a bad period."""
    if not User.objects.filter(pk=user_id).exists():
        raise ActivityError(f'No member with id "{user_id}".')
    rows = []
    for start, end in periods:
        if timezone.is_naive(start) or timezone.is_naive(end):
            raise ActivityError("Activity times must be timezone-aware.")
        if end <= start:
            raise ActivityError(f"A period must end after it starts ({start} to {end}).")
        rows.append(ActivityPeriod(user_id=user_id, start_time=start, end_time=end))
    return ActivityPeriod.objects.bulk_create(rows)


def activity_log(*, user_id: str, count: int, now: dt.datetime | None = None) -> list:
    """Log `count` consecutive one-hour periods for a member, the last one ending now."""
    if not 1 <= count <= MAX_LOGGED_PERIODS:
        raise ActivityError(
            f"The number of periods must be from 1 to {MAX_LOGGED_PERIODS}, not {count}."
        )
    now = now or timezone.now()
    hour = dt.timedelta(hours=1)
    periods = [
        (now - (count - index) * hour, now - (count - index - 1) * hour) for index in range(count)
    ]
    return activity_periods_add(user_id=user_id, periods=periods)
