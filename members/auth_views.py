"""The members' own login and logout pages (/accounts/login/, /accounts/logout/).

Django's LoginView and LogoutView as they are: `next` is followed only when it stays on this
site (url_has_allowed_host_and_scheme), logout is a POST with its CSRF token, and the session
login goes through django.contrib.auth.login, so activity's user_logged_in / user_logged_out
receivers open and close the member's period as for any other login. The password is checked
by MemberLoginForm within the login limits of the API and the admin; a refusal by a limit
answers 429 with Retry-After, as those doors do.
"""

from django.contrib.auth import views as auth_views

from members.forms import MemberLoginForm, login_limited_response


class MemberLoginView(auth_views.LoginView):
    template_name = "members/login.html"
    form_class = MemberLoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        return login_limited_response(super().form_invalid(form), form)


class MemberLogoutView(auth_views.LogoutView):
    """POST only (Django's own rule since 5.0); then back to the members' login page (the
    admin's logout keeps its own "Logged out" page)."""

    next_page = "member-login"
