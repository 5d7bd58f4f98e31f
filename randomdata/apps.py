from django.apps import AppConfig


class RandomDataConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "randomdata"
    verbose_name = "Random data"
