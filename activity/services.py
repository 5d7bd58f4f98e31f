"""The only writers of activity data. Commands, the demo seeding and tests call these."""

import datetime as dt
import random
import string
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pytz
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from knox.models import AuthToken

from activity.models import ActivityPeriod
from activity.names import FIRST_NAMES, LAST_NAMES
from activity.sessions import session_model
from core.db import datetime_stamper, rows_insert
from core.exceptions import InvalidInput
from members.models import User
from members.services import users_bulk_create

POPULATE_BATCH_SIZE = 2000
MAX_LOGGED_PERIODS = 10_000


class ActivityError(InvalidInput):
    """A request the activity services refuse; nothing has been written."""


@dataclass(frozen=True)
class PopulateResult:
    user_ids: list[str]
    periods_created: int
    seconds: float


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


_PERIOD_FIELDS = ("user_id", "start_time", "end_time")


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

    One transaction, in batches: the members through the members' bulk writer (which gives
    them fresh ids and queues their sync), each batch's periods straight to the driver after
    it (core.db.rows_insert). Names, zones and periods are reproducible with `seed`
    (ids are always fresh, never reused).
    """
    if count < 1:
        raise ActivityError(f"The number of members must be at least 1, not {count}.")
    if periods_per_member < 0:
        raise ActivityError(f"Periods per member cannot be negative ({periods_per_member}).")
    started = time.perf_counter()
    rng = random.Random(seed)
    joined = (now or timezone.now()).astimezone(dt.UTC).replace(second=0, microsecond=0)
    now = joined.replace(tzinfo=None)  # naive UTC until stamped for the database
    stamp = datetime_stamper()
    zones = pytz.common_timezones
    # Each member's periods, drawn right after its name and zone (the order `seed` repeats),
    # wait here until the writer has inserted the member's batch.
    pending: deque[list[tuple[dt.datetime, dt.datetime]]] = deque()
    periods_created = 0

    def members():
        for _ in range(count):
            real_name, first, last = _member_name(rng, legacy_names=legacy_names)
            tz = _pick(rng, zones)
            pending.append(_past_periods(rng, count=periods_per_member, now=now))
            yield {"real_name": real_name, "first_name": first, "last_name": last, "tz": tz}

    def periods_insert(member_ids: list[str]) -> None:
        nonlocal periods_created
        periods = [
            (member_id, stamp(start), stamp(end))
            for member_id in member_ids
            for start, end in pending.popleft()
        ]
        rows_insert(ActivityPeriod, _PERIOD_FIELDS, periods)
        periods_created += len(periods)
        if progress is not None:
            progress(len(member_ids))

    with transaction.atomic():
        ids = users_bulk_create(
            rows=members(),
            count=count,
            joined=joined,
            batch_size=batch_size,
            inserted=periods_insert,
        )
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


# --- Periods recorded from logins ----------------------------------------------------------
#
# A login opens a period (`end_time` empty) tied to the knox token digest or the session key
# it gave; the logout, expiry or revocation of that token or session closes it. Callers: the
# login/logout and deletion receivers (activity/receivers.py) and the beat task.

# The database refuses a period that does not end strictly after it starts. A logout within
# the clock's resolution of the login (or a token that expired before its period was even
# written) would give end == start (or earlier): such a period ends one microsecond after it
# starts instead. Both back ends keep microseconds (PostgreSQL's timestamptz; SQLite stores
# Django's "YYYY-MM-DD HH:MM:SS.ffffff" text, which compares in time order), so the stored
# period stays valid and shows as zero minutes long.
_TICK = dt.timedelta(microseconds=1)


def _period_end(start: dt.datetime, ended: dt.datetime) -> dt.datetime:
    return ended if ended > start else start + _TICK


def _login_lookup(*, token_digest: str | None, session_key: str | None) -> dict:
    if bool(token_digest) == bool(session_key):
        raise ActivityError("A login is identified by a token digest or a session key.")
    if token_digest:
        return {"token_digest": token_digest}
    return {"session_key": session_key}


def login_period_open(
    *,
    user_id: str,
    token_digest: str | None = None,
    session_key: str | None = None,
    now: dt.datetime | None = None,
) -> ActivityPeriod | None:
    """Open a period for one login (a knox token digest or a session key) starting now.

    None when settings.ACTIVITY_RECORD_LOGINS is off. A login already recorded is not
    recorded twice (the open period is returned)."""
    lookup = _login_lookup(token_digest=token_digest, session_key=session_key)
    if not settings.ACTIVITY_RECORD_LOGINS:
        return None
    period, _created = ActivityPeriod.objects.get_or_create(
        end_time=None, **lookup, defaults={"user_id": user_id, "start_time": now or timezone.now()}
    )
    return period


@transaction.atomic
def login_period_close(
    *,
    token_digest: str | None = None,
    session_key: str | None = None,
    at: dt.datetime | None = None,
    expiry: dt.datetime | None = None,
) -> bool:
    """Close the open period of a token or session at `at` (default now), or at `expiry` when
    that came first (a credential deleted after it had expired ended at its expiry).

    False when that login has no open period (never recorded, or already closed)."""
    lookup = _login_lookup(token_digest=token_digest, session_key=session_key)
    ended = at or timezone.now()
    if expiry is not None and expiry < ended:
        ended = expiry
    period = (
        ActivityPeriod.objects.select_for_update()
        .filter(end_time__isnull=True, **lookup)
        .only("id", "start_time")
        .first()
    )
    if period is None:
        return False
    period.end_time = _period_end(period.start_time, ended)
    period.save(update_fields=["end_time"])
    return True


@transaction.atomic
def login_periods_close_ended(*, now: dt.datetime | None = None) -> int:
    """Close every open period whose token or session has expired (at its expiry) or is gone
    without its deletion being seen (at `now`, the first moment known). Returns how many."""
    now = now or timezone.now()
    tokens = AuthToken.objects.filter(digest=OuterRef("token_digest"))
    ended = list(
        ActivityPeriod.objects.select_for_update()
        .filter(end_time__isnull=True)
        .exclude(token_digest="")
        .annotate(present=Exists(tokens), expiry=Subquery(tokens.values("expiry")[:1]))
        .filter(Q(present=False) | Q(expiry__lte=now))
        .only("id", "start_time")
    )
    Session = session_model()
    if Session is not None:
        sessions = Session.objects.filter(session_key=OuterRef("session_key"))
        ended += list(
            ActivityPeriod.objects.select_for_update()
            .filter(end_time__isnull=True)
            .exclude(session_key="")
            .annotate(present=Exists(sessions), expiry=Subquery(sessions.values("expire_date")[:1]))
            .filter(Q(present=False) | Q(expiry__lte=now))
            .only("id", "start_time")
        )
    for period in ended:
        period.end_time = _period_end(period.start_time, period.expiry if period.present else now)
    ActivityPeriod.objects.bulk_update(ended, ["end_time"], batch_size=500)
    return len(ended)
