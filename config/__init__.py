"""Project wiring: settings, root URLs, the Celery app, WSGI/ASGI and API plumbing."""

from .celery import app as celery_app

__all__ = ("celery_app",)
