from django.contrib.auth import forms as auth_forms

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
