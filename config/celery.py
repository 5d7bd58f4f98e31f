"""The Celery app. Tasks live in each app's tasks.py and are autodiscovered."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("backoffice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
def _task_log_context(task_id=None, **_kwargs):
    """Every log line a task writes carries its run id (as request_id)."""
    from config.observability import request_id_var

    request_id_var.set(task_id or "-")


@signals.task_postrun.connect
def _task_log_context_clear(**_kwargs):
    from config.observability import request_id_var

    request_id_var.set("-")
