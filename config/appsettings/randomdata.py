"""Settings of the randomdata app, from the environment (document each in .env.example)."""

import os

from decouple import config

# Upstream API (tests point this at a server on 127.0.0.1).
RANDOM_DATA_API_URL = config("RANDOM_DATA_API_URL", default="https://random-data-api.com/api/v2")
# HMAC-SHA256 key for card fingerprints. Secret: no default. With DEBUG on, or under the test
# settings, a key is derived from SECRET_KEY when this is empty (RANDOM_DATA_FINGERPRINT_DERIVE).
RANDOM_DATA_FINGERPRINT_KEY = config("RANDOM_DATA_FINGERPRINT_KEY", default="")
RANDOM_DATA_FINGERPRINT_DERIVE = (
    config("DEBUG", default=False, cast=bool)
    or os.environ.get("DJANGO_SETTINGS_MODULE") == "config.settings_test"
)
# HTTP timeouts in seconds: connect, read.
RANDOM_DATA_CONNECT_TIMEOUT = config("RANDOM_DATA_CONNECT_TIMEOUT", default=5.0, cast=float)
RANDOM_DATA_READ_TIMEOUT = config("RANDOM_DATA_READ_TIMEOUT", default=15.0, cast=float)
# Retries per request on connection errors, timeouts, 5xx and 429; exponential backoff with
# jitter: min(cap, base * 2**attempt) * uniform(0.5, 1) seconds.
RANDOM_DATA_RETRIES = config("RANDOM_DATA_RETRIES", default=4, cast=int)
RANDOM_DATA_BACKOFF_BASE = config("RANDOM_DATA_BACKOFF_BASE", default=0.5, cast=float)
RANDOM_DATA_BACKOFF_CAP = config("RANDOM_DATA_BACKOFF_CAP", default=30.0, cast=float)
# A Retry-After longer than this (seconds) is not waited for in-process: the request fails as
# transient and the Celery task retries later.
RANDOM_DATA_RETRY_AFTER_MAX = config("RANDOM_DATA_RETRY_AFTER_MAX", default=60.0, cast=float)
# `seed_demo`: how long the demo waits for the upstream before loading the bundled fixtures.
RANDOM_DATA_DEMO_TIMEOUT = config("RANDOM_DATA_DEMO_TIMEOUT", default=3.0, cast=float)
# Bundled fixtures used by the demo when the upstream is unreachable (empty: randomdata/fixtures).
RANDOM_DATA_FIXTURES_DIR = config("RANDOM_DATA_FIXTURES_DIR", default="")
