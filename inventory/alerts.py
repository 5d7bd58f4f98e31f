"""Low-stock and expiry alert emails: the doors the stock services call after commit, and the
one writer of StockAlert.

An alert is recorded per (item, kind, local day) before it is sent, and marked sent in the
same transaction that sends it, so two workers, a retry or a rerun never email an item twice a
day for the same reason, and an alert whose email failed stays visible (sent_at empty) and goes
out with the next attempt.
"""

import logging
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from inventory.models import Item, StockAlert

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "[Backoffice] "


def low_stock_alerts_enqueue(*, item_ids: list[int]) -> None:
    """Queue the low-stock alert for `item_ids` (called after the movement's commit)."""
    _enqueue(kind=StockAlert.Kind.LOW_STOCK, item_ids=item_ids, day=None)


def expiring_alerts_enqueue(*, item_ids: list[int], day: date) -> None:
    """Queue the expiring-soon alert for `item_ids` as of `day` (after the stock list's commit)."""
    _enqueue(kind=StockAlert.Kind.EXPIRING, item_ids=item_ids, day=day)


def _enqueue(*, kind: str, item_ids: list[int], day: date | None) -> None:
    # Runs inside on_commit: an exception here would turn a committed purchase into a 500. A
    # broker that is down, or (without a broker, tasks run in-process) a mail server that
    # fails, is logged instead; the alert goes out with the item's next alert of the day.
    from inventory.tasks import stock_alerts_send

    if not settings.INVENTORY_ALERT_EMAILS:
        logger.debug("no INVENTORY_ALERT_EMAILS: no %s alert for items %s", kind, item_ids)
        return
    try:
        stock_alerts_send.delay(
            kind=str(kind), item_ids=list(item_ids), day=day.isoformat() if day else None
        )
    except Exception:
        logger.exception("could not send the %s alert for items %s", kind, item_ids)


def stock_alerts_send(
    *, kind: str, item_ids: Iterable[int], day: date | None = None
) -> list[StockAlert]:
    """Record the `kind` alert of `day` (default today, local) for each of `item_ids` and email
    the ones not sent yet to settings.INVENTORY_ALERT_EMAILS in one message; returns the alerts
    it sent. Raises the mail backend's error, leaving those alerts unsent for a retry."""
    recipients = settings.INVENTORY_ALERT_EMAILS
    if not recipients:
        logger.debug("no INVENTORY_ALERT_EMAILS: no %s alert for items %s", kind, item_ids)
        return []
    kind = StockAlert.Kind(kind)
    day = day or timezone.localdate()
    items = Item.objects.filter(pk__in=set(item_ids))  # items deleted meanwhile drop out
    if kind == StockAlert.Kind.LOW_STOCK:
        # Restocked before the task ran (a worker that was behind): nothing to tell.
        items = items.low_stock()
    # Committed on its own, before the email: an alert whose email fails is still on record
    # (the admin lists it as not sent) and the next attempt finds it.
    with transaction.atomic():
        StockAlert.objects.bulk_create(
            [
                StockAlert(item_id=pk, kind=kind, day=day)
                for pk in items.order_by("pk").values_list("pk", flat=True)
            ],
            ignore_conflicts=True,
            batch_size=500,
        )
    with transaction.atomic():
        # Another sender holding some of these rows is sending them: skip them rather than
        # wait and send them again. Rows sent already no longer match sent_at IS NULL.
        # The email goes out inside this transaction so that a failed send leaves the rows
        # unsent; on SQLite (no row locks) that holds the database's write lock for the send,
        # at most EMAIL_TIMEOUT.
        alerts = list(
            StockAlert.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(kind=kind, day=day, item__in=items, sent_at__isnull=True)
            .select_related("item")
            .order_by("item__name", "item_id")
        )
        if not alerts:
            return []
        _email_send(kind=kind, day=day, alerts=alerts, recipients=recipients)
        # The email is out: if this commit failed the alerts would go again (at least once).
        sent_at = timezone.now()
        StockAlert.objects.filter(pk__in=[alert.pk for alert in alerts]).update(sent_at=sent_at)
        for alert in alerts:
            alert.sent_at = sent_at
    logger.info(
        "%s alert emailed to %s: items %s",
        kind,
        ", ".join(recipients),
        ", ".join(str(alert.item_id) for alert in alerts),
    )
    return alerts


def stock_alerts_unsent_send(*, day: date | None = None) -> list[StockAlert]:
    """Send the alerts of `day` (default today, local) still unsent, e.g. after their email
    failed without a worker to retry it, or after a worker gave up: the periodic sweep.
    Raises the mail backend's error like stock_alerts_send."""
    day = day or timezone.localdate()
    sent: list[StockAlert] = []
    for kind in StockAlert.Kind:
        item_ids = list(
            StockAlert.objects.filter(kind=kind, day=day, sent_at__isnull=True).values_list(
                "item_id", flat=True
            )
        )
        if item_ids:
            sent += stock_alerts_send(kind=kind, item_ids=item_ids, day=day)
    return sent


def _email_send(
    *, kind: StockAlert.Kind, day: date, alerts: list[StockAlert], recipients: list[str]
) -> None:
    count = len(alerts)
    noun = "item" if count == 1 else "items"
    days = settings.STOCK_LIST_EXPIRY_DAYS
    title = {
        StockAlert.Kind.LOW_STOCK: f"Low stock: {count} {noun}",
        StockAlert.Kind.EXPIRING: f"Expiring within {days} days: {count} {noun}",
    }[kind]
    context = {
        "kind": str(kind),
        "title": title,
        "day": day,
        "days": days,
        "items": [
            {
                "name": alert.item.name,
                "sku": alert.item.sku or "",
                "quantity": alert.item.quantity,
                "reorder_level": alert.item.reorder_level,
                "expiry_date": alert.item.expiry_date,
                "admin_path": reverse("admin:inventory_item_change", args=[alert.item_id]),
            }
            for alert in alerts
        ],
    }
    message = EmailMultiAlternatives(
        subject=SUBJECT_PREFIX + title,
        body=render_to_string("inventory/email/stock_alert.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    message.attach_alternative(
        render_to_string("inventory/email/stock_alert.html", context), "text/html"
    )
    message.send()
