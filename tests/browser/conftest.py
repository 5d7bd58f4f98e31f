"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live_server.

One browser per module (the tests of this package live in one module), one fresh context per
test, against the project running as a real server process on 127.0.0.1 with its own
database, seeded once by the apps' own demo seeders (`manage.py seed_demo`) plus a staff
operator with a known password.
"""

import importlib.util
import os
import socket
from pathlib import Path

import pytest
from django.conf import settings

from members.demo import DEMO_MEMBERS
from scripts.sitepair import Site

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


def site_env() -> dict[str, str]:
    """What a browser-test site runs with: plain http on 127.0.0.1, no upstream reachable
    (the demo's random data falls back to the bundled fixtures), short network timeouts."""
    return {
        "RANDOM_DATA_API_URL": _closed_local_url() + "/api/v2",
        "RANDOM_DATA_DEMO_TIMEOUT": "1",
        "RANDOM_DATA_FINGERPRINT_KEY": "browser-tests-only-key",
        "SYNC_TIMEOUT_SECONDS": "1",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
    }


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module; the module is skipped only when none can run."""
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("playwright is not installed (pip install -r requirements-dev.txt)")
    if not CHROMIUM.exists():
        pytest.skip(f"no browser at {CHROMIUM} (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # launch() gives every browser a fresh temporary user-data-dir of its own.
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    """The project as a real server process (its own SQLite database, production settings with
    DEBUG off) holding every app's demo data and the staff operator `ADMIN`.

    A separate process keeps the browser tests away from the test database: no flush of the
    other tests' data, no ORM calls under Playwright's event loop.
    """
    site = Site("browser", tmp_path_factory.mktemp("browser-site"))
    # Nothing beyond 127.0.0.1: the random-data demo falls back to its bundled fixtures at once,
    # and members sync to a peer that refuses, so Sync deliveries has rows (waiting, with errors).
    site.peers = [
        {
            "name": "peer-down",
            "url": _closed_local_url() + "/api/v1/sync/users/",
            "secret": "whsec_" + "A" * 43 + "=",
        }
    ]
    site.extra_env = {**site_env(), "THROTTLE_LOGIN": "1000/min"}
    site.manage("migrate", "--noinput", "-v", "0")
    site.manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from members.services import user_create; "
        f"user_create(**{ADMIN!r}, is_staff=True, is_superuser=True)",
    )
    site.manage("seed_demo")
    site.start()
    yield site
    site.stop()


@pytest.fixture(scope="module")
def admin_state(browser, demo_site) -> dict:
    """Cookies of a session signed in as `ADMIN` through the login form, reused by tests."""
    context = browser.new_context(base_url=demo_site.url, viewport=VIEWPORT)
    page = context.new_page()
    admin_login(page)
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors and uncaught exceptions of the test's page (filled by `page`)."""
    return []


def _console_error(msg, errors: list[str]) -> None:
    if msg.type == "error":
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
def admin_page(browser, demo_site, admin_state, console_errors):
    """A page in a fresh context already signed in as `ADMIN` (the form is tested on its own)."""
    context = browser.new_context(
        base_url=demo_site.url, viewport=VIEWPORT, storage_state=admin_state
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.on("console", lambda msg: _console_error(msg, console_errors))
    tab.on("pageerror", lambda exc: console_errors.append(f"uncaught: {exc}"))
    yield tab
    context.close()


@pytest.fixture
def screenshot():
    """screenshot(page, name): full-page PNG under var/screenshots/ (kept by CI as artifacts)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
