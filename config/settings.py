"""Settings, read from the environment (python-decouple; a `.env` file is read when present).

Every variable is documented in `.env.example`. Nothing secret has a default.
"""

import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from decouple import Csv, config
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from config.email import email_backend_default, email_port_default

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Core -------------------------------------------------------------------
DEBUG = config("DEBUG", default=False, cast=bool)
SECRET_KEY = config("SECRET_KEY", default="")
# Offline management commands that never sign anything may run without a key (Django itself
# refuses to use an empty SECRET_KEY if anything asks for it); everything else refuses to start.
_OFFLINE_COMMANDS = {"makemigrations", "collectstatic", "spectacular", "help"}
_OFFLINE = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] in [
    [c] for c in _OFFLINE_COMMANDS
]
if not SECRET_KEY and not _OFFLINE:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off: set SECRET_KEY (or DEBUG=true for "
            "development) in the environment or in .env beside manage.py (`make run` writes a "
            "development .env). Generate a key with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Development only: a fresh key per process (sessions do not survive a restart).
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = config("ALLOWED_HOSTS", default="localhost,127.0.0.1,[::1]", cast=Csv())
CSRF_TRUSTED_ORIGINS = config("CSRF_TRUSTED_ORIGINS", default="", cast=Csv())

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "django_celery_beat",
    # Project apps, in dependency order (seed_demo runs their demo data in this order).
    "core",
    "members",
    "activity",
    "carbon",
    "inventory",
    "randomdata",
]

