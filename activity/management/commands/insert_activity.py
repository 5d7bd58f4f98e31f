from django.core.management.base import BaseCommand, CommandError

from activity.management.commands.populate import _whole_number
from activity.services import ActivityError, activity_log


class Command(BaseCommand):
    help = "Log N consecutive one-hour activity periods, the last ending now, for a member."

    def add_arguments(self, parser):
        parser.add_argument("user_id", help="member id, e.g. W012A3CDE")
        parser.add_argument("count", help="number of one-hour periods")

    def handle(self, *args, user_id, count, **options):
        try:
            activity_log(user_id=user_id, count=_whole_number(count, "N"))
        except ActivityError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f'Random "{user_id}" activity logged !')
