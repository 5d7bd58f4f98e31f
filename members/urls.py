from django.urls import path

from members import views

urlpatterns = [
    path("api/v1/auth/register/", views.RegisterView.as_view(), name="auth-register"),
    path("api/v1/auth/login/", views.LoginView.as_view(), name="auth-login"),
    path("api/v1/auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("api/v1/auth/me/", views.MeView.as_view(), name="auth-me"),
]
