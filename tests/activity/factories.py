import datetime as dt

import factory

from activity.models import ActivityPeriod
from tests.members.factories import UserFactory


class ActivityPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityPeriod

    user = factory.SubFactory(UserFactory)
    start_time = factory.Sequence(
        lambda n: dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=2 * n)
    )
    end_time = factory.LazyAttribute(lambda p: p.start_time + dt.timedelta(minutes=45))
