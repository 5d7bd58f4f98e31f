from django.core.management.base import BaseCommand

from randomdata.services import random_data_link, random_data_unlink


class Command(BaseCommand):
    help = (
        "Assign unassigned addresses and credit cards to random users: every user without an "
        "address (card) gets the oldest unassigned one, users in id order. Links made this way "
        "are marked 'rule'; --undo unassigns exactly those."
    )

    def add_arguments(self, parser):
        parser.add_argument("--undo", action="store_true", help="remove the links this made")

    def handle(self, *args, undo, **options):
        counts = random_data_unlink() if undo else random_data_link()
        verb = "unassigned" if undo else "assigned"
        self.stdout.write(
            f"{counts['addresses']} addresses and {counts['credit_cards']} credit cards {verb}."
        )
