from django.conf import settings
from django.db import models


class ActivityPeriod(models.Model):
    """One stretch of time a member was active. Stored in UTC, shown in the member's zone.

    A period recorded from real use opens at a login and stays open (`end_time` empty) until
    the token or session that login gave is logged out, expires or is revoked. `token_digest`
    (knox's digest, AuthToken's primary key: never the token itself) or `session_key` says
    which login opened it, so two devices are two periods; seeded periods have neither.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="activity_periods",
        verbose_name="member",
    )
    start_time = models.DateTimeField()
    end_time = models.DateTimeField(null=True, blank=True, help_text="Empty while open.")
    # "" when not opened by a login (seeded periods). db_default: the seeding commands insert
    # rows at the driver level (core.db.rows_insert) without these columns.
    token_digest = models.CharField(
        max_length=128,
        blank=True,
        default="",
        db_default="",
        editable=False,
        help_text="API login (knox digest).",
    )
    session_key = models.CharField(
        max_length=40,
        blank=True,
        default="",
        db_default="",
        editable=False,
        help_text="Session (admin) login.",
    )

    class Meta:
        verbose_name = "activity period"
        ordering = ["user", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__isnull=True)
                | models.Q(end_time__gt=models.F("start_time")),
                name="activity_period_ends_after_start",
                violation_error_message="An activity period must end after it starts.",
            ),
            models.CheckConstraint(
                condition=models.Q(token_digest="") | models.Q(session_key=""),
                name="activity_period_one_login",
                violation_error_message="A period is opened by a token or a session, not both.",
            ),
            # One open period per token and per session: a login is never recorded twice.
            # These partial indexes are also what logout and the sweep look periods up by.
            models.UniqueConstraint(
                fields=["token_digest"],
                condition=models.Q(end_time__isnull=True) & ~models.Q(token_digest=""),
                name="activity_period_open_token",
            ),
            models.UniqueConstraint(
                fields=["session_key"],
                condition=models.Q(end_time__isnull=True) & ~models.Q(session_key=""),
                name="activity_period_open_session",
            ),
        ]
        indexes = [models.Index(fields=["user", "start_time"], name="activity_period_user_start")]

    def __str__(self) -> str:
        end = "open" if self.end_time is None else f"{self.end_time:%H:%M} UTC"
        return f"{self.user.username} {self.start_time:%Y-%m-%d %H:%M} to {end}"
