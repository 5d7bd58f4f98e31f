from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from carbon.imports import ImportRowsInvalid, usages_import
from core.exceptions import ApplicationError

PHASES = {"check": "checking", "save": "saving"}


class Command(BaseCommand):
    help = (
        "Import usages from a CSV file (header usage_type,usage_at,amount[,unit][,user]; see "
        "docs/carbon.md): every row is checked first, then all are saved in one transaction, "
        "or none. Rows without a user cell belong to --user."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file (UTF-8, , or ; separated)")
        parser.add_argument("--user", default=None, help="member id owning rows without a user")

    def handle(self, *args, file: str, user: str | None, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from None
        bars: dict[str, tqdm] = {}

        def progress(phase: str, done: int, total: int) -> None:
            bar = bars.get(phase)
            if bar is None:
                bar = bars[phase] = tqdm(
                    total=total, desc=PHASES.get(phase, phase), unit="row", file=self.stderr
                )
            bar.update(done - bar.n)

        try:
            created = usages_import(actor=None, data=data, default_user=user, progress=progress)
        except ImportRowsInvalid as exc:
            for error in exc.row_errors:
                column = f" {error.column}" if error.column else ""
                self.stderr.write(f"{file}: row {error.row}{column}: {error.detail} [{error.code}]")
            shown = len(exc.row_errors)
            more = f" (the first {shown} shown)" if exc.error_count > shown else ""
            raise CommandError(
                f"{exc.error_count} error(s) in {file}{more}; nothing was imported."
            ) from None
        except ApplicationError as exc:
            raise CommandError(f"{file}: {exc.attr or 'file'}: {exc.detail}") from None
        finally:
            for bar in bars.values():
                bar.close()
        self.stdout.write(self.style.SUCCESS(f"Imported {created} usages from {file}."))
