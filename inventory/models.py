from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import storages
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


def document_storage():
    """Where frozen PDFs live: settings.STORAGES["documents"]."""
    return storages["documents"]


def document_upload_to(instance, filename: str) -> str:
    return f"{instance._meta.model_name}s/{timezone.now():%Y}/{filename}"


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


class YearlySequence(models.Model):
    """The last number of a document series handed out in a year; its row is the allocation
    lock (inventory.services.numbering.document_number_allocate)."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class InvoiceSequence(YearlySequence):
    """Invoice numbers: <INVOICE_NUMBER_PREFIX>-<year>-<6 digits>."""


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
    # What the customer was when the invoice was issued: the PDF never changes after that.
    customer_name = models.CharField(max_length=200, blank=True, help_text="Frozen at issue.")
    customer_phone = models.CharField(max_length=32, blank=True, help_text="Frozen at issue.")
    customer_address = models.TextField(blank=True, help_text="Frozen at issue.")
    customer_email = models.EmailField(blank=True, help_text="Frozen at issue.")
    pdf = models.FileField(
        storage=document_storage,
        upload_to=document_upload_to,
        blank=True,
        help_text="The PDF rendered once at issue; every later download serves these bytes.",
    )
    pdf_sha256 = models.CharField(max_length=64, blank=True, help_text="SHA-256 of `pdf`.")
    credited_total = models.DecimalField(
        max_digits=24,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text="Sum of its credit notes.",
    )

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
            models.CheckConstraint(
                condition=Q(credited_total__gte=0, credited_total__lte=F("total")),
                name="invoice_credited_total_in_range",
                violation_error_message="Credit notes cannot credit more than the invoice total.",
            ),
        ]

    def __str__(self) -> str:
        return f"Invoice {self.number} — {self.customer.name}"

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED

    @property
    def net_total(self) -> Decimal:
        return self.total - self.credited_total


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="invoice_lines")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    # The item as it was at issue (blank while the invoice is open: it shows the live item).
    item_name = models.CharField(max_length=200, blank=True, help_text="Frozen at issue.")
    item_description = models.TextField(blank=True, help_text="Frozen at issue.")
    credited_quantity = models.PositiveIntegerField(
        default=0, help_text="Units returned on credit notes."
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "item"], name="invoice_line_unique_item"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="invoice_line_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(credited_quantity__lte=F("quantity")),
                name="invoice_line_credited_lte_quantity",
                violation_error_message="A line cannot be credited for more than was sold.",
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="invoice_line_unit_price_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.item.name}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def name(self) -> str:
        """The item's name as invoiced: frozen once the invoice is issued."""
        return self.item_name if self.invoice.is_issued else self.item.name

    @property
    def description(self) -> str:
        return self.item_description if self.invoice.is_issued else self.item.description


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


class CreditNoteSequence(YearlySequence):
    """Credit note numbers: <CREDIT_NOTE_NUMBER_PREFIX>-<year>-<6 digits>."""


class CreditNote(models.Model):
    """Units of an issued invoice returned after issue: the stock comes back, the invoice's
    `credited_total` goes up, and the credit note has its own frozen PDF."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    number = models.CharField(max_length=32, unique=True)
    total = models.DecimalField(max_digits=24, decimal_places=2, default=Decimal("0.00"))
    note = models.CharField(max_length=500, blank=True, validators=[validate_single_line])
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member who issued it.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    pdf = models.FileField(storage=document_storage, upload_to=document_upload_to, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True, help_text="SHA-256 of `pdf`.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="credit_note_total_gte_0"),
        ]

    def __str__(self) -> str:
        return f"Credit note {self.number}"


class CreditNoteLine(models.Model):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")
    invoice_line = models.ForeignKey(
        InvoiceLine, on_delete=models.PROTECT, related_name="credit_note_lines"
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="credit_note_lines")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    item_name = models.CharField(max_length=200)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_note", "item"], name="credit_note_line_unique_item"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="credit_note_line_quantity_gt_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.item_name}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class StockMovement(models.Model):
    """One change of an item's stock. For every item the deltas, oldest first, add up to its
    quantity, and each `balance_after` is the running sum (`manage.py stock_ledger_check`)."""

    class Reason(models.TextChoices):
        INITIAL = "initial", "Initial stock"
        PURCHASE = "purchase", "Purchase"
        PURCHASE_CHANGE = "purchase_change", "Purchase changed"
        RETURN = "return", "Return (credit note)"
        ADJUSTMENT = "adjustment", "Adjustment"

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="movements")
    delta = models.IntegerField(help_text="Units added (negative: taken out).")
    balance_after = models.IntegerField(help_text="Units in stock after this movement.")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    credit_note = models.ForeignKey(
        CreditNote, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member; empty for the system (purchases through the API).",
    )
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["item", "id"], name="stock_movement_item_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="stock_movement_balance_gte_0"
            ),
            models.CheckConstraint(
                condition=~Q(delta=0) | Q(reason="initial"),
                name="stock_movement_delta_not_0",
                violation_error_message="Only an initial movement may move 0 units.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.delta:+d} ({self.reason})"


class StockAlert(models.Model):
    """One alert email's worth for an item, a kind and a day: the row is the "already sent"
    record, so two workers or a rerun never send it twice."""

    class Kind(models.TextChoices):
        LOW_STOCK = "low_stock", "Low stock"
        EXPIRING = "expiring", "Expiring soon"

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="stock_alerts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    day = models.DateField(help_text="Local date the alert is for.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "kind", "item_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "kind", "day"], name="stock_alert_once_per_item_kind_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} alert for item {self.item_id} on {self.day}"
