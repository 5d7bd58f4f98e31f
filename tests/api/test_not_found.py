"""An address under the API that nothing answers is a JSON 404 in the API's error shape, with
DEBUG on and off; the rest of the site keeps Django's HTML page."""

import pytest

NOT_FOUND = {
    "type": "client_error",
    "errors": [
        {
            "code": "not_found",
            "detail": "Not found: no endpoint answers at this address.",
            "attr": None,
        }
    ],
}


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.mark.parametrize(
    "path",
    [
        "/api/",
        "/api/nope/",
        "/api/v1/nope",
        "/api/v2/users/",
        "/api/v1/users/a/b/c/",
        "/api/items/1/nope/",
        "/activity_record/nope/",
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_an_unknown_api_address_is_a_json_404(db, client, debug, path, method):
    response = client.generic(method, path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("path", ["/nope/", "/apiary/", "/admin-nope/"])
def test_other_unknown_addresses_keep_the_html_page(db, client, debug, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_view_s_own_404_keeps_its_detail(db, world, debug):
    response = world.clients["staff"].get("/api/v1/users/W00000000/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"
    assert response.json()["errors"][0]["detail"] != NOT_FOUND["errors"][0]["detail"]


def test_a_wrong_method_is_a_json_405(db, world, debug):
    response = world.clients["member"].delete("/api/v1/auth/me/")
    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "method_not_allowed"
