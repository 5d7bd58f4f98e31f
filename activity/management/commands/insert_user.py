from django.core.management.base import BaseCommand, CommandError

from activity.management.commands.populate import _whole_number
from activity.services import ActivityError, members_create


class Command(BaseCommand):
    help = "Create N members (default 1) without activity, printing each id."

    def add_arguments(self, parser):
        parser.add_argument("count", nargs="?", default="1", help="members to create")

    def handle(self, *args, count, **options):
        try:
            ids = members_create(count=_whole_number(count, "N"))
        except ActivityError as exc:
            raise CommandError(str(exc)) from None
        for member_id in ids:
            self.stdout.write(f'User "{member_id}" Created !')
