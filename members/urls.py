from django.urls import path
from rest_framework.routers import SimpleRouter

from members import views

router = SimpleRouter()
router.register("api/v1/users", views.UserViewSet, basename="user")

urlpatterns = [
    path("api/v1/auth/register/", views.RegisterView.as_view(), name="auth-register"),
    path("api/v1/auth/login/", views.LoginView.as_view(), name="auth-login"),
    path("api/v1/auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("api/v1/auth/me/", views.MeView.as_view(), name="auth-me"),
    *router.urls,
]
