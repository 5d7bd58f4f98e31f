from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from activity.services import ActivityError, members_populate

PROGRESS_BAR_FROM = 5000  # members; smaller runs finish in about a second


class Command(BaseCommand):
    help = "Create N members (default 10) with K past activity periods each (default 3)."

    def add_arguments(self, parser):
        parser.add_argument("count", nargs="?", default="10", help="members to create")
        parser.add_argument("--periods", default="3", help="activity periods per member")
        parser.add_argument("--seed", default=None, help="random seed, for reproducible data")
        parser.add_argument(
            "--legacy-names",
            action="store_true",
            help="random 10-letter uppercase names, as the original script made",
        )

    def handle(self, *args, count, periods, seed, legacy_names, **options):
        count = _whole_number(count, "N")
        periods = _whole_number(periods, "--periods")
        seed = None if seed is None else _whole_number(seed, "--seed")
        with tqdm(
            total=count, unit="member", disable=count < PROGRESS_BAR_FROM, file=self.stderr
        ) as bar:
            try:
                result = members_populate(
                    count=count,
                    periods_per_member=periods,
                    seed=seed,
                    legacy_names=legacy_names,
                    progress=bar.update,
                )
            except ActivityError as exc:
                raise CommandError(str(exc)) from None
        rate = count / result.seconds if result.seconds else float("inf")
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {count} members and {result.periods_created} activity periods "
                f"in {result.seconds:.1f} s ({rate:,.0f} members/s)."
            )
        )


def _whole_number(raw: str, name: str) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise CommandError(f"{name} must be a whole number, not {raw!r}.") from None
