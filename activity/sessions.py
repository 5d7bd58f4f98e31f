"""Which model stores sessions, if any (the periods of session logins are keyed by it)."""

from importlib import import_module

from django.conf import settings
from django.db import models


def session_model() -> type[models.Model] | None:
    """The session model of a database-backed SESSION_ENGINE (db, cached_db); None otherwise.

    Only those keep an expiry per session that the sweep can read; with cache, file or
    signed-cookie sessions a session login's period closes at its logout only."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    get_model_class = getattr(store, "get_model_class", None)
    return get_model_class() if get_model_class is not None else None
