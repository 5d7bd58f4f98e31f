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
from django.views.decorators.cache import never_cache

from members.forms import LoginLimitedFormMixin, login_limited_response


class LoginLimitedAuthenticationForm(LoginLimitedFormMixin, AdminAuthenticationForm):
    """The admin login form; over a login limit it shows why and when to try again."""


@never_cache
@login_not_required
def login(request, extra_context=None):
    """`/admin/login/`: the admin site's login view; 429 + Retry-After when a limit refused it."""
    response = admin.site.login(request, extra_context)
    form = (getattr(response, "context_data", None) or {}).get("form")
    return login_limited_response(response, form)
