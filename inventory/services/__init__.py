"""The only writers of inventory data. Each public function is one transaction."""

from inventory.services.catalogue import (
    CUSTOMER_UPDATABLE_FIELDS,
    ITEM_UPDATABLE_FIELDS,
    customer_create,
    customer_delete,
    customer_update,
    item_create,
    item_delete,
    item_update,
)
from inventory.services.credit_notes import (
    CreditLine,
    credit_note_create,
    credit_note_number_allocate,
    credit_note_pdf_store,
)
from inventory.services.invoices import invoice_issue, invoice_pdf_store
from inventory.services.movements import (
    MAX_STOCK,
    StockReason,
    item_stock_adjust,
    stock_move,
)
from inventory.services.purchases import (
    PurchaseLine,
    invoice_number_allocate,
    purchase_create,
    purchase_update,
)
from inventory.services.stock import stock_report_delete, stock_report_generate

__all__ = [
    "CUSTOMER_UPDATABLE_FIELDS",
    "ITEM_UPDATABLE_FIELDS",
    "MAX_STOCK",
    "CreditLine",
    "PurchaseLine",
    "StockReason",
    "credit_note_create",
    "credit_note_number_allocate",
    "credit_note_pdf_store",
    "customer_create",
    "customer_delete",
    "customer_update",
    "invoice_issue",
    "invoice_number_allocate",
    "invoice_pdf_store",
    "item_create",
    "item_delete",
    "item_stock_adjust",
    "item_update",
    "purchase_create",
    "purchase_update",
    "stock_move",
    "stock_report_delete",
    "stock_report_generate",
]
