from celery import shared_task

from inventory import services


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
