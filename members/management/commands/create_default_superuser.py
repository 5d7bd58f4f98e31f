from decouple import config
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from members.services import superuser_ensure


class Command(BaseCommand):
    help = (
        "Create the admin account from DJANGO_SUPERUSER_USERNAME / _EMAIL / _PASSWORD. "
        "Without a password a strong one is generated and printed once. "
        "Does nothing if the account exists."
    )

    def handle(self, *args, **options):
        username = config("DJANGO_SUPERUSER_USERNAME", default="admin")
        email = config("DJANGO_SUPERUSER_EMAIL", default="admin@example.com")
        password = config("DJANGO_SUPERUSER_PASSWORD", default="")
        try:
            user, generated, created = superuser_ensure(
                username=username, email=email, password=password or None
            )
        except ValidationError as exc:
            raise CommandError(
                "DJANGO_SUPERUSER_PASSWORD refused: " + " ".join(exc.messages)
            ) from None
        if not created:
            self.stdout.write(f'Superuser "{user.username}" already exists; nothing changed.')
        elif generated:
            self.stdout.write(self.style.SUCCESS(f'Superuser "{user.username}" created.'))
            self.stdout.write(f"Generated password (shown once, store it now): {generated}")
        else:
            self.stdout.write(self.style.SUCCESS(f'Superuser "{user.username}" created.'))
