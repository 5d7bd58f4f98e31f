"""Email settings from the environment: console unless EMAIL_HOST is set, EMAIL_BACKEND wins."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.email import (
    CONSOLE_BACKEND,
    SMTP_BACKEND,
    email_backend_default,
    email_port_default,
)

ROOT = Path(__file__).resolve().parents[2]
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.mark.parametrize(
    ("host", "explicit", "backend"),
    [
        ("", "", CONSOLE_BACKEND),
        ("smtp.example.com", "", SMTP_BACKEND),
        ("smtp.example.com", LOCMEM, LOCMEM),
        ("", SMTP_BACKEND, SMTP_BACKEND),
    ],
)
def test_email_host_alone_selects_smtp_and_an_explicit_backend_wins(host, explicit, backend):
    assert email_backend_default(host=host, explicit=explicit) == backend


@pytest.mark.parametrize(
    ("use_tls", "use_ssl", "port"), [(False, False, 25), (True, False, 587), (False, True, 465)]
)
def test_the_port_follows_the_connections_security(use_tls, use_ssl, port):
    assert email_port_default(use_tls=use_tls, use_ssl=use_ssl) == port


def _email_settings(**env: str) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({n: getattr(s, n) for n in ('EMAIL_BACKEND', 'EMAIL_HOST',"
        " 'EMAIL_PORT', 'EMAIL_USE_TLS', 'EMAIL_TIMEOUT', 'DEFAULT_FROM_EMAIL')}))"
    )
    # Every variable given (a developer's .env beside manage.py is read for the missing ones).
    base = {"EMAIL_BACKEND": "", "EMAIL_HOST": "", "EMAIL_PORT": "", "EMAIL_USE_SSL": "false"}
    base |= {"EMAIL_USE_TLS": "false", "EMAIL_TIMEOUT": "10"}
    base |= {"DEFAULT_FROM_EMAIL": "Backoffice <backoffice@localhost>"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            **base,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "k" * 50,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


def test_the_settings_read_email_host_and_tls_from_the_environment():
    # Empty values, as .env.example leaves them, are unset.
    assert _email_settings() == {
        "EMAIL_BACKEND": CONSOLE_BACKEND,
        "EMAIL_HOST": "localhost",
        "EMAIL_PORT": 25,
        "EMAIL_USE_TLS": False,
        "EMAIL_TIMEOUT": 10,
        "DEFAULT_FROM_EMAIL": "Backoffice <backoffice@localhost>",
    }
    assert _email_settings(EMAIL_HOST="smtp.example.com", EMAIL_USE_TLS="true") == {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": 587,
        "EMAIL_USE_TLS": True,
        "EMAIL_TIMEOUT": 10,
        "DEFAULT_FROM_EMAIL": "Backoffice <backoffice@localhost>",
    }
