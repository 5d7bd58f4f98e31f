import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_answers_without_touching_the_database(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_the_database(db, client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok"}


def _django_client_in_subprocess(env: dict, path: str) -> subprocess.CompletedProcess:
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        f"r = Client(HTTP_HOST='127.0.0.1').get({path!r});"
        "print(r.status_code); print(r.content.decode())"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_readyz_is_503_naming_the_database_when_it_is_down():
    # A real server that refuses connections: nothing listens on port 1.
    result = _django_client_in_subprocess(
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:1/nothing", "CELERY_BROKER_URL": ""},
        "/readyz",
    )
    status, body = result.stdout.split("\n", 1)
    assert status == "503", result.stderr
    assert '"database": "error"' in body


def test_readyz_is_503_naming_the_broker_when_it_is_down(tmp_path):
    result = _django_client_in_subprocess(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "CELERY_BROKER_URL": "amqp://guest:guest@127.0.0.1:1//",
        },
        "/readyz",
    )
    status, body = result.stdout.split("\n", 1)
    assert status == "503", result.stderr
    assert '"broker": "error"' in body
    assert '"database": "ok"' in body


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    # An empty value (not an absent one) also overrides any .env file in the checkout.
    env.update({"DEBUG": "false", "DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": ""})
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_debug_mode_starts_with_a_generated_key():
    env = {
        **os.environ,
        "DEBUG": "true",
        "SECRET_KEY": "",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from django.conf import settings; print(len(settings.SECRET_KEY))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 50


def test_offline_commands_run_without_a_secret_key():
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    served = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert served.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in served.stderr
