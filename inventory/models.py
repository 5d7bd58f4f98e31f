from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import ExpressionWrapper, F, Q
from django.utils import timezone

from core.validators import validate_plausible_date, validate_single_line
from inventory.phones import PHONE_STORED_MAX_LENGTH, PhoneField


def reorder_level_default() -> int:
    return settings.INVENTORY_REORDER_LEVEL_DEFAULT


# Low stock: at or below the reorder level (an item at exactly its level is low).
LOW_STOCK = Q(quantity__lte=F("reorder_level"))


def expiry_window(*, within_days: int | None = None, on: date | None = None) -> tuple[date, date]:
    """First and last day of "expiring within N days" seen on `on` (default today, local):
    on .. on + N days, both included; N defaults to settings.STOCK_LIST_EXPIRY_DAYS."""
    on = on or timezone.localdate()
    days = settings.STOCK_LIST_EXPIRY_DAYS if within_days is None else within_days
    return on, on + timedelta(days=days)


class ItemQuerySet(models.QuerySet):
    """The stock rules, spelled once: every list, report, filter and admin column uses these."""

    def low_stock(self) -> "ItemQuerySet":
        return self.filter(LOW_STOCK)

    def not_low_stock(self) -> "ItemQuerySet":
        return self.exclude(LOW_STOCK)

    def with_low_stock(self) -> "ItemQuerySet":
        """Annotate `is_low_stock` (a boolean column for lists that show it)."""
        return self.annotate(
            is_low_stock=ExpressionWrapper(LOW_STOCK, output_field=models.BooleanField())
        )

    def expiring(self, *, within_days: int | None = None, on: date | None = None) -> "ItemQuerySet":
        """Expiring between `on` (default today) and `within_days` later, both included."""
        first, last = expiry_window(within_days=within_days, on=on)
        return self.filter(expiry_date__gte=first, expiry_date__lte=last)

    def expired(self, *, on: date | None = None) -> "ItemQuerySet":
        """Expired before `on` (default today): an item expiring today is not expired yet."""
        return self.filter(expiry_date__lt=on or timezone.localdate())


class Item(models.Model):
    name = models.CharField(max_length=200, validators=[validate_single_line])
    description = models.TextField(blank=True)
    price = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    quantity = models.IntegerField(default=0, help_text="Units in stock.")
    reorder_level = models.PositiveIntegerField(default=reorder_level_default)
    expiry_date = models.DateField(
        null=True,
        blank=True,
        validators=[validate_plausible_date],
        help_text="From 1900 up to 2200.",
    )
    # NULL, not "", for items without one: the unique index then ignores them.
    sku = models.CharField(
        max_length=64, unique=True, null=True, blank=True, validators=[validate_single_line]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="item_quantity_gte_0",
                violation_error_message="The quantity in stock cannot be below 0.",
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="item_price_gte_0",
                violation_error_message="The price cannot be below 0.",
            ),
        ]
        indexes = [models.Index(fields=["expiry_date"], name="item_expiry_idx")]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    name = models.CharField(max_length=200, validators=[validate_single_line])
    # Stored as inventory.phones.phone_normalize gives it: E.164, or "+" and 7-15 digits.
    phone = PhoneField(max_length=PHONE_STORED_MAX_LENGTH, help_text="E.164, or + and 7-15 digits.")
    address = models.TextField()
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class InvoiceSequence(models.Model):
    """The last invoice number handed out in a year; its row is the allocation lock."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Invoice(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ISSUED = "issued", "Issued"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(max_length=32, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # Wide enough for any invoice the API accepts (12-digit prices x 10^6 units x many lines).
    total = models.DecimalField(max_digits=24, decimal_places=2, default=Decimal("0.00"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Purchases always go to the customer's one open invoice.
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status="open"),
                name="invoice_one_open_per_customer",
            ),
            models.CheckConstraint(
                condition=Q(status="open", issued_at__isnull=True)
                | Q(status="issued", issued_at__isnull=False),
                name="invoice_issued_at_matches_status",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="invoice_total_gte_0"),
        ]

    def __str__(self) -> str:
        return f"Invoice {self.number} — {self.customer.name}"

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="invoice_lines")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "item"], name="invoice_line_unique_item"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="invoice_line_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="invoice_line_unit_price_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.item.name}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class StockReport(models.Model):
    generated_at = models.DateTimeField(auto_now_add=True, db_index=True)
    days = models.PositiveIntegerField(help_text="Expiry window in days.")
    as_of = models.DateField(help_text="Local date the report was computed for.")
    text = models.TextField()

    class Meta:
        ordering = ["-generated_at", "-id"]

    def __str__(self) -> str:
        return f"Stock report {self.generated_at:%Y-%m-%d %H:%M}"


class StockReportLine(models.Model):
    """One listed item, copied as it was when the report ran."""

    class Kind(models.TextChoices):
        LOW_STOCK = "low_stock", "Low stock"
        EXPIRING = "expiring", "Expiring soon"
        EXPIRED = "expired", "Expired"

    report = models.ForeignKey(StockReport, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    item = models.ForeignKey(Item, on_delete=models.SET_NULL, null=True, related_name="+")
    name = models.CharField(max_length=200)
    sku = models.CharField(max_length=64, blank=True)
    quantity = models.IntegerField()
    reorder_level = models.PositiveIntegerField()
    expiry_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "name", "id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"
