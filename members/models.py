from django.contrib.auth.models import AbstractUser
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.deconstruct import deconstructible

from core.validators import validate_single_line
from members.ids import MEMBER_ID_LENGTH, member_id_generate
from members.validators import validate_member_id, validate_time_zone

DEFAULT_TIME_ZONE = "Asia/Kolkata"
PEER_NAME_LENGTH = 100
USERNAME_TAKEN = "A user with that username already exists."


@deconstructible
class UsernameCharactersValidator(UnicodeUsernameValidator):
    """Django's username characters (letters, digits, @.+-_). Control characters are left to
    validate_single_line, listed before it, so they are reported once, with its code."""

    def __call__(self, value) -> None:
        try:
            validate_single_line(value)
        except ValidationError:
            return
        super().__call__(value)


class User(AbstractUser):
    """A member: an account that logs in, owns usages and appears in the members feed."""

    id = models.CharField(
        primary_key=True,
        max_length=MEMBER_ID_LENGTH,
        default=member_id_generate,
        validators=[validate_member_id],
        help_text="Slack-style member id, e.g. W012A3CDE. Generated; never reused.",
    )
    username = models.CharField(
        "username",
        max_length=150,
        unique=True,
        help_text=(
            "Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only. "
            "Unique ignoring case."
        ),
        validators=[validate_single_line, UsernameCharactersValidator()],
        error_messages={"unique": USERNAME_TAKEN},
    )
    real_name = models.CharField(
        max_length=100,
        blank=True,
        validators=[validate_single_line],
        help_text="Full name as shown.",
    )
    tz = models.CharField(
        "time zone",
        max_length=100,
        default=DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
        help_text="IANA time zone, e.g. America/Los_Angeles. Activity is shown in this zone.",
    )
    # db_default as well: seeding inserts member rows without these columns.
    origin_peer = models.CharField(
        max_length=PEER_NAME_LENGTH,
        blank=True,
        default="",
        db_default="",
        help_text="Peer site this member came from by sync; blank: created here.",
    )
    deactivated_by_peer = models.CharField(
        max_length=PEER_NAME_LENGTH,
        blank=True,
        default="",
        db_default="",
        help_text="Peer whose user.deleted turned this member off; only that peer may turn it "
        "on again. Blank: active, or turned off here.",
    )

    class Meta:
        verbose_name = "member"
        ordering = ["id"]
        constraints = [
            # `Admin`, `ADMIN` and `admin` are one name to a reader. Values are NFKC-normalised
            # before they are stored (full_clean), so a fullwidth ADMIN is stored as plain ADMIN.
            models.UniqueConstraint(
                Lower("username"),
                name="members_user_username_ci_unique",
                violation_error_code="unique",
                violation_error_message=USERNAME_TAKEN,
            )
        ]

    def __str__(self) -> str:
        return f"{self.username} ({self.id})"

    @property
    def is_protected(self) -> bool:
        """Staff and superuser accounts: only a superuser changes them; sync never touches them."""
        return self.is_staff or self.is_superuser

    def validate_unique(self, exclude=None):
        # members_user_username_ci_unique (validate_constraints) also refuses exact
        # duplicates, with the same message: one query instead of two.
        super().validate_unique(exclude={*(exclude or ()), "username"})

    def validate_constraints(self, exclude=None):
        # Django reports a violated expression constraint on no field; this one is about the
        # username, and forms and the API should say so.
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict({})
            for error in errors.pop(NON_FIELD_ERRORS, []):
                key = "username" if getattr(error, "message", None) == USERNAME_TAKEN else None
                errors.setdefault(key or NON_FIELD_ERRORS, []).append(error)
            raise ValidationError(errors) from None


class RetiredMemberId(models.Model):
    """Ids of deleted members, so that an id is never issued to somebody else."""

    id = models.CharField(primary_key=True, max_length=MEMBER_ID_LENGTH)
    retired_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "retired member id"

    def __str__(self) -> str:
        return self.id


class SyncShare(models.Model):
    """A member this site sent to a peer: that peer may change it from now on.

    Written with the outbox rows (same transaction) and kept when the outbox is pruned."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sync_shares")
    peer = models.CharField(max_length=PEER_NAME_LENGTH)
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "sync share"
        constraints = [
            models.UniqueConstraint(fields=["user", "peer"], name="sync_share_user_peer")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.peer}"


class SyncEvent(models.Model):
    """Outbox: one change of a member, written in the same transaction as the change."""

    class Type(models.TextChoices):
        CREATED = "user.created"
        UPDATED = "user.updated"
        DELETED = "user.deleted"

    id = models.CharField(primary_key=True, max_length=40, help_text="Sent as webhook-id.")
    type = models.CharField(max_length=20, choices=Type.choices)
    user_id = models.CharField(max_length=MEMBER_ID_LENGTH, db_index=True)
    data = models.JSONField(help_text="Synced fields, in our schema (no password or token).")
    origin_peer = models.CharField(
        max_length=100, blank=True, help_text="Peer the change came from (not sent back there)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "sync event"

    def __str__(self) -> str:
        return f"{self.type} {self.user_id}"


class SyncDelivery(models.Model):
    """One event to one peer: its state and when to try next."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed", "failed (gave up)"
        DISABLED = "disabled", "peer disabled"

    event = models.ForeignKey(SyncEvent, on_delete=models.CASCADE, related_name="deliveries")
    peer = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "sync deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event", "peer"], name="sync_delivery_event_peer")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.peer} ({self.status})"


class SyncAttempt(models.Model):
    """Every HTTP attempt of a delivery, kept for the admin."""

    delivery = models.ForeignKey(SyncDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField()
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error[:40]}"


class SyncPeerState(models.Model):
    """A peer that answered 410 Gone is disabled until an operator re-enables it."""

    name = models.CharField(primary_key=True, max_length=100)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = "sync peer"

    def __str__(self) -> str:
        return self.name


class SyncInbound(models.Model):
    """Webhook ids already applied, so a repeated delivery changes nothing."""

    webhook_id = models.CharField(
        primary_key=True, max_length=100, validators=[validate_single_line]
    )
    peer = models.CharField(max_length=100)
    type = models.CharField(max_length=20)
    user_id = models.CharField(max_length=MEMBER_ID_LENGTH, db_index=True)
    event_at = models.DateTimeField(null=True, blank=True, help_text="The change's own time.")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "sync inbound webhook"

    def __str__(self) -> str:
        return f"{self.webhook_id} from {self.peer}"
