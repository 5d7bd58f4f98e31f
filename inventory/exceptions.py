"""Domain errors raised by inventory services: core's family, with the codes clients know.

The API's exception handler renders them (config/api.py); no view converts them. Per-line
errors are keyed `"<index>.<field>"` (0-based index into the request list), so each bad line
becomes one `{"code", "detail", "attr"}` entry naming that line:

    raise InsufficientStock(errors={"2.quantity": ("Not enough stock ...", "insufficient_stock")})
"""

from core.exceptions import Conflict, InvalidInput, NotFound


class PurchaseInvalid(InvalidInput):
    """A line names an unknown item, repeats an item, or an item already on the invoice."""


class InsufficientStock(Conflict):
    default_code = "insufficient_stock"
    default_detail = "Not enough stock."


class ItemExpired(Conflict):
    """A purchase line takes stock of an item whose expiry date has passed."""

    default_code = "expired"
    default_detail = "The item has expired and cannot be sold."


class InvoiceAlreadyIssued(Conflict):
    default_code = "already_issued"
    default_detail = "The invoice is already issued."


class InvoiceEmpty(Conflict):
    """Issuing an invoice whose lines were all removed: it would freeze a 0.00 invoice."""

    default_code = "empty_invoice"
    default_detail = "The invoice has no lines."


class ItemInUse(Conflict):
    default_code = "item_in_use"
    default_detail = "The item appears on invoices and cannot be deleted."


class CustomerInUse(Conflict):
    default_code = "customer_in_use"
    default_detail = "The customer has invoices and cannot be deleted."


class CustomerNotFound(NotFound):
    default_detail = "No such customer."


class InvoiceNotFound(NotFound):
    default_detail = "No such invoice."


class InvoiceNotIssued(Conflict):
    """Only an issued invoice can be credited; an open one is changed with PUT."""

    default_code = "not_issued"
    default_detail = "The invoice is still open; change its lines with PUT instead."


class CreditExceedsSold(Conflict):
    """A credit note line asks for more units than were sold and not yet credited."""

    default_code = "exceeds_sold"
    default_detail = "More units than were sold and not yet credited."


class CreditNoteInvalid(InvalidInput):
    """A credit note line names an item that is not on the invoice, or repeats an item."""


class CreditNoteNotFound(NotFound):
    default_detail = "No such credit note."
