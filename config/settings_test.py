"""Settings for the test suite: production settings plus a throwaway key and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret-" + "k" * 40)

from config.settings import *  # noqa: F403

# Argon2 is deliberately slow; tests create hundreds of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests run tasks in-process; the broker integration tests start a real worker themselves.
CELERY_TASK_ALWAYS_EAGER = True
# The test client speaks plain http.
SECURE_SSL_REDIRECT = False
# Nothing listens on port 9: code that probes the upstream (seed_demo) fails fast, offline.
RANDOM_DATA_API_URL = "http://127.0.0.1:9/api/v2"
