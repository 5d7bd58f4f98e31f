"""docker-compose.yml as documented (cp .env.example .env; docker compose up) without Docker:
the same commands as the Procfile, a plain-http healthcheck on a path that exists, a .env that
does not force https, and the admin account made at the web's start."""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ("web", "worker", "beat")
ADMIN_STEP = ["python", "manage.py", "create_default_superuser"]
# Read by the test runner or the shell, not by the service.
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE"}


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _procfile() -> dict[str, list[str]]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return {
        name.strip(): shlex.split(command)
        for name, command in (line.split(":", 1) for line in lines if line.strip())
    }


def _env_example() -> dict[str, str]:
    pairs = re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", (ROOT / ".env.example").read_text(), re.M)
    return dict(pairs)


def _steps(command: str | list[str]) -> list[list[str]]:
    """A compose command as the programs it runs, in order (`sh -c "a && exec b"` is a, b)."""
    argv = shlex.split(command) if isinstance(command, str) else command
    if argv[:2] != ["sh", "-c"]:
        return [argv]
    steps = [shlex.split(part) for part in argv[2].split("&&")]
    return [step[1:] if step[0] == "exec" else step for step in steps]


def _unvar(argv: list[str]) -> list[str]:
    """`${NAME:-default}` and `$NAME` as `$NAME`: who fills a variable in (compose or the shell)
    and its fallback may differ between the two files."""
    return [re.sub(r"\$\{(\w+)(?::?[-?][^}]*)?\}|\$(\w+)", r"$\1\2", arg) for arg in argv]


def test_compose_runs_the_procfiles_commands():
    services = _compose()["services"]
    procfile = _procfile()
    assert set(procfile) == set(PROCESSES)
    served = {name: _unvar(_steps(services[name]["command"])[-1]) for name in PROCESSES}
    assert served == {name: _unvar(argv) for name, argv in procfile.items()}


def test_the_admin_account_is_made_at_the_webs_start_after_migrate():
    services = _compose()["services"]
    assert _steps(services["web"]["command"])[:-1] == [ADMIN_STEP]
    assert "create_default_superuser" in get_commands()
    assert _steps(services["migrate"]["command"]) == [
        ["python", "manage.py", "migrate", "--noinput"]
    ]
    assert services["web"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }


def _healthcheck_urls() -> dict[str, str]:
    web = _compose()["services"]["web"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    sources = {
        "compose": " ".join(web["healthcheck"]["test"]),
        "Dockerfile": next(line for line in dockerfile.splitlines() if "HEALTHCHECK" in line),
    }
    return {where: re.search(r"\w+://[^'\"\s]+", text).group() for where, text in sources.items()}


@pytest.mark.parametrize("where", ["compose", "Dockerfile"])
def test_the_healthcheck_is_plain_http_on_a_path_that_answers(db, client, settings, where):
    url = urlsplit(_healthcheck_urls()[where])
    web = _compose()["services"]["web"]
    env = _env_example()
    assert (url.scheme, url.hostname) == ("http", "127.0.0.1")
    assert str(url.port) == web["environment"]["PORT"]
    assert web["ports"] == [f"127.0.0.1:8000:{url.port}"]
    assert resolve(url.path).url_name in {"healthz", "readyz"}
    settings.SECURE_SSL_REDIRECT = env["SECURE_SSL_REDIRECT"] == "true"
    settings.CELERY_BROKER_URL = ""  # compose's broker is not here; the database is
    assert client.get(url.path, HTTP_HOST=url.netloc).status_code == 200


def test_the_web_listens_beyond_the_container_and_gets_the_compose_database():
    compose = _compose()
    web_env = compose["services"]["web"]["environment"]
    assert web_env["HOST"] == "0.0.0.0"  # inside the container; published on 127.0.0.1 only
    for name in ("migrate", "web", "worker", "beat"):
        env = compose["services"][name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("amqp://")


def _subprocess_env(tmp_path: Path) -> dict[str, str]:
    """The service's environment as compose gives it: .env.example with its secrets filled
    in, production settings, and a database of its own (SQLite here instead of PostgreSQL)."""
    return {
        **os.environ,
        **_env_example(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "compose-test-key-" + "s" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'compose.sqlite3'}",
        "CELERY_BROKER_URL": "",
    }


def _run(argv: list[str], env: dict[str, str]) -> str:
    program = [sys.executable, *argv[1:]] if argv[0] == "python" else argv
    done = subprocess.run(
        program, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_documented_env_serves_plain_http(tmp_path):
    code = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({n: getattr(s, n) for n in ('DEBUG', 'SECURE_SSL_REDIRECT',"
        " 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS')}))"
    )
    effective = json.loads(_run(["python", "-c", code], _subprocess_env(tmp_path)))
    assert effective == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
    }


def test_starting_twice_prints_the_generated_password_once(tmp_path):
    services = _compose()["services"]
    env = _subprocess_env(tmp_path)
    start = [*_steps(services["migrate"]["command"]), *_steps(services["web"]["command"])[:-1]]

    first = "".join(_run(step, env) for step in start)
    second = "".join(_run(step, env) for step in start)

    password = re.findall(r"Generated password \(shown once, store it now\): (\S+)", first)
    assert len(password) == 1
    assert 'Superuser "admin" created.' in first
    assert 'Superuser "admin" already exists; nothing changed.' in second
    assert password[0] not in second
    check = (
        "import django; django.setup(); from django.contrib.auth import authenticate;"
        f"print(authenticate(username='admin', password={password[0]!r}).is_superuser)"
    )
    assert _run(["python", "-c", check], env).strip() == "True"


def _variables_read() -> set[str]:
    """Every environment variable the service, its processes and the compose file read."""
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    python = "\n".join(
        (ROOT / path).read_text() for path in tracked if not path.startswith("tests/")
    )
    names = set(re.findall(r'\bconfig\(\s*"([A-Z][A-Z0-9_]*)"', python))
    names |= set(re.findall(r'environ(?:\.get)?[(\[]\s*"([A-Z][A-Z0-9_]*)"', python))
    for process_file in ("Procfile", "docker-compose.yml"):
        names |= set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", (ROOT / process_file).read_text()))
    return names - NOT_SETTINGS


def test_env_example_documents_every_variable():
    text = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^(?:# ?)?([A-Z][A-Z0-9_]*)=", text, re.M))
    assert _variables_read() - documented == set()
