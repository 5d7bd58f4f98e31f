"""PostgreSQL restarted under a running app server: /readyz reports it, /healthz does not care,
and the same server process serves database-backed requests again once PostgreSQL is back.

A private, throwaway PostgreSQL (initdb into a temporary folder, trust auth, 127.0.0.1 on a
free port) is stopped and started; the shared server on 5432 is never touched."""

import glob
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="restarts a private PostgreSQL server under the app; run with "
        "DATABASE_URL=postgres://... (the SQLite suite has no database server to restart)",
    ),
    pytest.mark.timeout(120),
]

BASE_DIR = Path(settings.BASE_DIR)
PG_BINDIR = (sorted(glob.glob("/usr/lib/postgresql/*/bin")) or [""])[-1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _poll(check, *, timeout: float, interval: float = 0.1):
    """Call `check` until it returns a truthy value (which is returned) or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)


class PrivatePostgres:
    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"
        self.port = _free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def init(self) -> None:
        shutil.chown(self.root, user="postgres", group="postgres")
        self._as_postgres(
            f"{PG_BINDIR}/initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "--no-sync", "--no-instructions",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off"
        )
        self._as_postgres(
            f"{PG_BINDIR}/pg_ctl", "-D", str(self.data), "-l", str(self.root / "postgres.log"),
            "-o", options, "-w", "-t", "30", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(f"{PG_BINDIR}/pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


@pytest.fixture
def private_postgres():
    if not PG_BINDIR or shutil.which("runuser") is None:
        pytest.skip("needs PostgreSQL's server binaries (/usr/lib/postgresql/*/bin) and runuser")
    root = Path(tempfile.mkdtemp(prefix="api-pg-restart-"))
    server = PrivatePostgres(root)
    try:
        server.init()
        server.start()
        yield server
    finally:
        if server.running():
            server.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


def _app_env(database_url: str, port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "DATABASE_", "SYNC_", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL="",
        SYNC_PEERS="[]",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        GUNICORN_ACCESSLOG="",
    )
    return env


@pytest.fixture
def app_server(private_postgres, tmp_path):
    """`make serve`'s gunicorn (one worker) against the private PostgreSQL, migrated first."""
    port = _free_port()
    env = _app_env(private_postgres.url, port)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=90,
    )
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "config/gunicorn.py",
            "config.wsgi",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert _poll(lambda: _get(f"{base}/healthz") == 200, timeout=20), "gunicorn did not start"
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()


def _get(url: str) -> int | None:
    try:
        return requests.get(url, timeout=5).status_code
    except requests.ConnectionError:
        return None


def _register(base: str, username: str) -> requests.Response:
    return requests.post(
        f"{base}/api/v1/auth/register/",
        json={
            "username": username,
            "password": "ghostbusters-1984!",
            "email": f"{username}@example.com",
            "real_name": "Egon Spengler",
            "tz": "America/Los_Angeles",
        },
        timeout=10,
    )


def test_readyz_follows_a_postgresql_restart_and_the_server_recovers_without_one(
    private_postgres, app_server
):
    base = app_server
    assert requests.get(f"{base}/readyz", timeout=5).status_code == 200
    assert _register(base, "before").status_code == 201

    private_postgres.stop("fast")
    down = requests.get(f"{base}/readyz", timeout=10)
    assert down.status_code == 503
    assert down.json()["status"] == "unavailable"
    assert down.json()["checks"] == {"database": "error"}
    assert "database" in down.json()["errors"]
    assert requests.get(f"{base}/healthz", timeout=5).status_code == 200

    private_postgres.start()
    assert _poll(lambda: _get(f"{base}/readyz") == 200, timeout=15)
    registered = _register(base, "after")
    token = registered.json()["token"]
    me = requests.get(
        f"{base}/api/v1/auth/me/", headers={"Authorization": f"Token {token}"}, timeout=5
    )
    login = requests.post(
        f"{base}/api/v1/auth/login/",
        json={"username": "before", "password": "ghostbusters-1984!"},
        timeout=10,
    )
    assert registered.status_code == 201
    assert (me.status_code, me.json()["username"]) == (200, "after")
    assert login.status_code == 200
