from django.conf import settings
from django.db import models


class ActivityPeriod(models.Model):
    """One stretch of time a member was active. Stored in UTC, shown in the member's zone."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="activity_periods",
        verbose_name="member",
    )
    start_time = models.DateTimeField()
    end_time = models.DateTimeField()

    class Meta:
        verbose_name = "activity period"
        ordering = ["user", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="activity_period_ends_after_start",
                violation_error_message="An activity period must end after it starts.",
            ),
        ]
        indexes = [models.Index(fields=["user", "start_time"], name="activity_period_user_start")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.start_time:%Y-%m-%d %H:%M} to {self.end_time:%H:%M} UTC"
