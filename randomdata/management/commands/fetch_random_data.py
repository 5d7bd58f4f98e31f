from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from randomdata import services
from randomdata.client import UpstreamError
from randomdata.models import IngestionKind


class Command(BaseCommand):
    help = (
        "Fetch users, addresses and/or credit cards from RANDOM_DATA_API_URL now and upsert them "
        "(the same code as the periodic tasks). Exit status 1 if the upstream fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[*IngestionKind.values, "all"])
        parser.add_argument("--size", type=int, default=10, help="records per kind (default 10)")

    def handle(self, *args, kind, size, **options):
        if size < 1:
            raise CommandError("--size must be at least 1")
        kinds = IngestionKind.values if kind == "all" else [kind]
        for name in kinds:
            with tqdm(
                total=size,
                desc=name,
                unit="rec",
                file=self.stderr,
                disable=options["verbosity"] < 1,
            ) as bar:
                try:
                    run = services.INGESTERS[name](size=size, progress=bar.update)
                except UpstreamError as exc:
                    raise CommandError(
                        f"Random-data API request failed: {exc}. Nothing of the failed batch "
                        "was written."
                    ) from None
                except (services.IngestionBusy, ImproperlyConfigured) as exc:
                    raise CommandError(str(exc)) from None
            self.stdout.write(
                f"{name}: {run.created} created, {run.updated} updated, {run.skipped} skipped "
                f"(run {run.pk})"
            )
            for skip in run.skip_reasons:
                self.stdout.write(f"  skipped record {skip['index']}: {skip['reason']}")
