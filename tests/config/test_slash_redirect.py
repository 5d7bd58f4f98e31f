"""A write to a path without its trailing slash is redirected with 308 (same method and body),
never Django's DEBUG RuntimeError (a 500) and never a 301 that a client turns into a GET (the
write lost without an error). The probe's requests: POST /api/items, PATCH/DELETE
/api/items/<id>, POST /accounts/login, with DEBUG on and off."""

import pytest

from inventory.models import Item

JSON = "application/json"
BODY = '{"description": "xyz", "price": 9999, "quantity": 100}'


@pytest.fixture(params=[True, False], ids=["debug", "no-debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def test_a_post_without_the_slash_is_a_308_to_the_slashed_url(debug, staff_client):
    response = staff_client.post("/api/items?x=1", BODY, content_type=JSON)

    assert response.status_code == 308
    assert response["Location"] == "/api/items/?x=1"
    assert not Item.objects.exists()


def test_a_client_following_the_308_makes_the_write(debug, staff_client):
    response = staff_client.post("/api/items", BODY, content_type=JSON, follow=True)

    assert response.redirect_chain == [("/api/items/", 308)]
    assert response.status_code == 201
    assert Item.objects.get().name == "xyz"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_writes_without_the_slash_are_308s(debug, staff_client, method):
    item = Item.objects.create(name="tea", price=1, quantity=0)

    response = getattr(staff_client, method)(f"/api/items/{item.pk}", "{}", content_type=JSON)

    assert (response.status_code, response["Location"]) == (308, f"/api/items/{item.pk}/")
    assert Item.objects.filter(pk=item.pk).exists()


def test_a_form_post_to_the_members_login_without_the_slash_is_a_308(debug, client):
    response = client.post("/accounts/login", {"username": "x", "password": "y"})

    assert (response.status_code, response["Location"]) == (308, "/accounts/login/")


def test_reads_keep_the_301(debug, client):
    response = client.get("/api/items")

    assert (response.status_code, response["Location"]) == (301, "/api/items/")


def test_an_unknown_path_is_still_a_404(debug, staff_client):
    assert staff_client.post("/api/nothing-here", "{}", content_type=JSON).status_code == 404
