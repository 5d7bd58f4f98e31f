"""Celery tasks: thin wrappers around the ingest services, scheduled by django-celery-beat.

Only `UpstreamUnavailable` (connection errors, timeouts, 5xx, 429 after the client's own
retries) is retried, with exponential backoff. A bad answer or a bad configuration is not
going to fix itself, so it fails at once (and the IngestionRun row says why). A task that finds
another run of its kind in progress returns without doing anything.
"""

import logging

from celery import shared_task
from django.conf import settings

from randomdata import services
from randomdata.client import UpstreamUnavailable
from randomdata.models import IngestionKind

logger = logging.getLogger(__name__)

TASK_OPTIONS = {
    "autoretry_for": (UpstreamUnavailable,),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 3,
    "acks_late": True,
    "soft_time_limit": getattr(settings, "CELERY_TASK_SOFT_TIME_LIMIT", 300),
    "time_limit": getattr(settings, "CELERY_TASK_TIME_LIMIT", 360),
}


def _run(kind: str, size: int) -> dict:
    try:
        run = services.INGESTERS[kind](size=size)
    except services.IngestionBusy as exc:
        logger.info("%s", exc)
        return {"kind": kind, "status": "busy"}
    return {
        "kind": kind,
        "status": run.status,
        "run": run.pk,
        "created": run.created,
        "updated": run.updated,
        "skipped": run.skipped,
    }


@shared_task(name="randomdata.ingest_users", **TASK_OPTIONS)
def ingest_users(size: int = 10) -> dict:
    return _run(IngestionKind.USERS, size)


@shared_task(name="randomdata.ingest_addresses", **TASK_OPTIONS)
def ingest_addresses(size: int = 10) -> dict:
    return _run(IngestionKind.ADDRESSES, size)


@shared_task(name="randomdata.ingest_credit_cards", **TASK_OPTIONS)
def ingest_credit_cards(size: int = 10) -> dict:
    return _run(IngestionKind.CREDIT_CARDS, size)
