from django.apps import AppConfig


class ActivityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "activity"
    verbose_name = "Activity periods"

    def ready(self) -> None:
        from activity import receivers

        # Logins open periods; logouts, expiry and revocation close them.
        receivers.connect()
