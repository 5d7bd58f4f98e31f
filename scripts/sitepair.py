"""Two real instances of this project on 127.0.0.1, each with its own SQLite database and port,
configured as each other's sync peer. Used by `make sync-demo` and the end-to-end sync test."""

import base64
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    def __init__(self, name: str, workdir: Path, port: int | None = None):
        self.name = name
        self.port = port or free_port()
        self.workdir = workdir
        self.peers: list[dict] = []
        self.process: subprocess.Popen | None = None
        self.extra_env: dict[str, str] = {}
        self.secret_key = secrets.token_urlsafe(40)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DEBUG="false",
            SECRET_KEY=self.secret_key,
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=f"sqlite:///{self.workdir / (self.name + '.sqlite3')}",
            SYNC_SITE_NAME=self.name,
            SYNC_PEERS=json.dumps(self.peers),
            SYNC_TIMEOUT_SECONDS="3",
            THROTTLE_ANON="10000/min",
            THROTTLE_REGISTER="10000/min",
            LOG_LEVEL="WARNING",
            SECURE_SSL_REDIRECT="false",
        )
        env.update(self.extra_env)
        return env

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{self.name}: manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start on {self.url}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def register(self, username: str) -> dict:
        response = requests.post(
            f"{self.url}/api/v1/auth/register/",
            json={
                "username": username,
                "password": f"{username}-long-passphrase-42",
                "email": f"{username}@example.com",
                "real_name": username.title(),
                "tz": "Europe/Berlin",
            },
            timeout=30,
        )
        response.raise_for_status()
        return response.json()["user"]

    def member(self, member_id: str) -> dict | None:
        """The member as stored in this site's database (None if absent)."""
        out = self.manage(
            "shell",
            "-v",
            "0",
            "-c",
            "import json; from members.models import User; "
            f"u = User.objects.filter(pk={member_id!r}).values("
            "'id', 'username', 'email', 'real_name', 'tz', 'is_active').first(); "
            "print(json.dumps(u))",
        )
        return json.loads(out.strip().splitlines()[-1])

    def retry_failed(self) -> str:
        return self.manage("sync_retry_failed")


def site_pair(workdir: Path) -> tuple[Site, Site]:
    """Sites A and B, migrated, each configured as the other's peer with one shared secret."""
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    a, b = Site("site-a", workdir), Site("site-b", workdir)
    a.peers = [{"name": "site-b", "url": f"{b.url}/api/v1/sync/users/", "secret": secret}]
    b.peers = [{"name": "site-a", "url": f"{a.url}/api/v1/sync/users/", "secret": secret}]
    for site in (a, b):
        site.manage("migrate", "--noinput", "-v", "0")
    return a, b