MIDDLEWARE = [
    "config.observability.RequestMiddleware",
    "config.errors.ApiNotFoundMiddleware",  # unknown /api/ addresses: the JSON error shape
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.slashes.SlashRedirectMiddleware",  # CommonMiddleware; 308 for writes
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        config("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=config("DB_CONN_MAX_AGE", default=60, cast=int),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers wait (busy timeout)
    # instead of failing with "database is locked" when a read transaction upgrades.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The members' own login page (members.auth_views); the admin keeps /admin/login/.
LOGIN_URL = "member-login"
LOGIN_REDIRECT_URL = "carbon-page"
# No LOGOUT_REDIRECT_URL: the admin keeps its "Logged out" page; members.auth_views sends
# members back to their login page itself.

# --- I18N / time ------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = config("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Compressed copies are made by collectstatic (make serve, the Docker image); without it,
# whitenoise also serves straight from the app folders, so `make run` and tests need no step.
# Uploaded and generated files (issued invoices' and credit notes' PDFs). Not served as /media/:
# the API serves each PDF to who may read it.
MEDIA_ROOT = Path(config("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Frozen PDFs of issued invoices and credit notes (inventory): any Django storage backend,
    # e.g. storages.backends.s3.S3Storage; the default is a folder under MEDIA_ROOT.
    "documents": {
        "BACKEND": config(
            "DOCUMENT_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": {"location": str(MEDIA_ROOT / "documents")},
    },
}
WHITENOISE_USE_FINDERS = True

# --- Cache (throttling counters) -------------------------------------------
# Rate limits must hold across every server process (gunicorn workers, several hosts), so the
# cache is shared: by default a table in the database (created by core's first migration; no
# set-up), or Redis when REDIS_CACHE_URL is set (faster; recommended for busy sites).
# MAX_ENTRIES: Django's default of 300 would cull live counters (and with them lock-outs) on a
# site with a few hundred clients a minute; culling counts the table on every write, so not
# unbounded either.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}
if config("REDIS_CACHE_URL", default=""):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": config("REDIS_CACHE_URL"),
    }

# --- Client addresses and login limits -------------------------------------
# How many proxies in front of us append to X-Forwarded-For (0: none, the header is ignored and
# the socket's peer is the client). Every limit keyed on an address reads it (core.clients).
NUM_PROXIES = config("NUM_PROXIES", default=0, cast=int)
if NUM_PROXIES < 0:
    raise ImproperlyConfigured("NUM_PROXIES must be 0 or more.")
# members.login_limits, for the API login and the admin login alike: attempts per address, and
# a growing lock-out per username (threshold failures, then lock, doubled per further failure).
LOGIN_ADDRESS_RATE = config("THROTTLE_LOGIN", default="5/min")
LOGIN_LOCKOUT_THRESHOLD = config("LOGIN_LOCKOUT_THRESHOLD", default=5, cast=int)
LOGIN_LOCKOUT_SECONDS = config("LOGIN_LOCKOUT_SECONDS", default=60, cast=int)
LOGIN_LOCKOUT_MAX_SECONDS = config("LOGIN_LOCKOUT_MAX_SECONDS", default=900, cast=int)
LOGIN_LOCKOUT_RESET_SECONDS = config("LOGIN_LOCKOUT_RESET_SECONDS", default=3600, cast=int)

# --- Django REST framework --------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "members.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # JSON only in production; the browsable API is a development aid (it renders HTML forms
    # for every endpoint and is no place for an attacker to explore).
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "config.api.SearchFilter",
        "config.api.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.api.PageNumberPagination",
    "PAGE_SIZE": 20,
    # Keyed on core.clients.client_address; counters in the shared default cache.
    "DEFAULT_THROTTLE_CLASSES": [
        "config.throttling.AnonRateThrottle",
        "config.throttling.UserRateThrottle",
        "config.throttling.ScopedRateThrottle",
    ],
    # Logins are limited by members.login_limits (LOGIN_* above), for the API and the admin.
    "DEFAULT_THROTTLE_RATES": {
        "anon": config("THROTTLE_ANON", default="120/min"),
        "user": config("THROTTLE_USER", default="2000/min"),
        "register": config("THROTTLE_REGISTER", default="20/hour"),
        "sync": config("THROTTLE_SYNC", default="600/min"),
    },
    # Proxies in front of us that append to X-Forwarded-For; 0: the header is ignored.
    "NUM_PROXIES": NUM_PROXIES,
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
DRF_STANDARDIZED_ERRORS = {"EXCEPTION_HANDLER_CLASS": "config.api.ExceptionHandler"}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=config("TOKEN_TTL_HOURS", default=24 * 7, cast=int)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
_ERR = "drf_standardized_errors.openapi_serializers"
SPECTACULAR_SETTINGS = {
    "TITLE": "Backoffice API",
    "DESCRIPTION": (
        "Members and activity, carbon usage, inventory and invoicing, random-data ingestion "
        "and user sync in one service. Authenticate with `Authorization: Token <key>` "
        "(from `/api/v1/auth/login/`). Every 4xx under /api/v1/ and the inventory endpoints "
        "has the shape `{type, errors: [{code, detail, attr}]}`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and docs are public (they describe the API, they hold no data).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {  # drf-standardized-errors' enums, named once in the schema
        "SyncResultStatusEnum": ["applied", "duplicate", "stale"],
        "ErrorCode409Enum": ["conflict"],
        "ValidationErrorEnum": f"{_ERR}.ValidationErrorEnum.choices",
        "ClientErrorEnum": f"{_ERR}.ClientErrorEnum.choices",
        "ServerErrorEnum": f"{_ERR}.ServerErrorEnum.choices",
        "ErrorCode401Enum": f"{_ERR}.ErrorCode401Enum.choices",
        "ErrorCode403Enum": f"{_ERR}.ErrorCode403Enum.choices",
        "ErrorCode404Enum": f"{_ERR}.ErrorCode404Enum.choices",
        "ErrorCode405Enum": f"{_ERR}.ErrorCode405Enum.choices",
        "ErrorCode406Enum": f"{_ERR}.ErrorCode406Enum.choices",
        "ErrorCode415Enum": f"{_ERR}.ErrorCode415Enum.choices",
        "ErrorCode429Enum": f"{_ERR}.ErrorCode429Enum.choices",
        "ErrorCode500Enum": f"{_ERR}.ErrorCode500Enum.choices",
    },
    "POSTPROCESSING_HOOKS": ["drf_standardized_errors.openapi_hooks.postprocess_schema_enums"],
    # One tag per app (config.schema.AutoSchema.get_tags derives it from the view's module).
    # /healthz and /readyz are plain Django views outside the schema, so no "health" tag.
    "TAGS": [
        {"name": "members", "description": "Registration, login, your profile and members."},
        {"name": "activity", "description": "Members' activity periods (Slack-style API)."},
        {"name": "carbon", "description": "Usage types, usages and their CO2e summary."},
        {"name": "inventory", "description": "Items, customers, purchases and invoices."},
        {"name": "random data", "description": "Records ingested from random-data-api.com."},
        {"name": "sync", "description": "The signed webhook peers send member changes to."},
    ],
}

# --- Celery -----------------------------------------------------------------
# No broker configured: tasks run eagerly, in-process (the embedded default).
CELERY_BROKER_URL = config("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = config("CELERY_TASK_SOFT_TIME_LIMIT", default=300, cast=int)
CELERY_TASK_TIME_LIMIT = config("CELERY_TASK_TIME_LIMIT", default=360, cast=int)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that enqueues work must not hang when the broker is down: fail fast, and let
# the outbox sweeps (rows committed with the change) send the work once the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = config(
    "CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0, cast=float
)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}

# --- Email ------------------------------------------------------------------
# Console (the log) unless EMAIL_HOST is set, which selects SMTP; EMAIL_BACKEND wins over both
# (e.g. django.core.mail.backends.locmem.EmailBackend). Used by the inventory alerts.
_EMAIL_HOST = config("EMAIL_HOST", default="")
EMAIL_BACKEND = email_backend_default(
    host=_EMAIL_HOST, explicit=config("EMAIL_BACKEND", default="")
)
EMAIL_HOST = _EMAIL_HOST or "localhost"
EMAIL_USE_TLS = config("EMAIL_USE_TLS", default=False, cast=bool)
EMAIL_USE_SSL = config("EMAIL_USE_SSL", default=False, cast=bool)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "Set EMAIL_USE_TLS (STARTTLS, port 587) or EMAIL_USE_SSL (port 465), not both."
    )
# Empty (as .env.example leaves it) is unset.
EMAIL_PORT = int(
    config("EMAIL_PORT", default="")
    or email_port_default(use_tls=EMAIL_USE_TLS, use_ssl=EMAIL_USE_SSL)
)
EMAIL_HOST_USER = config("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = config("EMAIL_HOST_PASSWORD", default="")  # a secret: no default
# Seconds before a silent mail server gives up (Django's default waits forever, holding a worker).
EMAIL_TIMEOUT = config("EMAIL_TIMEOUT", default=10, cast=int)
DEFAULT_FROM_EMAIL = config("DEFAULT_FROM_EMAIL", default="Backoffice <backoffice@localhost>")
# Sender of the error emails Django itself sends (none are configured: no ADMINS).
SERVER_EMAIL = config("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Logging ----------------------------------------------------------------
# LOG_FORMAT=json gives one JSON object per line (for log shippers); plain is for people.
LOG_LEVEL = config("LOG_LEVEL", default="INFO")
LOG_FORMAT = config("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.observability.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # The access line above replaces Django's own 4xx/5xx request warnings.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # WeasyPrint's font subsetting and layout progress are chatty at INFO.
        "fontTools": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}
# Requests with a larger body are refused with 413 before they are read.
MAX_REQUEST_BODY_BYTES = config("MAX_REQUEST_BODY_BYTES", default=1_048_576, cast=int)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES
# The CSV import of usages (POST /api/v1/usages/import/) has its own limit: 100,000 rows fit.
CARBON_IMPORT_MAX_BYTES = config("CARBON_IMPORT_MAX_BYTES", default=16 * 1_048_576, cast=int)

# --- Security (production) --------------------------------------------------
# On by default whenever DEBUG is off; switch SSL redirect off behind a TLS-terminating proxy
# that already redirects (and set SECURE_PROXY_SSL_HEADER_ENABLED so Django sees https).
SECURE_SSL_REDIRECT = config("SECURE_SSL_REDIRECT", default=not DEBUG, cast=bool)
if config("SECURE_PROXY_SSL_HEADER_ENABLED", default=False, cast=bool):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = config("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000, cast=int)
SECURE_HSTS_INCLUDE_SUBDOMAINS = config("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True, cast=bool)
SECURE_HSTS_PRELOAD = config("SECURE_HSTS_PRELOAD", default=not DEBUG, cast=bool)
SESSION_COOKIE_SECURE = config("SESSION_COOKIE_SECURE", default=not DEBUG, cast=bool)
CSRF_COOKIE_SECURE = config("CSRF_COOKIE_SECURE", default=not DEBUG, cast=bool)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Members ----------------------------------------------------------------
MEMBERS_FEED_PUBLIC = config("MEMBERS_FEED_PUBLIC", default=False, cast=bool)

# --- Per-app settings (one module each, so apps' settings stay apart) -------
from config.appsettings.activity import *  # noqa: E402,F403
from config.appsettings.inventory import *  # noqa: E402,F403
from config.appsettings.randomdata import *  # noqa: E402,F403
from config.appsettings.sync import *  # noqa: E402,F403
