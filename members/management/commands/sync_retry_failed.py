from django.core.management.base import BaseCommand

from members.models import SyncDelivery
from members.sync.delivery import deliveries_reset, delivery_attempt


class Command(BaseCommand):
    help = (
        "Retry user-sync deliveries now: failed ones (given up) and pending ones waiting for "
        "their next attempt. Same as the admin's 'retry now' action."
    )

    def add_arguments(self, parser):
        parser.add_argument("--peer", help="Only deliveries to this peer.")

    def handle(self, *args, **options):
        qs = SyncDelivery.objects.filter(
            status__in=[SyncDelivery.Status.PENDING, SyncDelivery.Status.FAILED]
        )
        if options["peer"]:
            qs = qs.filter(peer=options["peer"])
        ids = sorted(qs.values_list("pk", flat=True))
        deliveries_reset(ids=ids)
        counts = dict.fromkeys(SyncDelivery.Status.values, 0)
        for delivery_id in ids:
            delivery = delivery_attempt(delivery_id=delivery_id)
            if delivery is not None:
                counts[delivery.status] += 1
        self.stdout.write(
            f"{len(ids)} deliveries retried: {counts['delivered']} delivered, "
            f"{counts['pending']} still failing (rescheduled), {counts['failed']} given up, "
            f"{counts['disabled']} to disabled peers"
        )
