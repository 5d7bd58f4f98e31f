"""Every example request of the Disecto README, sent as its clients send it: the same method,
URL (host included) and body bytes; only our token header is added (the README's service had
no authentication; ours keeps requiring a staff token where it does for everyone).

The README: repository gurbaaz27/inventory-management-django, path README.md, section
"## urls" (the service is "Disecto : Backend Dev Assignment"; its setup section clones it as
gurbaaz27/disecto-backdev-task). Its bodies are quoted below exactly, with the tabs and the
four-space indents they are written with.
"""

from urllib.parse import urlsplit

import pytest

from inventory.models import Customer, Invoice, Item, StockReport
from tests.inventory.factories import CustomerFactory, ItemFactory

# --- The README's requests, as data ------------------------------------------------------------

# 1. "GET: get the list of available items ... It also supports POST method ..."
ITEMS_URL = "http://127.0.0.1:8000/api/items/"
ITEM_POST_BODY = '{\n    "description": "xyz",\n\t"price": 9999,\n\t"quantity": 100\n}'
# 2. "GET: get the list of customers ... It also supports POST method ..."
CUSTOMERS_URL = "http://127.0.0.1:8000/api/customers/"
CUSTOMER_POST_BODY = '{\n    "name": "xyz",\n\t"phone": "+9999999999",\n\t"address": "xyz"\n}'
# 3. "GET: get the invoice for the purchase in pdf format", "POST: to send the list of items to
#    buy with corresponding quantities.", "PUT: to update the list of items in the purchase
#    list." — one body for both ("A json example for post/put method is as follows").
PURCHASE_URL = "http://127.0.0.1:8000/api/customer-purchase/<int:customer-id>"
PURCHASE_BODY = (
    '[\n  {\n\t\t"item": 4,\n\t\t"quantity": 1\n  },'
    '\n\t{\n\t\t"item": 5,\n\t\t"quantity": 9\n  }\n]'
)
# 4. "GET : returns txt file containing item list of low stock"
LOW_STOCK_URL = "http://127.0.0.1:8000/api/low-stock-items/"


def send(client, method: str, url: str, body: str | None = None, **ids):
    """`method url` as the README writes it (its placeholders filled from `ids`), raw body."""
    for name, value in ids.items():
        url = url.replace(f"<int:{name}>", str(value))
    parts = urlsplit(url)
    extra = {"content_type": "application/json"} if body is not None else {}
    return client.generic(method, parts.path, body or "", headers={"host": parts.netloc}, **extra)


# --- Items -------------------------------------------------------------------------------------


def test_get_items(api_client, db):
    apple, pear = ItemFactory(name="Apple"), ItemFactory(name="Pear")
    response = send(api_client, "GET", ITEMS_URL)  # anyone may read the catalogue
    assert response.status_code == 200
    assert [(row["id"], row["name"]) for row in response.json()] == [
        (apple.pk, "Apple"),
        (pear.pk, "Pear"),
    ]
    assert {"id", "name", "price", "description"} <= set(response.json()[0])
    assert response["X-Total-Count"] == "2"
    # Link URLs are absolute, on the host the client called.
    assert response["Link"].startswith("<http://127.0.0.1:8000/api/items/?page=1>;")


def test_post_item(staff_client):
    response = send(staff_client, "POST", ITEMS_URL, ITEM_POST_BODY)
    assert response.status_code == 201
    item = Item.objects.get()
    assert (item.name, item.description, str(item.price), item.quantity) == (
        "xyz",
        "xyz",
        "9999.00",
        100,
    )
    assert response.json()["name"] == "xyz"  # taken from the description


def test_post_item_still_needs_a_staff_token(api_client, auth_client, db):
    assert send(api_client, "POST", ITEMS_URL, ITEM_POST_BODY).status_code == 401
    assert send(auth_client, "POST", ITEMS_URL, ITEM_POST_BODY).status_code == 403
    assert not Item.objects.exists()


# --- Customers ---------------------------------------------------------------------------------


def test_get_customers(staff_client, db):
    customer = CustomerFactory()
    response = send(staff_client, "GET", CUSTOMERS_URL)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [customer.pk]
    assert {"id", "name", "phone", "address"} <= set(response.json()[0])


def test_post_customer(staff_client):
    response = send(staff_client, "POST", CUSTOMERS_URL, CUSTOMER_POST_BODY)
    assert response.status_code == 201
    assert response.json()["phone"] == "+9999999999"
    customer = Customer.objects.get()
    assert (customer.name, customer.phone, customer.address) == ("xyz", "+9999999999", "xyz")


# --- Purchases and the PDF invoice -------------------------------------------------------------


@pytest.fixture
def readme_items(db):
    """The README's body names items 4 and 5: they exist, with enough stock."""
    return ItemFactory(pk=4, quantity=20), ItemFactory(pk=5, quantity=20)


@pytest.fixture
def readme_customer(staff_client):
    return send(staff_client, "POST", CUSTOMERS_URL, CUSTOMER_POST_BODY).json()["id"]


def test_post_put_and_get_purchase(staff_client, readme_items, readme_customer):
    four, five = readme_items
    ids = {"customer-id": readme_customer}

    posted = send(staff_client, "POST", PURCHASE_URL, PURCHASE_BODY, **ids)
    assert posted.status_code == 201
    assert [(line["item"], line["quantity"]) for line in posted.json()["lines"]] == [
        (4, 1),
        (5, 9),
    ]
    four.refresh_from_db(), five.refresh_from_db()
    assert (four.quantity, five.quantity) == (19, 11)

    put = send(staff_client, "PUT", PURCHASE_URL, PURCHASE_BODY, **ids)
    assert put.status_code == 200  # the same quantities again: nothing moves
    four.refresh_from_db(), five.refresh_from_db()
    assert (four.quantity, five.quantity) == (19, 11)

    pdf = send(staff_client, "GET", PURCHASE_URL, **ids)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert Invoice.objects.filter(customer_id=readme_customer).count() == 1


def test_put_purchase_as_the_first_request(staff_client, readme_items, readme_customer):
    # Disecto's PUT also added items to the list; ours does too, opening the invoice.
    put = send(staff_client, "PUT", PURCHASE_URL, PURCHASE_BODY, **{"customer-id": readme_customer})
    assert put.status_code == 200
    assert [(line["item"], line["quantity"]) for line in put.json()["lines"]] == [(4, 1), (5, 9)]


def test_purchase_still_needs_a_staff_token(auth_client, readme_items, db):
    customer = CustomerFactory()
    for method in ("POST", "PUT", "GET"):
        body = PURCHASE_BODY if method != "GET" else None
        response = send(auth_client, method, PURCHASE_URL, body, **{"customer-id": customer.pk})
        assert response.status_code == 403
    assert not Invoice.objects.exists()


# --- Low stock ---------------------------------------------------------------------------------


def test_get_low_stock_items(staff_client, db):
    ItemFactory(name="Nearly gone", quantity=1, reorder_level=5)
    ItemFactory(name="Plenty", quantity=500, reorder_level=5)
    response = send(staff_client, "GET", LOW_STOCK_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert 'filename="stocklist.txt"' in response["Content-Disposition"]
    text = response.content.decode()
    assert "Nearly gone" in text
    assert "Plenty" not in text
    assert StockReport.objects.count() == 1
