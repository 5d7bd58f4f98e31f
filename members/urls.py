from django.urls import path

from core.routers import OptionalSlashRouter, optional_slash_path
from members import auth_views, views

router = OptionalSlashRouter()
router.register("api/v1/users", views.UserViewSet, basename="user")

urlpatterns = [
    optional_slash_path(
        "api/v1/auth/register/", views.RegisterView.as_view(), name="auth-register"
    ),
    optional_slash_path("api/v1/auth/login/", views.LoginView.as_view(), name="auth-login"),
    optional_slash_path("api/v1/auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    optional_slash_path("api/v1/auth/me/", views.MeView.as_view(), name="auth-me"),
    # The members' session login for the pages (/carbon/); the admin has its own.
    path("accounts/login/", auth_views.MemberLoginView.as_view(), name="member-login"),
    path("accounts/logout/", auth_views.MemberLogoutView.as_view(), name="member-logout"),
    *router.urls,
]
