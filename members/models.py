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
