"""Doors from login, logout and credential deletion onto the login-period services.

Connected in ActivityConfig.ready(). A login or logout that names its knox token (the API's
login, registration and logout, members/views.py) is per token; one without a token is a
session login or logout (django.contrib.auth.login/logout: the admin, the test client), keyed
by the session key, which login() has already cycled when user_logged_in is sent.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_delete
from knox.models import AuthToken

from activity import services
from activity.sessions import session_model


def _session_key(request) -> str | None:
    session = getattr(request, "session", None)
    return getattr(session, "session_key", None)


def login_recorded(sender, request, user, token=None, **kwargs) -> None:
    if token is not None:
        services.login_period_open(user_id=user.pk, token_digest=token.digest)
        return
    session_key = _session_key(request)
    if session_key:
        services.login_period_open(user_id=user.pk, session_key=session_key)


def logout_recorded(sender, request, user, token=None, **kwargs) -> None:
    if token is not None:
        services.login_period_close(token_digest=token.digest)
        return
    session_key = _session_key(request)
    if session_key:
        services.login_period_close(session_key=session_key)


def token_deleted(sender, instance, **kwargs) -> None:
    """Revoked (logoutall, the admin, the member's deletion) or removed by knox as expired."""
    services.login_period_close(token_digest=instance.digest, expiry=instance.expiry)


def session_deleted(sender, instance, **kwargs) -> None:
    """Flushed, or removed by clearsessions once expired."""
    services.login_period_close(session_key=instance.session_key, expiry=instance.expire_date)


def connect() -> None:
    user_logged_in.connect(login_recorded, dispatch_uid="activity.login_recorded")
    user_logged_out.connect(logout_recorded, dispatch_uid="activity.logout_recorded")
    post_delete.connect(token_deleted, sender=AuthToken, dispatch_uid="activity.token_deleted")
    Session = session_model()
    if Session is not None:
        post_delete.connect(
            session_deleted, sender=Session, dispatch_uid="activity.session_deleted"
        )
