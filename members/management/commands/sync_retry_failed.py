from django.core.management.base import BaseCommand, CommandError

from members.sync.delivery import deliveries_retry_now
from members.sync.peers import peer_get, peers_configured


class Command(BaseCommand):
    help = (
        "Retry user-sync deliveries now: failed ones (given up) and pending ones waiting for "
        "their next attempt. Same as the admin's 'retry now' action."
    )

    def add_arguments(self, parser):
        parser.add_argument("--peer", help="Only deliveries to this peer.")

    def handle(self, *args, **options):
        name = options["peer"]
        if name is not None and peer_get(name) is None:
            names = ", ".join(p.name for p in peers_configured()) or "none (SYNC_PEERS is empty)"
            raise CommandError(f"Unknown peer {name!r}. Configured peers: {names}.")
        counts = deliveries_retry_now(peer=name)
        self.stdout.write(
            f"{counts['retried']} deliveries retried: {counts['delivered']} delivered, "
            f"{counts['pending']} still failing (rescheduled), {counts['failed']} given up, "
            f"{counts['disabled']} to disabled peers"
        )
