from django.contrib.auth.models import AbstractUser
from django.db import models

from members.ids import MEMBER_ID_LENGTH, member_id_generate
from members.validators import validate_member_id, validate_time_zone

DEFAULT_TIME_ZONE = "Asia/Kolkata"


class User(AbstractUser):
    """A member: an account that logs in, owns usages and appears in the members feed."""

    id = models.CharField(
        primary_key=True,
        max_length=MEMBER_ID_LENGTH,
        default=member_id_generate,
        validators=[validate_member_id],
        help_text="Slack-style member id, e.g. W012A3CDE. Generated; never reused.",
    )
    real_name = models.CharField(max_length=100, blank=True, help_text="Full name as shown.")
    tz = models.CharField(
        "time zone",
        max_length=100,
        default=DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
        help_text="IANA time zone, e.g. America/Los_Angeles. Activity is shown in this zone.",
    )

    class Meta:
        verbose_name = "member"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.username} ({self.id})"


class RetiredMemberId(models.Model):
    """Ids of deleted members, so that an id is never issued to somebody else."""

    id = models.CharField(primary_key=True, max_length=MEMBER_ID_LENGTH)
    retired_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "retired member id"

    def __str__(self) -> str:
        return self.id


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

    webhook_id = models.CharField(primary_key=True, max_length=100)
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
