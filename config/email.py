"""Which email backend the environment asks for (read by config/settings.py)."""

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"


def email_backend_default(*, host: str, explicit: str) -> str:
    """EMAIL_BACKEND when set; otherwise SMTP when EMAIL_HOST is set, else the console (the
    log), so a development machine never tries to reach a mail server it does not have."""
    if explicit:
        return explicit
    return SMTP_BACKEND if host else CONSOLE_BACKEND


def email_port_default(*, use_tls: bool, use_ssl: bool) -> int:
    """The usual port for the connection's security: 465 (SSL), 587 (STARTTLS) or 25."""
    if use_ssl:
        return 465
    return 587 if use_tls else 25
