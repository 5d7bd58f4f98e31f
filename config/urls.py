"""Root URLs. Each app owns its routes in its own urls.py."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from config import health, landing
from members import admin_site as members_admin_site

urlpatterns = [
    path("", landing.landing, name="landing"),
    path("admin/login/", members_admin_site.login, name="admin-login"),  # 429 when limited
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("", include("members.urls")),
    path("", include("members.sync.urls")),
    path("", include("activity.urls")),
    path("", include("carbon.urls")),
    path("", include("inventory.urls")),
    path("", include("randomdata.urls")),
]

admin.site.site_header = "Backoffice API administration"
admin.site.site_title = "Backoffice API"
