"""Demo usages for `manage.py seed_demo`: a year of monthly usages per demo member, and a second
factor version for electricity (type 100) from six months ago, so the year's usages lie on both
sides of a factor change.

Idempotent: a member who already has usages is left alone; the version is added once (found by
its source). The demo members are found by the members demo's own keys
(members.demo.sample_members / login_member), never by username; the usage types by the ids
their migration gives them (100-104), never by a name a user may have used too.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from carbon import services
from carbon.models import EmissionFactor, Usage, UsageType
from members import demo as members_demo
from members.models import User

DEMO_IDS = ["W012A3CDE", "W07QCRPA4"]  # the activity app's Slack-style demo members
# (type id, base amount per month); heating follows the season below.
MONTHLY = [(100, Decimal("180")), (101, Decimal("3.2")), (102, Decimal("240")), (104, Decimal("9"))]
SEASON = [Decimal(x) for x in ("1.6", "1.5", "1.2", "0.8", "0.4", "0.1")]
SEASON += [Decimal(x) for x in ("0.05", "0.05", "0.3", "0.8", "1.3", "1.6")]
ELECTRICITY = 100
GREENER_FACTOR = Decimal("1.2")
GREENER_SOURCE = "demo: greener grid mix"


def greener_grid_valid_from(now: datetime) -> date:
    """The first day (UTC) of the month six months before `now`."""
    now = now.astimezone(UTC)
    year, month = divmod(now.year * 12 + now.month - 1 - 6, 12)
    return date(year, month + 1, 1)


def _greener_grid_seed(electricity: UsageType, now: datetime) -> bool:
    """Electricity's second version (once, found by its source); True when added now."""
    versions = EmissionFactor.objects.filter(usage_type=electricity)
    valid_from = greener_grid_valid_from(now)
    if (
        versions.filter(source=GREENER_SOURCE).exists()
        or versions.filter(valid_from=valid_from).exists()
    ):
        return False
    services.emission_factor_add(
        usage_type=electricity,
        factor=GREENER_FACTOR,
        valid_from=valid_from,
        source=GREENER_SOURCE,
        note="Demo data: the grid got greener; usages before this date keep the old factor.",
    )
    return True


def _rows(user: User, types: dict[int, UsageType], now: datetime, index: int):
    zone = ZoneInfo(user.tz)
    scale = Decimal(100 + 17 * index) / 100
    local_now = now.astimezone(zone)
    for back in range(12):
        month_index = local_now.year * 12 + local_now.month - 1 - back
        year, month = divmod(month_index, 12)
        for type_id, base in MONTHLY:
            day = 3 + (type_id * 7 + back * 5 + index) % 24
            usage_at = datetime(year, month + 1, day, 9 + type_id % 9, tzinfo=zone)
            if usage_at > now:
                usage_at = now - timedelta(hours=1 + type_id % 5)
            factor = SEASON[month] if type_id in (102, 103, 104) else Decimal(1)
            amount = (base * scale * factor).quantize(Decimal("0.01"))
            if amount > 0:
                yield types[type_id], usage_at, amount


def seed() -> str:
    """Add a year of usages for each demo member that has none yet."""
    # The members demo's own members (by its keys) and the activity demo's fixed sample ids.
    members = {m.pk: m for m in members_demo.sample_members()}
    members.update(User.objects.in_bulk(DEMO_IDS))
    if (login_member := members_demo.login_member()) is not None:
        members[login_member.pk] = login_member
    members = list(members.values())
    types = UsageType.objects.in_bulk([type_id for type_id, _ in MONTHLY])
    if len(types) < len(MONTHLY):
        return "usage types missing (run migrate); no demo usages added"
    have = set(
        Usage.objects.filter(user__in=[m.pk for m in members]).values_list("user_id", flat=True)
    )
    now = timezone.now()
    # Before the usages, so each takes the version valid at its date: both sides of the change.
    greener = _greener_grid_seed(types[ELECTRICITY], now)
    added = 0
    for index, member in enumerate(sorted(members, key=lambda m: m.pk)):
        if member.pk not in have:
            added += services.usages_bulk_create(
                user=member, rows=list(_rows(member, types, now, index))
            )
    version = f". Electricity factor {GREENER_FACTOR} from {greener_grid_valid_from(now)} added"
    return (
        f"{added} demo usages added, {len(have)} members already had usages"
        f"{version if greener else ''}"
    )
