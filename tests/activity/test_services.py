import datetime as dt
import itertools

import pytest
from django.db import IntegrityError, transaction

from activity import services
from activity.models import ActivityPeriod
from members.models import User
from tests.activity.factories import ActivityPeriodFactory

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)


def test_populate_periods_are_past_ordered_and_do_not_overlap(db):
    result = services.members_populate(count=20, periods_per_member=4, seed=1, now=NOW)

    assert result.periods_created == 80
    for member_id in result.user_ids:
        periods = list(
            ActivityPeriod.objects.filter(user_id=member_id).values_list("start_time", "end_time")
        )
        assert len(periods) == 4
        assert all(start < end <= NOW for start, end in periods)
        assert all(a_end < b_start for (_, a_end), (b_start, _) in itertools.pairwise(periods))


def test_populate_is_reproducible_with_a_seed(db):
    def snapshot(ids):
        users = User.objects.filter(pk__in=ids).order_by("pk")
        return [
            (
                u.real_name,
                u.tz,
                list(
                    u.activity_periods.order_by("start_time").values_list("start_time", "end_time")
                ),
            )
            for u in users
        ]

    first = services.members_populate(count=5, seed=42, now=NOW)
    second = services.members_populate(count=5, seed=42, now=NOW)

    # Ids are fresh each time; everything else follows the seed (ids sort differently, so
    # compare as multisets).
    assert sorted(snapshot(first.user_ids)) == sorted(snapshot(second.user_ids))


def test_populate_runs_in_batches_and_reports_progress(db):
    ticks = []

    services.members_populate(count=7, batch_size=3, progress=ticks.append)

    assert ticks == [3, 3, 1]
    assert User.objects.count() == 7


def test_activity_log_refuses_naive_or_backwards_periods(user):
    with pytest.raises(services.ActivityError):
        services.activity_periods_add(user_id=user.pk, periods=[(NOW, NOW)])
    with pytest.raises(services.ActivityError):
        services.activity_periods_add(
            user_id=user.pk, periods=[(NOW.replace(tzinfo=None), NOW.replace(tzinfo=None))]
        )

    assert ActivityPeriod.objects.count() == 0


def test_activity_log_is_all_or_nothing(user):
    good = (NOW - dt.timedelta(hours=1), NOW)
    bad = (NOW, NOW - dt.timedelta(hours=1))

    with pytest.raises(services.ActivityError):
        services.activity_periods_add(user_id=user.pk, periods=[good, bad])

    assert ActivityPeriod.objects.count() == 0


def test_the_database_refuses_a_period_that_ends_before_it_starts(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityPeriodFactory(user=user, start_time=NOW, end_time=NOW - dt.timedelta(seconds=1))


def test_periods_go_with_their_member(user):
    ActivityPeriodFactory.create_batch(2, user=user)

    user.delete()

    assert ActivityPeriod.objects.count() == 0


def test_demo_seed_is_idempotent(db):
    from activity import demo

    first = demo.seed()
    second = demo.seed()

    assert first.startswith("2 sample members and 6 activity periods created")
    assert second.startswith("0 sample members and 0 activity periods created")
    assert ActivityPeriod.objects.count() == 6
