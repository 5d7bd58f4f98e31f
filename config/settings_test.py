"""Settings for the test suite: production settings plus a throwaway key and fast hashing."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import decouple

# The suite reads the environment only: a developer's .env (`make run` writes one with
# DEBUG=true; DATABASE_URL may be in it) must not change what the tests see.
decouple.config.config = decouple.Config(decouple.RepositoryEmpty())
os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret-" + "k" * 40)

from config.settings import *  # noqa: E402, F403

# Argon2 is deliberately slow; tests create hundreds of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests run tasks in-process; the broker integration tests start a real worker themselves.
CELERY_TASK_ALWAYS_EAGER = True
# Frozen PDFs go to a throwaway folder per test process (removed when it exits), never into
# var/media.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="backoffice-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
_documents = {**STORAGES["documents"], "OPTIONS": {"location": str(MEDIA_ROOT / "documents")}}  # noqa: F405
STORAGES = {**STORAGES, "documents": _documents}  # noqa: F405
# The test client speaks plain http.
SECURE_SSL_REDIRECT = False
# Nothing listens on port 9: code that probes the upstream (seed_demo) fails fast, offline.
RANDOM_DATA_API_URL = "http://127.0.0.1:9/api/v2"
# The throttles write their counters on every API request; in the database cache those writes
# would be counted by the pinned query counts (django_assert_num_queries), so the suite's
# default cache stays in memory. The database cache stays configured under its own alias: core's
# migration makes its table in the test database, and the login-limit tests run against it as
# well (tests/members/test_login_limits.py). Real server processes started by tests use the
# production default (the database cache).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    },
}
