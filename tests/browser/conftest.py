"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live_server.

One browser per module (the tests of this package live in one module), one fresh context per
test. The database is the live_server's `transactional_db`, seeded per test by the apps' own
demo seeders (`manage.py seed_demo`) plus a staff operator with a known password.
"""

import importlib.util
import io
import os
import socket
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import Client

from members.demo import DEMO_MEMBERS
from members.models import User
from members.services import user_create

CHROMIUM = Path(os.environ.get("BROWSER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
# The operator who logs in is the demo member "ada" made staff: `members.demo` then leaves her
# as she is (it skips existing usernames) and `carbon.demo` gives her a year of usages, so the
# /carbon/ page (which shows the signed-in user's own usages) has real demo data to render.
ADMIN = {**DEMO_MEMBERS[0], "password": "Browser-tests-only-9d4f!"}


def _closed_local_url() -> str:
    """A 127.0.0.1 URL where nothing listens (port bound, then released): refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def browser(django_db_setup, django_db_blocker):
    """One headless Chromium for the module; the module is skipped only when none can run."""
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("playwright is not installed (pip install -r requirements-dev.txt)")
    if not CHROMIUM.exists():
        pytest.skip(f"no browser at {CHROMIUM} (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop marked as running on this thread from start()
    # to stop(), although everything here stays synchronous. Django reacts to that loop twice:
    # - ORM calls from this thread (seeding, the live_server's flush) raise
    #   SynchronousOnlyOperation: DJANGO_ALLOW_ASYNC_UNSAFE lifts that check, only while the
    #   browser is up (monkeypatch restores it, so the rest of the suite keeps Django's guard);
    # - `connections` (an asgiref Local) switches to per-context storage and would hand this
    #   thread a second connection, without the test database's serialized contents that the
    #   serialized rollback restores: the thread keeps the connections it already had instead.
    own_connections = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        try:
            for alias, connection in own_connections.items():
                connections[alias] = connection
            # launch() gives every browser a fresh temporary user-data-dir of its own.
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
        finally:
            playwright.stop()
    # The serialized rollback's flush after the last test skips post_migrate (no content types,
    # permissions or data-migration rows): put back what the test database held when created,
    # so the tests that run after this module find it as they would alone.
    with django_db_blocker.unblock():
        for connection in own_connections.values():
            connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


@pytest.fixture
def demo_site(live_server, django_db_serialized_rollback, settings):
    """The live server with every app's demo data and the staff operator `ADMIN`.

    live_server's `transactional_db` empties every table after each test, rows that data
    migrations made (the usage types the carbon demo needs) included; the serialized rollback
    puts those back before each test.
    """
    # Nothing beyond 127.0.0.1: the random-data demo falls back to its bundled fixtures at once,
    # and members sync to a peer that refuses, so Sync deliveries has rows (waiting, with errors).
    settings.RANDOM_DATA_API_URL = _closed_local_url() + "/api/v2"
    settings.RANDOM_DATA_DEMO_TIMEOUT = 1.0
    settings.SYNC_PEERS = [
        {
            "name": "peer-down",
            "url": _closed_local_url() + "/api/v1/sync/users/",
            "secret": "whsec_" + "A" * 43 + "=",
            "field_map": {},
        }
    ]
    settings.SYNC_TIMEOUT_SECONDS = 1.0
    user_create(**ADMIN, is_staff=True, is_superuser=True)
    call_command("seed_demo", stdout=io.StringIO())
    return live_server


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors and uncaught exceptions of the test's page (filled by `page`)."""
    return []


def _console_error(msg, errors: list[str]) -> None:
    # Chromium asks every site for /favicon.ico on its own (no page links one) and logs the 404
    # as a console error, at a moment of its choosing. That says nothing about the page tested.
    if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
        errors.append(f"{msg.text} @ {msg.location}")


@pytest.fixture
def page(browser, demo_site, console_errors):
    """A page in a fresh browser context (no cookies) whose base URL is the live server."""
    context = browser.new_context(base_url=demo_site.url, viewport=VIEWPORT)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.on("console", lambda msg: _console_error(msg, console_errors))
    tab.on("pageerror", lambda exc: console_errors.append(f"uncaught: {exc}"))
    yield tab
    context.close()


def admin_login(page, *, username: str = ADMIN["username"], password: str = ADMIN["password"]):
    """Sign in through the admin's own login form, as a person would."""
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("input[type=submit]")


@pytest.fixture
def admin_page(page, demo_site):
    """`page`, signed in as `ADMIN` by a session cookie (the form itself is tested on its own)."""
    client = Client()
    client.force_login(User.objects.get(username=ADMIN["username"]))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": demo_site.url, "httpOnly": True}]
    )
    return page


@pytest.fixture
def screenshot():
    """screenshot(page, name): full-page PNG under var/screenshots/ (kept by CI as artifacts)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
