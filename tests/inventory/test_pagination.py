"""The inventory lists under /api/ page like GitHub's REST API: a bare JSON array, a `Link`
header (absolute URLs, the other query parameters kept) and `X-Total-Count`
(core.pagination.LinkHeaderPagination). /api/v1/ lists keep DRF's envelope."""

import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from core.constants import MAX_DB_ID
from inventory.models import Item
from tests.inventory.factories import CustomerFactory, ItemFactory

ITEMS = reverse("item-list")
LINK = re.compile(r'<([^<>]*)>; rel="([a-z]+)"')


def links(response) -> dict[str, dict]:
    """rel -> the query of its URL (one value per key), checking every URL is absolute and
    points at the same list."""
    header = response["Link"]
    found = LINK.findall(header)
    assert ", ".join(f'<{url}>; rel="{rel}"' for url, rel in found) == header  # nothing else
    rels = {}
    for url, rel in found:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc, parts.path) == ("http", "testserver", ITEMS)
        rels[rel] = {key: value for key, [value] in parse_qs(parts.query).items()}
    return rels


def pages(response) -> dict[str, int]:
    return {rel: int(query["page"]) for rel, query in links(response).items()}


def make_items(count: int) -> list[Item]:
    return Item.objects.bulk_create(
        Item(name=f"Item {n:04d}", price=Decimal(n), quantity=n) for n in range(count)
    )


@pytest.fixture
def five(db):
    return make_items(5)


def names(response) -> list[str]:
    return [row["name"] for row in response.json()]


# --- The body and the headers ------------------------------------------------------------------


def test_the_default_page_is_the_first_100_rows(api_client, db):
    make_items(101)
    response = api_client.get(ITEMS)
    assert response.status_code == 200
    assert isinstance(response.json(), list)
    assert names(response) == [f"Item {n:04d}" for n in range(100)]
    assert response["X-Total-Count"] == "101"
    assert pages(response) == {"next": 2, "last": 2, "first": 1}


def test_a_middle_page_links_to_every_neighbour_in_githubs_order(api_client, five):
    response = api_client.get(ITEMS, {"page": 2, "page_size": 2})
    assert names(response) == ["Item 0002", "Item 0003"]
    assert list(pages(response).items()) == [("prev", 1), ("next", 3), ("last", 3), ("first", 1)]
    assert response["X-Total-Count"] == "5"


def test_the_last_page_has_no_next_and_the_first_no_prev(api_client, five):
    last = api_client.get(ITEMS, {"page": 3, "page_size": 2})
    assert names(last) == ["Item 0004"]
    assert pages(last) == {"prev": 2, "last": 3, "first": 1}
    first = api_client.get(ITEMS, {"page_size": 2})
    assert pages(first) == {"next": 2, "last": 3, "first": 1}


def test_one_page_links_only_to_itself_as_first_and_last(api_client, five):
    response = api_client.get(ITEMS)
    assert pages(response) == {"last": 1, "first": 1}


def test_an_empty_list_is_an_empty_array_with_a_total_of_0(api_client, db):
    response = api_client.get(ITEMS)
    assert (response.status_code, response.json(), response["X-Total-Count"]) == (200, [], "0")
    assert pages(response) == {"last": 1, "first": 1}


@pytest.mark.parametrize("page", ["4", "1000", str(MAX_DB_ID)])
def test_a_page_past_the_last_is_an_empty_array_whose_prev_is_the_last_page(api_client, five, page):
    response = api_client.get(ITEMS, {"page": page, "page_size": 2})
    assert (response.status_code, response.json(), response["X-Total-Count"]) == (200, [], "5")
    assert pages(response) == {"prev": 3, "last": 3, "first": 1}


def test_links_keep_the_other_query_parameters(api_client, db):
    make_items(7)  # quantities 0..6, reorder level 10: all low stock
    ItemFactory(name="Item plenty", quantity=500)
    query = {"search": "Item", "ordering": "-price", "low_stock": "true", "page_size": "2"}
    response = api_client.get(ITEMS, {**query, "page": "2"})
    assert names(response) == ["Item 0004", "Item 0003"]
    assert response["X-Total-Count"] == "7"
    assert links(response) == {
        rel: {**query, "page": str(page)}
        for rel, page in {"prev": 1, "next": 3, "last": 4, "first": 1}.items()
    }


