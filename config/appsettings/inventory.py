"""Settings of the inventory app, from the environment (document each in .env.example)."""

from pathlib import Path

from decouple import config

_BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Seller block printed on every invoice (the reference layout's top-right corner).
INVOICE_SELLER_NAME = config("INVOICE_SELLER_NAME", default="Virtual Company Ltd.")
INVOICE_SELLER_PHONE = config("INVOICE_SELLER_PHONE", default="+91-0000-00-0000")
INVOICE_SELLER_EMAIL = config("INVOICE_SELLER_EMAIL", default="billing@example.com")
INVOICE_SELLER_ADDRESS = config("INVOICE_SELLER_ADDRESS", default="23th Street, Zbcxyz")
# ISO 4217 code printed beside every amount.
INVOICE_CURRENCY = config("INVOICE_CURRENCY", default="INR")
# Invoice numbers look like <prefix>-<year>-<6 digits>, gapless per year.
INVOICE_NUMBER_PREFIX = config("INVOICE_NUMBER_PREFIX", default="INV")
# Region used to read customer phone numbers written without a +country prefix.
INVENTORY_PHONE_REGION = config("INVENTORY_PHONE_REGION", default="IN")
# Reorder level given to new items when none is sent.
INVENTORY_REORDER_LEVEL_DEFAULT = config("INVENTORY_REORDER_LEVEL_DEFAULT", default=10, cast=int)
# Most lines accepted in one purchase request.
INVENTORY_PURCHASE_MAX_LINES = config("INVENTORY_PURCHASE_MAX_LINES", default=1000, cast=int)
# Where generate_stock_list (and the nightly task) writes the stock list.
STOCK_LIST_PATH = config("STOCK_LIST_PATH", default=str(_BASE_DIR / "var" / "stocklist.txt"))
# Items expiring within this many days are listed by the nightly stock list.
STOCK_LIST_EXPIRY_DAYS = config("STOCK_LIST_EXPIRY_DAYS", default=7, cast=int)
# django-phonenumber-field reads numbers written without +country in this region.
PHONENUMBER_DEFAULT_REGION = INVENTORY_PHONE_REGION
# Who gets the low-stock and expiry alert emails: comma-separated addresses; empty sends none.
INVENTORY_ALERT_EMAILS = config(
    "INVENTORY_ALERT_EMAILS",
    default="",
    cast=lambda value: [address.strip() for address in value.split(",") if address.strip()],
)
# Credit notes are numbered <prefix>-<year>-<6 digits>, gapless per year, like invoices.
CREDIT_NOTE_NUMBER_PREFIX = config("CREDIT_NOTE_NUMBER_PREFIX", default="CN")
