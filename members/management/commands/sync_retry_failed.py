from django.core.management.base import BaseCommand

from members.sync.delivery import deliveries_retry_now


class Command(BaseCommand):
    help = (
        "Retry user-sync deliveries now: failed ones (given up) and pending ones waiting for "
        "their next attempt. Same as the admin's 'retry now' action."
    )

    def add_arguments(self, parser):
        parser.add_argument("--peer", help="Only deliveries to this peer.")

    def handle(self, *args, **options):
        counts = deliveries_retry_now(peer=options["peer"])
        self.stdout.write(
            f"{counts['retried']} deliveries retried: {counts['delivered']} delivered, "
            f"{counts['pending']} still failing (rescheduled), {counts['failed']} given up, "
            f"{counts['disabled']} to disabled peers"
        )
