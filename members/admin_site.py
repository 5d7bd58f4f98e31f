"""The admin login, within the same login limits as the API (members.login_limits).

`LoginLimitedAuthenticationForm` is the admin site's `login_form` (set in MembersConfig.ready),
so every way into the admin's login checks the password through `login_authenticate`: the
same per-address and per-username counters, in the same shared cache, as
`/api/v1/auth/login/`. `login` wraps the admin site's own login view so that a refused
attempt also answers 429 with `Retry-After`, as the API does.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.views.decorators.cache import never_cache
from rest_framework.exceptions import Throttled

from members import login_limits


class LoginLimitedAuthenticationForm(AdminAuthenticationForm):
    """The admin login form; over a login limit it shows why and when to try again."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "locked": (
            "Too many login attempts for this account or from this address. "
            "Try again in %(wait)s seconds."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.retry_after: int | None = None

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = login_limits.login_authenticate(
                    request=self.request, username=username, password=password
                )
            except Throttled as exc:
                self.retry_after = int(exc.wait or 1)
                raise ValidationError(
                    self.error_messages["locked"],
                    code="locked",
                    params={"wait": self.retry_after},
                ) from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


@never_cache
@login_not_required
def login(request, extra_context=None):
    """`/admin/login/`: the admin site's login view; 429 + Retry-After when a limit refused it."""
    response = admin.site.login(request, extra_context)
    form = (getattr(response, "context_data", None) or {}).get("form")
    retry_after = getattr(form, "retry_after", None)
    if retry_after:
        response.status_code = 429
        response["Retry-After"] = str(retry_after)
    return response
