from importlib import import_module

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Load idempotent demo data for every app that has a demo.py (in INSTALLED_APPS order) "
        "and make sure an admin account exists."
    )

    def handle(self, *args, **options):
        call_command("create_default_superuser", stdout=self.stdout, stderr=self.stderr)
        for app_config in apps.get_app_configs():
            try:
                module = import_module(f"{app_config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app_config.name}.demo":
                    raise
                continue
            summary = module.seed()
            self.stdout.write(f"{app_config.label}: {summary}")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
