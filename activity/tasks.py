"""Celery tasks of the activity app, scheduled by django-celery-beat (migration 0003)."""

from celery import shared_task

from activity import services


@shared_task(name="activity.periods_close_ended", acks_late=True)
def periods_close_ended() -> int:
    """Every 5 minutes: close the periods whose token or session has ended; returns how many."""
    return services.login_periods_close_ended()
