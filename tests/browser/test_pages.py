"""The admin and the /carbon/ dashboard in a real browser (Chromium via Playwright).

Every test checks that the page shows the demo data, that the browser saw no console error
and no uncaught exception, and leaves a full-page screenshot in var/screenshots/.
"""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from randomdata.demo import FixtureClient
from randomdata.models import IngestionKind
from tests.browser.conftest import ADMIN, admin_login

ADMIN_LISTS = [
    # (admin URL name, screenshot name, texts the list must show)
    (
        "admin:members_user_changelist",
        "admin-members",
        ["W012A3CDE", "Egon Spengler", "Glinda Southgood", "Grace Hopper", "Katherine Johnson"],
    ),
    (
        "admin:activity_activityperiod_changelist",
        "admin-activity-periods",
        ["egon.spengler (W012A3CDE)", "glinda.southgood (W07QCRPA4)", "Feb. 1, 2020"],
    ),
    (
        "admin:carbon_usage_changelist",
        "admin-carbon-usages",
        ["electricity (kwh)", "heating (m3)", "grace"],
    ),
    ("admin:inventory_invoice_changelist", "admin-invoices", ["Test User", "download PDF"]),
    (
        "admin:inventory_item_changelist",
        "admin-items",
        ["Basmati rice 5 kg", "DSC-004", "Sourdough bread"],
    ),
    ("admin:inventory_customer_changelist", "admin-customers", ["Test User", "Asha Rao"]),
    (
        "admin:randomdata_randomuser_changelist",
        "admin-random-users",
        ["guadalupe.predovic", "Season", "Conn"],
    ),
    ("admin:randomdata_address_changelist", "admin-random-addresses", ["Veumfurt", "South June"]),
    ("admin:randomdata_creditcard_changelist", "admin-random-cards", ["•••• 1431", "•••• 5129"]),
    (
        "admin:members_syncdelivery_changelist",
        "admin-sync-deliveries",
        ["user.created", "peer-down"],
    ),
]


# App captions as the admin index shows them (CSS upper-cases them on screen).
APPS = ["members", "activity periods", "carbon usage", "inventory and invoicing", "random data"]


def _fixture_card_numbers() -> set[str]:
    """Every full card number in the bundled upstream samples, as dashed and as bare digits."""
    client = FixtureClient()
    embedded = [r["credit_card"]["cc_number"] for r in client.records(IngestionKind.USERS)]
    standalone = [r["credit_card_number"] for r in client.records(IngestionKind.CREDIT_CARDS)]
    numbers = {str(n) for n in embedded + standalone}
    return numbers | {n.replace("-", "") for n in numbers}


def _missing(texts: list[str], shown: str) -> list[str]:
    return [text for text in texts if text not in shown]


def test_admin_login_form_signs_in(page, console_errors, screenshot):
    page.goto("/admin/")
    assert page.url.endswith("/admin/login/?next=/admin/")
    screenshot(page, "admin-login")

    admin_login(page)

    assert page.url.endswith("/admin/")
    assert page.locator("h1").inner_text() == "Site administration"
    assert ADMIN["username"].upper() in page.locator("#user-tools").inner_text().upper()
    assert _missing(APPS, page.inner_text("#content").lower()) == []
    assert console_errors == []
    screenshot(page, "admin-index")


def test_admin_login_form_refuses_a_wrong_password(page, console_errors):
    admin_login(page, password="not-the-password")

    assert page.url.endswith("/admin/login/")
    assert "Please enter the correct username and password" in page.inner_text(".errornote")
    assert console_errors == []


@pytest.mark.parametrize(
    ("url_name", "name", "texts"), ADMIN_LISTS, ids=[n for _, n, _ in ADMIN_LISTS]
)
def test_admin_list_shows_demo_data(admin_page, console_errors, screenshot, url_name, name, texts):
    response = admin_page.goto(reverse(url_name))

    assert response.status == 200
    assert admin_page.locator("#result_list tbody tr").count() > 0
    assert _missing(texts, admin_page.locator("#result_list").inner_text()) == []
    assert console_errors == []
    screenshot(admin_page, name)


def test_every_admin_list_opens(admin_page, console_errors):
    """Each model list linked from the admin index answers 200 and renders its table."""
    admin_page.goto("/admin/")
    hrefs = admin_page.locator("#content-main table th a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    statuses = {href: admin_page.goto(href).status for href in hrefs}

    assert len(hrefs) >= 15
    assert {href: status for href, status in statuses.items() if status != 200} == {}
    assert console_errors == []


def test_invoice_page_links_its_pdf(admin_page, console_errors, screenshot):
    admin_page.goto(reverse("admin:inventory_invoice_changelist"))
    # The demo's open invoice (the second demo customer's, issued with a credit note, is newer).
    link = admin_page.locator("#result_list tbody tr", has_text="Test User").locator("th a").first
    number = link.inner_text()
    with admin_page.expect_navigation():
        link.click()
    content = admin_page.inner_text("#content")
    pdf_link = admin_page.get_by_role("link", name="download PDF")
    # The PDF opens in a new tab in a person's browser; fetch it with the page's own session.
    pdf = admin_page.request.get(pdf_link.get_attribute("href"))
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)

    assert re.search(r"/admin/inventory/invoice/\d+/change/$", admin_page.url)
    items = ["Basmati rice 5 kg", "Olive oil 1 l", "Dish soap 500 ml"]
    assert _missing([number, "Test User", *items], content) == []
    assert pdf_link.get_attribute("target") == "_blank"
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    assert _missing([number, "Test User", *items], pdf_text) == []
    assert console_errors == []
    screenshot(admin_page, "admin-invoice")


def test_random_user_page_masks_card_numbers(admin_page, console_errors, screenshot):
    admin_page.goto(reverse("admin:randomdata_randomuser_changelist"))
    with admin_page.expect_navigation():
        admin_page.get_by_role("link", name="guadalupe.predovic").click()
    shown = admin_page.inner_text("#content")
    html = admin_page.content()

    assert _missing(["Guadalupe", "Predovic", "guadalupe.predovic", "•••• 5129"], shown) == []
    assert [number for number in _fixture_card_numbers() if number in html] == []
    assert console_errors == []
    screenshot(admin_page, "admin-random-user")


def test_card_list_shows_only_masks(admin_page, console_errors):
    admin_page.goto(reverse("admin:randomdata_creditcard_changelist"))
    masks = admin_page.locator("#result_list .field-masked").all_inner_texts()
    html = admin_page.content()

    assert len(masks) >= 3
    assert [mask for mask in masks if not re.fullmatch(r"•••• \d{4}", mask)] == []
    assert [number for number in _fixture_card_numbers() if number in html] == []
    assert console_errors == []


def test_carbon_dashboard_after_login_redirect(page, console_errors, screenshot):
    # Staff sign in at the member login too. This admin holds the username "ada", so the demo's
    # own sample member became "ada.demo" and got the year of usages (tests/browser/
    # test_carbon_member.py shows a member's full chart); the admin's own page is empty.
    page.goto("/carbon/")
    assert page.url.endswith("/accounts/login/?next=/carbon/")
    page.fill("#id_username", ADMIN["username"])
    page.fill("#id_password", ADMIN["password"])
    with page.expect_navigation():
        page.click("input[type=submit]")

    assert page.url.endswith("/carbon/")
    assert ADMIN["real_name"] in page.inner_text("header")
    assert page.locator("section.chart svg g.bar rect").count() == 0
    assert console_errors == []
    screenshot(page, "carbon-dashboard")
