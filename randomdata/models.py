"""Records ingested from random-data-api.com. `RandomUser` is data, not an account."""

from django.db import models


class LinkMethod(models.TextChoices):
    """How an address or card came to belong to a RandomUser (empty: unassigned)."""

    NONE = "", "unassigned"
    EMBEDDED = "embedded", "embedded in the user record"
    UID = "uid", "same uid as the user"
    RULE = "rule", "assigned by link_random_data"


class RandomUser(models.Model):
    uid = models.UUIDField(unique=True, help_text="Upstream uid; the upsert key.")
    upstream_id = models.BigIntegerField(null=True, blank=True, help_text="Upstream `id`.")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    username = models.CharField(max_length=150, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    gender = models.CharField(max_length=50, blank=True)
    phone_number = models.CharField(max_length=50, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    avatar = models.URLField(max_length=500, blank=True)
    employment_title = models.CharField(max_length=200, blank=True)
    employment_key_skill = models.CharField(max_length=100, blank=True)
    subscription_plan = models.CharField(max_length=50, blank=True)
    subscription_status = models.CharField(max_length=50, blank=True)
    subscription_payment_method = models.CharField(max_length=50, blank=True)
    subscription_term = models.CharField(max_length=50, blank=True)
    fetched_at = models.DateTimeField(help_text="First fetched.")
    updated_at = models.DateTimeField(help_text="Last fetched.")

    class Meta:
        verbose_name = "random user"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.username})".strip()


class Address(models.Model):
    uid = models.UUIDField(
        unique=True,
        help_text="Upstream uid; for an address embedded in a user record, derived from the "
        "user's uid (uuid5), so a re-fetch updates it.",
    )
    upstream_id = models.BigIntegerField(null=True, blank=True)
    street_name = models.CharField(max_length=200, blank=True)
    street_address = models.CharField(max_length=200, blank=True)
    building_number = models.CharField(max_length=50, blank=True)
    secondary_address = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    state_abbr = models.CharField("state abbreviation", max_length=10, blank=True)
    zip_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100, blank=True)
    country_code = models.CharField(max_length=10, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    time_zone = models.CharField(max_length=100, blank=True)
    full_address = models.CharField(max_length=300, blank=True)
    user = models.ForeignKey(
        RandomUser, null=True, blank=True, on_delete=models.SET_NULL, related_name="addresses"
    )
    link_method = models.CharField(
        max_length=10, choices=LinkMethod.choices, default=LinkMethod.NONE, blank=True
    )
    fetched_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "addresses"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="randomdata_address_link_matches_user",
                condition=(models.Q(user__isnull=True) & models.Q(link_method=""))
                | (models.Q(user__isnull=False) & ~models.Q(link_method="")),
            ),
            models.CheckConstraint(
                name="randomdata_address_latitude_range",
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
            ),
            models.CheckConstraint(
                name="randomdata_address_longitude_range",
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
            ),
        ]

    def __str__(self) -> str:
        return self.full_address or f"{self.street_address}, {self.city}"


class CreditCard(models.Model):
    """A card without its number: brand, last four digits, expiry and a keyed fingerprint."""

    uid = models.UUIDField(
        unique=True,
        help_text="Upstream uid; for a card embedded in a user record, derived from the "
        "user's uid (uuid5).",
    )
    upstream_id = models.BigIntegerField(null=True, blank=True)
    brand = models.CharField(max_length=50, blank=True, help_text="Upstream credit_card_type.")
    last4 = models.CharField("last four digits", max_length=4)
    expiry_date = models.DateField(null=True, blank=True)
    fingerprint = models.CharField(
        max_length=64,
        db_index=True,
        help_text="HMAC-SHA256 of the full number (key: RANDOM_DATA_FINGERPRINT_KEY). "
        "Equal numbers have equal fingerprints; the number cannot be recovered.",
    )
    user = models.ForeignKey(
        RandomUser, null=True, blank=True, on_delete=models.SET_NULL, related_name="credit_cards"
    )
    link_method = models.CharField(
        max_length=10, choices=LinkMethod.choices, default=LinkMethod.NONE, blank=True
    )
    fetched_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "credit card"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="randomdata_creditcard_link_matches_user",
                condition=(models.Q(user__isnull=True) & models.Q(link_method=""))
                | (models.Q(user__isnull=False) & ~models.Q(link_method="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand or 'card'} {self.masked_number}"

    @property
    def masked_number(self) -> str:
        return f"•••• {self.last4}"


class IngestionKind(models.TextChoices):
    USERS = "users", "users"
    ADDRESSES = "addresses", "addresses"
    CREDIT_CARDS = "credit_cards", "credit cards"


class IngestionStatus(models.TextChoices):
    RUNNING = "running", "running"
    SUCCEEDED = "succeeded", "succeeded"
    FAILED = "failed", "failed"


class IngestionRun(models.Model):
    """One call of an ingest service: what was asked, what was written, what was skipped."""

    kind = models.CharField(max_length=20, choices=IngestionKind.choices)
    status = models.CharField(
        max_length=10, choices=IngestionStatus.choices, default=IngestionStatus.RUNNING
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    requested = models.PositiveIntegerField()
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    skip_reasons = models.JSONField(
        default=list, blank=True, help_text='[{"uid": ..., "reason": ...}], at most 100.'
    )
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["kind", "-started_at"])]
        constraints = [
            models.CheckConstraint(
                name="randomdata_run_finished_after_start",
                condition=models.Q(finished_at__isnull=True)
                | models.Q(finished_at__gte=models.F("started_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} run {self.pk} ({self.status})"


class IngestionLease(models.Model):
    """At most one ingestion of a kind at a time, across processes (see services.lease)."""

    kind = models.CharField(primary_key=True, max_length=20, choices=IngestionKind.choices)
    holder = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} lease ({self.holder or 'free'})"


# The fields that hold upstream data (what an upsert writes, the API and the admin show).
USER_DATA_FIELDS = [
    "upstream_id",
    "first_name",
    "last_name",
    "username",
    "email",
    "gender",
    "phone_number",
    "date_of_birth",
    "avatar",
    "employment_title",
    "employment_key_skill",
    "subscription_plan",
    "subscription_status",
    "subscription_payment_method",
    "subscription_term",
]
ADDRESS_DATA_FIELDS = [
    "upstream_id",
    "street_name",
    "street_address",
    "building_number",
    "secondary_address",
    "city",
    "state",
    "state_abbr",
    "zip_code",
    "country",
    "country_code",
    "latitude",
    "longitude",
    "time_zone",
    "full_address",
]