def test_filters_search_and_ordering_page_together(api_client, db):
    make_items(6)
    ItemFactory(name="Special tea", price=Decimal("1.00"), quantity=50)
    response = api_client.get(ITEMS, {"search": "tea", "page_size": 1})
    assert (names(response), response["X-Total-Count"]) == (["Special tea"], "1")
    by_price = api_client.get(ITEMS, {"ordering": "-price", "page_size": 2, "page": 2})
    assert names(by_price) == ["Item 0003", "Item 0002"]


def test_markup_and_quotes_in_query_parameters_cannot_forge_links(api_client, five):
    forged = '>; rel="next", <http://evil.example/>; rel="last'
    response = api_client.get(ITEMS, {"search": forged, "page_size": 1})
    assert response.status_code == 200
    assert set(pages(response)) == {"last", "first"}  # links() checks host, path and shape
    assert links(response)["first"]["search"] == forged  # kept, percent-encoded


def test_the_largest_page_size_is_1000(api_client, five):
    response = api_client.get(ITEMS, {"page_size": 1000})
    assert (response.status_code, len(response.json())) == (200, 5)


# --- Bad page parameters: a 400 naming the parameter -------------------------------------------


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("page", "0"),
        ("page", "-1"),
        ("page", "abc"),
        ("page", "1.5"),
        ("page", ""),
        ("page", " 1"),
        ("page", "+1"),
        ("page", "\u0661"),  # an Arabic-Indic one: int() would read it
        ("page", "last"),
        ("page", str(MAX_DB_ID + 1)),
        ("page", "9" * 5000),
        ("page", "1\x00"),
        ("page_size", "0"),
        ("page_size", "-1"),
        ("page_size", "1001"),
        ("page_size", "100000"),
        ("page_size", "abc"),
        ("page_size", "9" * 5000),
    ],
)
def test_a_bad_page_or_page_size_is_a_400_naming_it(api_client, five, param, value):
    response = api_client.get(ITEMS, {param: value})
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [(param, "invalid")]
    assert Item.objects.count() == 5


# --- Every inventory list, and only those ------------------------------------------------------


@pytest.mark.parametrize("name", ["item-list", "customer-list", "invoice-list"])
def test_every_inventory_list_is_a_bare_array_with_link_and_total(staff_client, db, name):
    CustomerFactory.create_batch(3)
    make_items(3)
    response = staff_client.get(reverse(name), {"page_size": 1, "page": 2})
    assert response.status_code == 200
    assert isinstance(response.json(), list)
    assert {"Link", "X-Total-Count"} <= set(response.headers)


def test_v1_lists_keep_the_envelope(auth_client):
    response = auth_client.get("/api/v1/usage-types/")
    assert response.status_code == 200
    assert {"count", "next", "previous", "results"} == set(response.json())
    assert "Link" not in response.headers


# --- Queries: none per row, one fewer past the last page ---------------------------------------


def test_a_page_is_two_queries_whatever_its_size(api_client, db, django_assert_num_queries):
    make_items(30)
    for size in (1, 30):
        with django_assert_num_queries(2):  # count + page
            response = api_client.get(ITEMS, {"page_size": size, "page": 1})
        assert len(response.json()) == size


def test_a_page_past_the_last_is_one_query(api_client, five, django_assert_num_queries):
    with django_assert_num_queries(1):  # count
        assert api_client.get(ITEMS, {"page": 9}).json() == []


# --- The schema: every list under /api/ (not /api/v1/) documents the array and both headers -


def test_the_schema_documents_arrays_headers_and_page_errors(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    lists = {
        path: op
        for path, ops in schema["paths"].items()
        if path.startswith("/api/") and not path.startswith("/api/v1/")
        for method, op in ops.items()
        if method == "get" and any(p["name"] == "page" for p in op.get("parameters", []))
    }
    assert {"/api/items/", "/api/customers/", "/api/invoices/"} <= set(lists)
    for path, op in lists.items():
        ok = op["responses"]["200"]
        ref = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert components[ref]["type"] == "array", path
        assert {name: h["required"] for name, h in ok["headers"].items()} == {
            "Link": True,
            "X-Total-Count": True,
        }, path
        errors = components[f"{''.join(w.title() for w in op['operationId'].split('_'))}Error"]
        documented = {ref["$ref"].rsplit("/", 1)[1] for ref in errors["oneOf"]}
        assert {
            c for c in documented if c.endswith(("PageErrorComponent", "PageSizeErrorComponent"))
        }, path
