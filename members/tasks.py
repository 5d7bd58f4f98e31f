"""Celery tasks of the members app: user sync deliveries."""

from celery import shared_task

from members.sync.delivery import deliveries_due, delivery_attempt


@shared_task(acks_late=True, ignore_result=True)
def sync_deliver(delivery_id: int) -> None:
    """Send one outbox delivery to its peer (a failure reschedules it on the row)."""
    delivery_attempt(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def sync_sweep() -> int:
    """Periodic: enqueue every delivery that is due (retries, and anything the broker lost)."""
    due = deliveries_due()
    for delivery_id in due:
        sync_deliver.delay(delivery_id)
    return len(due)
