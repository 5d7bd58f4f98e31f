"""Request ids, one access-log line per request, a request body limit, and log formatting."""

import contextvars
import logging
import re
import time
import uuid

from django.conf import settings
from django.http import JsonResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
access_logger = logging.getLogger("backoffice.access")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (the HTTP request's, or the Celery task's id) to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class RequestMiddleware:
    """Accept or make X-Request-ID, refuse oversized bodies (413), log one line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        request.request_id = request_id
        started = time.perf_counter()
        try:
            response = (
                self._too_large(request) or self._nul_in_path(request) or self.get_response(request)
            )
            response["X-Request-ID"] = request_id
            access_logger.info(
                "%s %s %s %.1fms",
                request.method,
                request.get_full_path()[:500],
                response.status_code,
                (time.perf_counter() - started) * 1000,
                extra={
                    "method": request.method,
                    "path": request.path[:500],
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)

    @staticmethod
    def _nul_in_path(request):
        # No route, id or slug contains NUL, and PostgreSQL refuses it in any query parameter.
        if "\x00" not in request.path:
            return None
        return JsonResponse(
            {
                "type": "client_error",
                "errors": [{"code": "not_found", "detail": "Not found.", "attr": None}],
            },
            status=404,
        )

    @staticmethod
    def _too_large(request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_REQUEST_BODY_BYTES
        if request.path.rstrip("/") == "/api/v1/usages/import":
            # A CSV import of up to 100,000 rows has its own, larger limit (checked again there).
            limit = max(limit, settings.CARBON_IMPORT_MAX_BYTES)
        if length <= limit:
            return None
        return JsonResponse(
            {
                "type": "client_error",
                "errors": [
                    {
                        "code": "request_too_large",
                        "detail": f"The request body is {length} bytes; the limit is {limit}.",
                        "attr": None,
                    }
                ],
            },
            status=413,
        )
