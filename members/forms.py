from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from rest_framework.exceptions import Throttled

from members import login_limits
from members.models import User


class UserCreationForm(auth_forms.UserCreationForm):
    """The admin's add form: checks the fields and the two password entries. The member is
    created by members.services.user_create (UserAdmin.save_model), which hashes the password
    once; the form never saves."""

    class Meta(auth_forms.UserCreationForm.Meta):
        model = User
        fields = ("username", "real_name", "email", "tz")

    def set_password_and_save(self, user, commit=True, **kwargs):
        if commit:
            raise TypeError("Members are created by members.services.user_create.")
        return user


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User
        fields = "__all__"


class LoginLimitedFormMixin:
    """For Django's AuthenticationForm and its subclasses: the password is checked within the
    login limits shared by every login door (members.login_limits.login_authenticate). Over a
    limit the form says when to try again and keeps the wait in `retry_after`, from which
    the door answers 429 with Retry-After (login_limited_response)."""

    locked_message = (
        "Too many login attempts for this account or from this address. "
        "Try again in %(wait)s seconds."
    )

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
                    self.locked_message, code="locked", params={"wait": self.retry_after}
                ) from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            # Inactive members never get here (the backend refuses them); the form's own
            # check stays as Django's AuthenticationForm has it (the admin's adds is_staff).
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


def login_limited_response(response, form):
    """A login page's answer, made a 429 with Retry-After when a login limit refused it."""
    retry_after = getattr(form, "retry_after", None)
    if retry_after:
        response.status_code = 429
        response["Retry-After"] = str(retry_after)
    return response


class MemberLoginForm(LoginLimitedFormMixin, auth_forms.AuthenticationForm):
    """The members' login form (/accounts/login/)."""
