"""API errors raised by inventory services; drf-standardized-errors renders them.

Per-line errors are keyed `"<index>.<field>"` (0-based index into the request list), so each
bad line becomes one `{"code", "detail", "attr"}` entry naming that line.
"""

from rest_framework import status
from rest_framework.exceptions import APIException, ErrorDetail, NotFound, ValidationError


def line_errors(errors: dict[str, tuple[str, str]]) -> dict[str, list[ErrorDetail]]:
    """{"2.item": (detail, code)} -> the detail dict an APIException takes."""
    return {attr: [ErrorDetail(detail, code=code)] for attr, (detail, code) in errors.items()}


class PurchaseInvalid(ValidationError):
    """A line names an unknown item, repeats an item, or an item already on the invoice."""

    default_code = "invalid"


class InsufficientStock(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Not enough stock."
    default_code = "insufficient_stock"


class InvoiceAlreadyIssued(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The invoice is already issued."
    default_code = "already_issued"


class ItemInUse(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The item appears on invoices and cannot be deleted."
    default_code = "item_in_use"


class CustomerNotFound(NotFound):
    default_detail = "No such customer."


class InvoiceNotFound(NotFound):
    default_detail = "No such invoice."
