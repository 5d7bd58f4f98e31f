from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from inventory.models import StockReportLine
from inventory.services import stock_report_generate


def _missing_directory(directory: Path) -> Path | None:
    """The outermost directory on the way to `directory` that does not exist yet, if any."""
    missing = None
    while not directory.exists() and directory != directory.parent:
        missing, directory = directory, directory.parent
    return missing


class Command(BaseCommand):
    help = (
        "List items at or below their reorder level, expiring within --days days and already "
        "expired; store a StockReport and write the text to --output (default STOCK_LIST_PATH)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="expiry window (default STOCK_LIST_EXPIRY_DAYS)"
        )
        parser.add_argument(
            "--output",
            default=None,
            help="file to write, mode 0644, creating missing directories (default STOCK_LIST_PATH)",
        )

    def handle(self, *args, days: int | None, output: str | None, **options):
        if days is not None and not 0 <= days <= 36500:
            raise CommandError("--days must be between 0 and 36500.")
        path = output or settings.STOCK_LIST_PATH
        missing = _missing_directory(Path(path).parent)
        try:
            report = stock_report_generate(days=days, output_path=path)
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc}") from exc
        counts = {kind: 0 for kind in StockReportLine.Kind}
        days = report.days
        for kind in report.lines.values_list("kind", flat=True):
            counts[kind] += 1
        if missing is not None:
            self.stdout.write(f"Created the missing directory {missing}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Stock list written to {path}: {counts[StockReportLine.Kind.LOW_STOCK]} low "
                f"stock, {counts[StockReportLine.Kind.EXPIRING]} expiring within {days} days, "
                f"{counts[StockReportLine.Kind.EXPIRED]} expired (report {report.pk})."
            )
        )
