from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
JSON_KEYS = {"docs", "redoc", "schema", "admin", "healthz", "readyz"}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("href", "src")]


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.urls


@pytest.fixture(autouse=True)
def _no_broker(settings):
    settings.CELERY_BROKER_URL = ""  # /readyz checks only the database


@pytest.mark.parametrize(
    "accept", [BROWSER_ACCEPT, "*/*", "text/html", None], ids=["browser", "any", "html", "none"]
)
def test_browsers_and_curl_get_the_html_page(db, client, accept):
    headers = {} if accept is None else {"accept": accept}
    response = client.get("/", headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Accept" in response["Vary"]
    page = response.content.decode()
    assert "Backoffice API" in page
    assert "five back-office jobs" in page


@pytest.mark.parametrize(
    "accept", ["application/json", "application/json, text/plain, */*"], ids=["json", "axios"]
)
def test_json_clients_get_absolute_links(db, client, accept):
    response = client.get("/", headers={"accept": accept})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "Accept" in response["Vary"]
    assert response.json() == {
        "docs": "http://testserver/api/docs/",
        "redoc": "http://testserver/api/redoc/",
        "schema": "http://testserver/api/schema/",
        "admin": "http://testserver/admin/",
        "healthz": "http://testserver/healthz",
        "readyz": "http://testserver/readyz",
    }


@pytest.mark.parametrize("accept", [BROWSER_ACCEPT, "application/json"])
def test_head_answers_without_a_body(db, client, accept):
    response = client.head("/", headers={"accept": accept})
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_405_even_without_a_csrf_token(db, method):
    response = getattr(Client(enforce_csrf_checks=True), method)("/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_the_page_renders_with_debug_off(db, client, settings):
    settings.DEBUG = False
    response = client.get("/", headers={"accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert "/static/favicon.svg" in _links(response.content.decode())


def test_every_link_on_the_page_answers(db, client, superuser_client):
    urls = _links(client.get("/", headers={"accept": BROWSER_ACCEPT}).content.decode())
    assert {"/api/docs/", "/api/schema/", "/admin/", "/carbon/", "/healthz", "/readyz"} <= set(urls)
    assert all(url.startswith("/") for url in urls)  # no CDN, no other site
    anonymous = {url: Client().get(url).status_code for url in urls}
    signed_in = {url: superuser_client.get(url, follow=True).status_code for url in urls}
    assert anonymous == dict.fromkeys(urls, 200) | {"/admin/": 302, "/carbon/": 302}
    assert signed_in == dict.fromkeys(urls, 200)


def test_every_json_link_answers(db, client, superuser_client):
    links = client.get("/", headers={"accept": "application/json"}).json()
    assert set(links) == JSON_KEYS
    statuses = {
        key: superuser_client.get(urlsplit(url).path).status_code for key, url in links.items()
    }
    assert statuses == dict.fromkeys(JSON_KEYS, 200)
