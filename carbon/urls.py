from django.urls import path
from rest_framework.routers import SimpleRouter

from carbon import views

router = SimpleRouter()
router.register("api/v1/usage-types", views.UsageTypeViewSet, basename="usage-type")
router.register("api/v1/usages", views.UsageViewSet, basename="usage")

urlpatterns = [
    path("api/v1/usages/summary/", views.UsageSummaryView.as_view(), name="usage-summary"),
    path(
        "api/v1/usages/summary.svg", views.UsageSummarySVGView.as_view(), name="usage-summary-svg"
    ),
    path(
        "api/v1/users/<str:user_id>/usages/",
        views.UserUsageListView.as_view(),
        name="user-usage-list",
    ),
    path("carbon/", views.carbon_page, name="carbon-page"),
    *router.urls,
]
