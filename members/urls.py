from core.routers import OptionalSlashRouter, optional_slash_path
from members import views

router = OptionalSlashRouter()
router.register("api/v1/users", views.UserViewSet, basename="user")

urlpatterns = [
    optional_slash_path(
        "api/v1/auth/register/", views.RegisterView.as_view(), name="auth-register"
    ),
    optional_slash_path("api/v1/auth/login/", views.LoginView.as_view(), name="auth-login"),
    optional_slash_path("api/v1/auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    optional_slash_path("api/v1/auth/me/", views.MeView.as_view(), name="auth-me"),
    *router.urls,
]
