"""The domain error family. Services raise these; only the API's exception handler (and the
Slack-envelope handler, through the same `api_exception_from`) turns them into responses.

    raise Conflict("Only 2 left.", code="insufficient_stock", attr="0.quantity")
    raise InvalidInput(errors={"0.item": ("No such item.", "not_found")})

A service never raises a `rest_framework` exception and a view never converts errors by hand.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.exceptions import ErrorDetail

ErrorItems = dict[str, tuple[str, str]]  # attr -> (detail, code)


class ApplicationError(Exception):
    """A request the domain refuses; nothing was changed.

    `attr` names the field (dotted for nested and list items, e.g. `0.quantity`); `errors`
    holds several at once. `extra` adds keys to envelope bodies that have room for them.
    """

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"
    default_detail = "The request is not valid."

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        attr: str | None = None,
        errors: ErrorItems | None = None,
        extra: dict | None = None,
    ):
        self.detail = detail or self.default_detail
        self.code = code or self.default_code
        self.attr = attr
        self.errors = errors or {}
        self.extra = extra or {}
        super().__init__(self.detail)

    def items(self) -> ErrorItems:
        """Every error as attr -> (detail, code); an error without attr under "" ."""
        if self.errors:
            return dict(self.errors)
        return {self.attr or "": (self.detail, self.code)}


class InvalidInput(ApplicationError):
    """400: the input breaks a domain rule (a validation error naming the field)."""


class PermissionDenied(ApplicationError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "permission_denied"
    default_detail = "You do not have permission to do that."


class NotFound(ApplicationError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = "Not found."


class Conflict(ApplicationError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The request conflicts with the current state."


def _detail(error: ApplicationError) -> dict | ErrorDetail:
    items = error.items()
    if list(items) == [""] and error.status_code != status.HTTP_400_BAD_REQUEST:
        text, code = items[""]
        return ErrorDetail(text, code=code)
    return {
        attr or "non_field_errors": [ErrorDetail(text, code=code)]
        for attr, (text, code) in items.items()
    }


class _DomainAPIException(exceptions.APIException):
    """What a non-400 ApplicationError becomes for DRF (status and detail taken from it)."""

    def __init__(self, error: ApplicationError):
        self.status_code = error.status_code
        self.extra = error.extra
        super().__init__(detail=_detail(error), code=error.code)


class _DomainValidationError(exceptions.ValidationError):
    """What a 400 ApplicationError becomes: a validation error naming its field(s)."""

    def __init__(self, error: ApplicationError):
        super().__init__(_detail(error))
        self.extra = error.extra


def _validation_detail(exc: DjangoValidationError):
    """Django's ValidationError as DRF detail: {field: [ErrorDetail]} keeping codes."""
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [
                ErrorDetail(message, code=error.code or "invalid")
                for error in errors
                for message in error.messages
            ]
            for field, errors in exc.error_dict.items()
        }
    return [
        ErrorDetail(message, code=error.code or "invalid")
        for error in exc.error_list
        for message in error.messages
    ]


def api_exception_from(exc: Exception) -> Exception:
    """A domain or Django validation error as the DRF exception that renders it; others as is."""
    if isinstance(exc, ApplicationError):
        if exc.status_code == status.HTTP_400_BAD_REQUEST:
            return _DomainValidationError(exc)
        return _DomainAPIException(exc)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(_validation_detail(exc))
    return exc
