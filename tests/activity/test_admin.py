import pytest
from django.contrib import admin

from activity.admin import ActivityPeriodInline
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
