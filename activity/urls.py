from django.urls import path

from activity import views

urlpatterns = [
    path("activity_record/members/", views.MembersFeedView.as_view(), name="members-feed"),
    path(
        "api/loguseractivity/",
        views.MemberActivityLookupView.as_view(),
        name="member-activity-lookup",
    ),
    path("api/users.list", views.UsersListView.as_view(), name="slack-users-list"),
]
