import logging
import random
import smtplib
from datetime import date

from celery import shared_task

from inventory import alerts, services

logger = logging.getLogger(__name__)

ALERT_MAX_RETRIES = 5
ALERT_BACKOFF_SECONDS = 60
ALERT_BACKOFF_MAX_SECONDS = 3600


@shared_task(
    name="inventory.tasks.stock_list_generate",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
)
def stock_list_generate(days: int | None = None) -> int:
    """Nightly stock list (scheduled by django-celery-beat): store a report, write the file.
    `days` defaults to settings.STOCK_LIST_EXPIRY_DAYS."""
    return services.stock_report_generate(days=days).pk


def alert_retry_countdown(retries: int) -> int:
    """Seconds before retry number `retries + 1`: exponential (1, 2, 4 ... minutes, capped at
    an hour) with full jitter, so workers that failed together do not retry together."""
    return random.randint(1, min(ALERT_BACKOFF_MAX_SECONDS, ALERT_BACKOFF_SECONDS * 2**retries))


@shared_task(
    bind=True,
    name="inventory.tasks.stock_alerts_send",
    max_retries=ALERT_MAX_RETRIES,
    ignore_result=True,
)
def stock_alerts_send(self, *, kind: str, item_ids: list[int], day: str | None = None) -> list[int]:
    """Email the `kind` alert of `day` (ISO date, default today) for `item_ids`, once per item
    and day (inventory.alerts.stock_alerts_send); a mail server that fails is retried with
    backoff. Returns the ids of the alerts sent."""
    try:
        sent = alerts.stock_alerts_send(
            kind=kind, item_ids=item_ids, day=date.fromisoformat(day) if day else None
        )
    except (smtplib.SMTPException, OSError) as exc:
        if self.request.is_eager:
            # No worker (no broker configured): a countdown cannot be waited for in-process, and
            # retrying at once would only hold the caller. The alerts stay unsent and go out
            # with the next attempt (the door that queued this logs the error).
            raise
        logger.warning("stock alert email failed (%s); retry %d", exc, self.request.retries + 1)
        raise self.retry(exc=exc, countdown=alert_retry_countdown(self.request.retries)) from exc
    return [alert.pk for alert in sent]


@shared_task(
    name="inventory.tasks.stock_alerts_unsent_send",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=60,
    retry_backoff_max=ALERT_BACKOFF_MAX_SECONDS,
    max_retries=3,
    ignore_result=True,
)
def stock_alerts_unsent_send() -> list[int]:
    """Every 15 minutes (django-celery-beat): today's alerts still unsent go out, once."""
    return [alert.pk for alert in alerts.stock_alerts_unsent_send()]
