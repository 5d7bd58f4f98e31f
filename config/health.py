"""Liveness and readiness probes for load balancers and orchestrators."""

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    """200 while the process is up; touches nothing else."""
    return JsonResponse({"status": "ok"})


def _check_database() -> str | None:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready"
        connections["default"].close_if_unusable_or_obsolete()
        return f"{type(exc).__name__}: {exc}".strip()[:300]
    return None


def _check_broker() -> str | None:
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # kombu raises driver-specific errors
        return f"{type(exc).__name__}: {exc}".strip()[:300]
    return None


@never_cache
@require_GET
def readyz(request):
    """200 when the database (and the broker, when one is configured) answers; else 503."""
    checks: dict[str, str] = {}
    failures: dict[str, str] = {}
    error = _check_database()
    checks["database"] = "ok" if error is None else "error"
    if error:
        failures["database"] = error
    if settings.CELERY_BROKER_URL:
        error = _check_broker()
        checks["broker"] = "ok" if error is None else "error"
        if error:
            failures["broker"] = error
    body = {"status": "ok" if not failures else "unavailable", "checks": checks}
    if failures:
        body["errors"] = failures
    return JsonResponse(body, status=503 if failures else 200)
