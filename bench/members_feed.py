"""The members feed at 10,000 members x 3 periods (`--quick`: 1,000).

ours:  GET /activity_record/members/ through our view (two queries, plain dicts).
naive: the seed-style version, a DRF ListAPIView with a nested serializer and no
       prefetching (one query for members, then one per member for its periods).
floor: one raw SQL query (members LEFT JOIN periods) plus json.dumps of the same
       nested document, without time-zone rendering: the least any implementation does.
"""

import json

import pytz
from django.db import connection
from django.test import override_settings
from rest_framework import generics, permissions, serializers
from rest_framework.test import APIRequestFactory

from activity.services import members_populate
from activity.views import MembersFeedView
from bench.harness import count_queries, median_ms, ratio
from members.models import User


class _NaivePeriodSerializer(serializers.Serializer):
    start_time = serializers.SerializerMethodField()
    end_time = serializers.SerializerMethodField()

    def _local(self, value, period):
        return value.astimezone(pytz.timezone(period.user.tz))

    def get_start_time(self, period):
        return self._local(period.start_time, period).strftime("%b %-d %Y  %-I:%M%p")

    def get_end_time(self, period):
        return self._local(period.end_time, period).strftime("%b %-d %Y %-I:%M%p")


class _NaiveMemberSerializer(serializers.ModelSerializer):
    activity_periods = _NaivePeriodSerializer(many=True)

    class Meta:
        model = User
        fields = ["id", "real_name", "tz", "activity_periods"]


class _NaiveFeedView(generics.ListAPIView):
    serializer_class = _NaiveMemberSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    throttle_classes = []
    filter_backends = []

    def get_queryset(self):
        return User.objects.filter(is_active=True, is_staff=False).order_by("id")

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        response.data = {"ok": True, "members": response.data}
        return response


_FLOOR_SQL = """
    SELECT u.id, u.real_name, u.tz, p.start_time, p.end_time
    FROM members_user u LEFT JOIN activity_activityperiod p ON p.user_id = u.id
    WHERE u.is_active AND NOT u.is_staff
    ORDER BY u.id, p.start_time
"""


def _floor() -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(_FLOOR_SQL)
        rows = cursor.fetchall()
    members, last = [], None
    for member_id, real_name, tz, start, end in rows:
        if member_id != last:
            periods = []
            members.append(
                {"id": member_id, "real_name": real_name, "tz": tz, "activity_periods": periods}
            )
            last = member_id
        if start is not None:
            periods.append({"start_time": str(start), "end_time": str(end)})
    return json.dumps({"ok": True, "members": members}).encode()


def _call(view) -> bytes:
    request = APIRequestFactory().get("/activity_record/members/")
    response = view(request)
    response.render()
    assert response.status_code == 200, response.content[:200]
    return response.content


def run(args):
    members = 1000 if args.quick else 10_000
    members_populate(count=members, periods_per_member=3, seed=1)
    ours_view = MembersFeedView.as_view(throttle_classes=[])
    naive_view = _NaiveFeedView.as_view()
    with override_settings(MEMBERS_FEED_PUBLIC=True):
        assert json.loads(_call(ours_view)) == json.loads(_call(naive_view))
        ours = median_ms(lambda: _call(ours_view), repeat=7)
        naive = median_ms(lambda: _call(naive_view), repeat=1 if members > 2000 else 3)
        floor = median_ms(_floor, repeat=7)
        queries = count_queries(lambda: _call(ours_view))
    yield {
        "members": members,
        "periods": members * 3,
        "ours_ms": ours,
        "naive_ms": naive,
        "floor_ms": floor,
        "ratio_vs_naive": ratio(naive, ours),
        "ratio_vs_floor": round(ours / floor, 2),
        "queries": queries,
        "db": connection.vendor,
    }
