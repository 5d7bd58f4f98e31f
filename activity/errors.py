"""The Slack-style error envelope of the legacy endpoints and users.list.

`{"ok": false, "error": "<code>", "detail": "<human text>"}` with a 4xx status. The rest of
the API keeps drf-standardized-errors; only views that mix in `SlackEnvelopeMixin` use this.
"""

import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from core.exceptions import ApplicationError, api_exception_from
from core.parsers import InvalidText


class SlackError(ApplicationError):
    """A failure with a Slack-style error code; `extra` adds fields to the body."""

    def __init__(
        self, error: str, detail: str, *, status_code: int = 400, extra: dict | None = None
    ):
        super().__init__(detail, code=error, extra=extra)
        self.status_code = status_code


# Slack's own codes where Slack has one (https://docs.slack.dev/reference/methods/users.list).
_ERROR_CODES: list[tuple[type[exceptions.APIException], str]] = [
    (exceptions.NotAuthenticated, "not_authed"),
    (exceptions.AuthenticationFailed, "invalid_auth"),
    (exceptions.Throttled, "ratelimited"),
    (exceptions.ParseError, "invalid_json"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.PermissionDenied, "access_denied"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.NotFound, "not_found"),
    (InvalidText, "invalid_text"),
    (exceptions.ValidationError, "invalid_arguments"),
]


def _detail_text(detail) -> str:
    if isinstance(detail, dict):
        return "; ".join(f"{key}: {_detail_text(value)}" for key, value in detail.items())
    if isinstance(detail, list):
        return " ".join(_detail_text(item) for item in detail)
    return str(detail)


def envelope_exception_handler(exc, context):
    """DRF exception handler producing the envelope; anything else is left to crash (a bug).

    Domain errors (core.exceptions, SlackError among them) keep their own code as `error`."""
    domain = exc if isinstance(exc, ApplicationError) else None
    exc = api_exception_from(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RecursionError):  # json.loads on a body nested thousands deep
        exc = exceptions.ParseError("JSON parse error - nested too deeply.")
    elif isinstance(exc, SuspiciousOperation):  # too many fields, body too big, ...
        exc = exceptions.ParseError(f"Request refused: {exc}")
    if not isinstance(exc, exceptions.APIException):
        return None
    if domain is not None:
        error, extra = domain.code, domain.extra
    else:
        error = next(
            (code for cls, code in _ERROR_CODES if isinstance(exc, cls)), "invalid_request"
        )
        extra = {}
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))
    detail = domain.detail if domain is not None and not domain.errors else exc.detail
    body = {"ok": False, "error": error, "detail": _detail_text(detail), **extra}
    return Response(body, status=exc.status_code, headers=headers)


class SlackEnvelopeMixin:
    """For APIView subclasses: errors in the Slack envelope instead of the API-wide shape."""

    def get_exception_handler(self):
        return envelope_exception_handler
