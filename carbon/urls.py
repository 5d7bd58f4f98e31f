from django.urls import path

from carbon import csv_views, summary_views, views
from core.routers import OptionalSlashRouter, optional_slash_path

router = OptionalSlashRouter()
router.register("api/v1/usage-types", views.UsageTypeViewSet, basename="usage-type")
router.register("api/v1/usages", views.UsageViewSet, basename="usage")
router.register("api/v1/recalculations", views.RecalculationViewSet, basename="recalculation")

urlpatterns = [
    # Before the router's: `summary` would otherwise be read as a usage id.
    optional_slash_path(
        "api/v1/usages/summary/", summary_views.UsageSummaryView.as_view(), name="usage-summary"
    ),
    optional_slash_path(
        "api/v1/usages/summary.svg",
        summary_views.UsageSummarySVGView.as_view(),
        name="usage-summary-svg",
    ),
    optional_slash_path(
        "api/v1/usages/import/", csv_views.UsageImportView.as_view(), name="usage-import"
    ),
    optional_slash_path(
        "api/v1/usages/export.csv", csv_views.UsageExportView.as_view(), name="usage-export"
    ),
    optional_slash_path(
        "api/v1/users/<str:user_id>/usages/",
        views.UserUsageListView.as_view(),
        name="user-usage-list",
    ),
    optional_slash_path("api/v1/estimate/", views.EstimateView.as_view(), name="estimate"),
    path("carbon/", summary_views.carbon_page, name="carbon-page"),
    *router.urls,
]
