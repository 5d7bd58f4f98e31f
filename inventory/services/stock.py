"""The low-stock / expiry list (nightly, and on demand)."""

import tempfile
from datetime import date
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from inventory import alerts
from inventory.models import Item, StockReport, StockReportLine, expiry_window


def _write_atomically(*, path: Path, text: str) -> None:
    """Write `text` to `path` (mode 0644), creating missing parent directories."""
    # A uniquely named temporary file + rename: readers never see half a list, and two
    # concurrent writers cannot trip over each other's temporary file.
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
    ) as tmp:
        tmp.write(text)
    # Readable by others (the web server, a cron mailer) whatever the umask; the temporary
    # file is created 0600.
    Path(tmp.name).chmod(0o644)
    Path(tmp.name).replace(path)


@transaction.atomic
def stock_report_generate(
    *, days: int | None = None, output_path: str | Path | None = None, today: date | None = None
) -> StockReport:
    """Store a StockReport of low-stock, expiring (within `days`, default
    settings.STOCK_LIST_EXPIRY_DAYS) and expired items and write its text to `output_path`
    (default settings.STOCK_LIST_PATH)."""
    today, horizon = expiry_window(within_days=days, on=today)
    days = (horizon - today).days  # the window used (the setting's when None was given)
    sections = {
        StockReportLine.Kind.LOW_STOCK: Item.objects.low_stock(),
        StockReportLine.Kind.EXPIRING: Item.objects.expiring(within_days=days, on=today).order_by(
            "expiry_date", "name", "id"
        ),
        StockReportLine.Kind.EXPIRED: Item.objects.expired(on=today).order_by(
            "expiry_date", "name", "id"
        ),
    }
    report = StockReport.objects.create(days=days, as_of=today, text="")
    lines = [
        StockReportLine(
            report=report,
            kind=kind,
            item=item,
            name=item.name,
            sku=item.sku or "",
            quantity=item.quantity,
            reorder_level=item.reorder_level,
            expiry_date=item.expiry_date,
        )
        for kind, queryset in sections.items()
        for item in queryset.iterator(chunk_size=2000)
    ]
    StockReportLine.objects.bulk_create(lines, batch_size=1000)
    by_kind = {kind: [line for line in lines if line.kind == kind] for kind in sections}
    report.text = render_to_string(
        "inventory/stocklist.txt",
        {
            "report": report,
            "today": today,
            "horizon": horizon,
            "low_stock": by_kind[StockReportLine.Kind.LOW_STOCK],
            "expiring": by_kind[StockReportLine.Kind.EXPIRING],
            "expired": by_kind[StockReportLine.Kind.EXPIRED],
        },
    )
    report.save(update_fields=["text"])
    # Written inside the transaction on purpose: if the file cannot be written the report row
    # is rolled back too, so a stored report always has its file.
    _write_atomically(path=Path(output_path or settings.STOCK_LIST_PATH), text=report.text)
    # The alert is for items expiring within STOCK_LIST_EXPIRY_DAYS, whatever window this
    # list was asked for; it is emailed once per item and day however often the list runs.
    _, alert_horizon = expiry_window(on=today)
    expiring_ids = [
        line.item_id
        for line in by_kind[StockReportLine.Kind.EXPIRING]
        if line.expiry_date <= alert_horizon
    ]
    if expiring_ids:
        transaction.on_commit(
            partial(alerts.expiring_alerts_enqueue, item_ids=expiring_ids, day=today)
        )
    return report


def stock_report_delete(*, report: StockReport) -> None:
    """Delete a stored report and its lines (the written file is the latest run's, and stays)."""
    report.delete()
