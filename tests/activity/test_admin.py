import pytest
from django.contrib import admin

from activity.admin import ActivityPeriodInline
from activity.models import ActivityPeriod
from members.models import User
from tests.activity.factories import ActivityPeriodFactory


def test_member_page_shows_periods_inline(superuser_client, user):
    ActivityPeriodFactory(user=user)

    response = superuser_client.get(f"/admin/members/user/{user.pk}/change/")

    assert response.status_code == 200
    assert "activity_periods-TOTAL_FORMS" in response.content.decode()
    assert ActivityPeriodInline in admin.site._registry[User].inlines


def test_add_member_page_has_no_inline(superuser_client):
    response = superuser_client.get("/admin/members/user/add/")

    assert response.status_code == 200
    assert "activity_periods-TOTAL_FORMS" not in response.content.decode()


@pytest.mark.parametrize(
    "query", ["", "?start_time__year=2024", "?q=member", "?user__tz=Europe%2FBerlin"]
)
def test_period_list_with_date_hierarchy_and_filters(
    superuser_client, members_with_periods, django_assert_max_num_queries, query
):
    members_with_periods(5)

    with django_assert_max_num_queries(12):
        response = superuser_client.get(f"/admin/activity/activityperiod/{query}")

    assert response.status_code == 200


@pytest.fixture
def open_period(user):
    return ActivityPeriodFactory(user=user, end_time=None, session_key="s" * 32)


def test_open_periods_show_open_as_their_end_and_how_they_were_opened(
    superuser_client, user, open_period
):
    ActivityPeriodFactory(user=user)

    response = superuser_client.get("/admin/activity/activityperiod/")

    page = response.content.decode()
    assert response.status_code == 200
    assert '<td class="field-end">open</td>' in page
    assert "session login" in page
    assert "s" * 32 not in page  # never the session key itself


@pytest.mark.parametrize(
    ("query", "expected"),
    # Open: the member's and the admin's own (its session login opened one).
    [("?status=open", 2), ("?status=closed", 2), ("?end_time__isnull=True", 2), ("", 4)],
)
def test_status_filter_tells_open_from_closed(
    superuser_client, user, open_period, django_assert_max_num_queries, query, expected
):
    ActivityPeriodFactory.create_batch(2, user=user)

    with django_assert_max_num_queries(12):
        response = superuser_client.get(f"/admin/activity/activityperiod/{query}")

    assert response.status_code == 200
    assert response.context["cl"].result_count == expected


def test_open_period_page_and_member_page_render(superuser_client, user, open_period):
    period_page = superuser_client.get(f"/admin/activity/activityperiod/{open_period.pk}/change/")
    member_page = superuser_client.get(f"/admin/members/user/{user.pk}/change/")

    assert (period_page.status_code, member_page.status_code) == (200, 200)
    assert "session login" in member_page.content.decode()


def test_a_period_added_by_hand_needs_an_end(superuser_client, user):
    response = superuser_client.post(
        "/admin/activity/activityperiod/add/",
        {"user": user.pk, "start_time_0": "2024-01-01", "start_time_1": "10:00:00"},
    )

    assert response.status_code == 200
    assert "end_time" in response.context["adminform"].form.errors
    assert not ActivityPeriod.objects.filter(user=user).exists()


def test_a_period_page_is_titled_by_its_members_name_not_an_id(
    superuser_client, user, django_assert_max_num_queries
):
    period = ActivityPeriodFactory(user=user)
    ActivityPeriodFactory.create_batch(4, user=user)

    page = superuser_client.get(f"/admin/activity/activityperiod/{period.pk}/change/")
    with django_assert_max_num_queries(10):  # the inline's titles name the member: no N+1
        member_page = superuser_client.get(f"/admin/members/user/{user.pk}/change/")

    assert f"{user.username} 2024-" in page.content.decode()
    assert member_page.content.decode().count(f"{user.username} 2024-") == 5
