"""The only writers of inventory data. Each public function is one transaction."""

from inventory.services.catalogue import (
    MAX_STOCK,
    customer_create,
    customer_update,
    item_create,
    item_delete,
    item_update,
)
from inventory.services.purchases import (
    PurchaseLine,
    invoice_issue,
    invoice_number_allocate,
    purchase_create,
    purchase_update,
)
from inventory.services.stock import stock_report_generate

__all__ = [
    "MAX_STOCK",
    "PurchaseLine",
    "customer_create",
    "customer_update",
    "invoice_issue",
    "invoice_number_allocate",
    "item_create",
    "item_delete",
    "item_update",
    "purchase_create",
    "purchase_update",
    "stock_report_generate",
]
