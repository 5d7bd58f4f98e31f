from django.apps import AppConfig


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = "Members"

    def ready(self) -> None:
        from django.contrib import admin

        from members import schema  # noqa: F401  (registers the OpenAPI auth extensions)
        from members.admin_site import LoginLimitedAuthenticationForm

        # The admin login checks passwords within the same limits as the API login.
        admin.site.login_form = LoginLimitedAuthenticationForm
