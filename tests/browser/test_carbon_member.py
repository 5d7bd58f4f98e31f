"""A member, not staff, reaches /carbon/ in a real browser (Chromium via Playwright): the
page sends them to the members' login, they sign in as the demo member with the password
`seed_demo` printed once, see their year of usages and log out.

The project runs as its own server process with its own database (scripts.sitepair.Site),
seeded by `manage.py seed_demo` as an operator would, so the password comes from its output.
"""

import re

import pytest

from scripts.sitepair import Site
from tests.browser.conftest import SCREENSHOTS, VIEWPORT, site_env

GENERATED = re.compile(r'login demo member "([^"]+)" created; generated password [^:]*: (\S+)')


@pytest.fixture(scope="module")
def member_site(tmp_path_factory, browser):
    """The project seeded by seed_demo (twice), and the demo member's printed credentials."""
    site = Site("carbon-member", tmp_path_factory.mktemp("carbon-member-site"))
    site.extra_env = {**site_env(), "DEMO_MEMBER_PASSWORD": ""}
    site.manage("migrate", "--noinput", "-v", "0")
    first = site.manage("seed_demo")
    second = site.manage("seed_demo")
    site.start()
    yield site, first, second
    site.stop()


@pytest.fixture
def member_page(browser, member_site):
    site, _first, _second = member_site
    context = browser.new_context(base_url=site.url, viewport=VIEWPORT)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    tab.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    tab.console_errors = errors
    yield tab
    context.close()


def test_seed_demo_prints_the_demo_password_once(member_site):
    _site, first, second = member_site
    assert len(GENERATED.findall(first)) == 1
    assert GENERATED.findall(second) == []
    assert 'login demo member "demo" already there' in second


def test_member_logs_in_sees_their_year_of_usages_and_logs_out(member_site, member_page):
    _site, first, _second = member_site
    username, password = GENERATED.search(first).groups()
    page = member_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.goto("/carbon/")
    assert page.url.endswith("/accounts/login/?next=/carbon/")
    page.screenshot(path=str(SCREENSHOTS / "member-login.png"), full_page=True)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("input[type=submit]")

    assert page.url.endswith("/carbon/")
    assert "Signed in as Demo Member" in page.inner_text("header")
    chart = page.locator("section.chart svg")
    heights = chart.locator("g.bar rect").evaluate_all(
        "rects => rects.map(r => r.getBBox().height)"
    )
    labels = chart.locator("g.bar text[transform]").all_text_contents()
    total = page.locator(".card", has_text="Last 12 months").locator(".v").inner_text()
    # A year of demo usages: 12 months (11 right after midnight on the 1st, when the current
    # month's usages, stamped a few hours before "now", still fall in the previous month).
    assert len(heights) >= 11
    assert [h for h in heights if h <= 0] == []
    assert len(labels) == len(heights)
    assert [label for label in labels if not re.fullmatch(r"[A-Z][a-z]{2} \d{4}", label)] == []
    assert float(total.removesuffix(" kg").replace(",", "")) > 0
    page.screenshot(path=str(SCREENSHOTS / "member-carbon.png"), full_page=True)

    with page.expect_navigation():
        page.click("text=Log out")
    assert page.url.endswith("/accounts/login/")
    page.goto("/carbon/")
    assert page.url.endswith("/accounts/login/?next=/carbon/")
    assert page.console_errors == []
