from django.core.management.base import BaseCommand

from inventory.ledger import ledger_breaks


class Command(BaseCommand):
    help = (
        "Check the stock ledger: for every item one initial movement, first; its movements add "
        "up to its quantity; each balance_after is the running sum. Prints the items that "
        "break it and exits 1 if any do."
    )

    def handle(self, *args, **options):
        breaks = ledger_breaks()
        if not breaks:
            self.stdout.write(self.style.SUCCESS("Stock ledger OK: every item adds up."))
            return
        for entry in breaks:
            self.stdout.write(f"item {entry.item_id} ({entry.name}): {entry.problem}")
        items = len({entry.item_id for entry in breaks})
        self.stderr.write(self.style.ERROR(f"{items} item(s) break the stock ledger."))
        raise SystemExit(1)
