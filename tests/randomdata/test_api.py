import pytest

from randomdata.services import ingest_addresses, ingest_credit_cards, ingest_users
from tests.randomdata.server import fixture_records

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/random/users/",
    "/api/v1/random/addresses/",
    "/api/v1/random/credit-cards/",
    "/api/v1/random/runs/",
]
FULL_NUMBERS = sorted(
    {r["credit_card_number"] for r in fixture_records("credit_cards")}
    | {r["credit_card"]["cc_number"] for r in fixture_records("users")}
)


@pytest.fixture
def data(upstream):
    ingest_users(size=6)
    ingest_addresses(size=4)
    ingest_credit_cards(size=10)
    return upstream


@pytest.mark.parametrize("url", ENDPOINTS)
def test_staff_only(api_client, auth_client, url, db):
    assert api_client.get(url).status_code == 401
    assert auth_client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("url", "count"),
    [(ENDPOINTS[0], 6), (ENDPOINTS[1], 10), (ENDPOINTS[2], 16), (ENDPOINTS[3], 3)],
)
def test_lists(staff_client, data, url, count):
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response.json()["count"] == count


def test_user_has_nested_addresses_and_masked_cards(staff_client, data):
    user = staff_client.get("/api/v1/random/users/", {"username": ""}).json()["results"][0]
    assert [a["link_method"] for a in user["addresses"]] == ["embedded"]
    card = user["credit_cards"][0]
    assert card["masked_number"] == "•••• 5129"
    assert set(card) >= {"brand", "last4", "expiry_date"}
    assert "fingerprint" not in card
    assert "password" not in user
    assert "social_insurance_number" not in user
    detail = staff_client.get(f"/api/v1/random/users/{user['id']}/")
    assert detail.json()["uid"] == user["uid"]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_full_card_numbers_are_never_returned(staff_client, data, url):
    body = staff_client.get(url, {"page_size": 1000}).content.decode()
    digits = [n.replace("-", "") for n in FULL_NUMBERS]
    assert [n for n in [*FULL_NUMBERS, *digits] if n in body] == []


@pytest.mark.parametrize(
    ("url", "params", "count"),
    [
        ("/api/v1/random/users/", {"gender": "Male"}, 2),
        ("/api/v1/random/users/", {"subscription_plan": "Diamond"}, 2),
        ("/api/v1/random/users/", {"search": "season"}, 2),
        ("/api/v1/random/addresses/", {"assigned": "true"}, 6),
        ("/api/v1/random/addresses/", {"assigned": "false"}, 4),
        ("/api/v1/random/addresses/", {"country": "Mali"}, 3),
        ("/api/v1/random/addresses/", {"search": "Marquardttown"}, 1),
        ("/api/v1/random/credit-cards/", {"assigned": "false"}, 10),
        ("/api/v1/random/credit-cards/", {"brand": "discover"}, 1),
        ("/api/v1/random/credit-cards/", {"expires_before": "2025-01-01"}, 3),
        ("/api/v1/random/credit-cards/", {"last4": "2201"}, 5),
        ("/api/v1/random/runs/", {"kind": "users"}, 1),
        ("/api/v1/random/runs/", {"status": "succeeded"}, 3),
    ],
)
def test_filters_and_search(staff_client, data, url, params, count):
    response = staff_client.get(url, params)
    assert response.status_code == 200
    assert response.json()["count"] == count


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/random/addresses/", {"assigned": "maybe"}),
        ("/api/v1/random/addresses/", {"user": "abc"}),
        ("/api/v1/random/addresses/", {"user": "99999999999999999999999"}),
        ("/api/v1/random/credit-cards/", {"expires_before": "soon"}),
        ("/api/v1/random/runs/", {"kind": "nope"}),
        ("/api/v1/random/runs/", {"ordering": "error"}),
        ("/api/v1/random/users/", {"page_size": 5000}),
    ],
)
def test_bad_query_parameters_are_400(staff_client, data, url, params):
    response = staff_client.get(url, params)
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"


@pytest.mark.parametrize("url", ENDPOINTS)
def test_unknown_id_is_404(staff_client, db, url):
    assert staff_client.get(f"{url}999999/").status_code == 404
    assert staff_client.get(f"{url}abc/").status_code == 404


@pytest.mark.parametrize("url", ENDPOINTS)
def test_read_only(staff_client, db, url):
    assert staff_client.post(url, {}).status_code == 405


@pytest.mark.parametrize(
    ("url", "queries"), [(u, q) for u, q in zip(ENDPOINTS, [6, 4, 4, 4], strict=True)]
)
def test_list_query_counts_do_not_grow_with_rows(
    staff_client, upstream, django_assert_num_queries, url, queries
):
    ingest_users(size=3)
    ingest_addresses(size=3)
    ingest_credit_cards(size=3)
    with django_assert_num_queries(queries):
        staff_client.get(url)
    ingest_users(size=20)
    ingest_addresses(size=20)
    ingest_credit_cards(size=20)
    with django_assert_num_queries(queries):
        staff_client.get(url)
