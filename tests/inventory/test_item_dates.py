"""Expiry dates a person could mean: 1900 up to 2200. The probe's requests (0001-01-01 and
9999-12-31 were stored) get a 400 naming expiry_date, code out_of_range, and change nothing."""

import pytest

from inventory.models import Item

JSON = "application/json"


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"])
def test_an_absurd_expiry_date_is_refused(staff_client, day):
    body = f'{{"description":"ok","price":1,"quantity":1,"expiry_date":"{day}"}}'

    response = staff_client.post("/api/items/", body, content_type=JSON)

    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [
        ("expiry_date", "out_of_range")
    ]
    assert not Item.objects.exists()


@pytest.mark.parametrize("day", ["1900-01-01", "2199-12-31"])
def test_the_range_ends_are_accepted(staff_client, day):
    body = f'{{"description":"ok","price":1,"quantity":1,"expiry_date":"{day}"}}'

    response = staff_client.post("/api/items/", body, content_type=JSON)

    assert response.status_code == 201
    assert response.json()["expiry_date"] == day


def test_a_patch_to_an_absurd_date_changes_nothing(staff_client):
    item = Item.objects.create(name="tea", price=1, quantity=1)

    response = staff_client.patch(
        f"/api/items/{item.pk}/", '{"expiry_date": "0001-01-01"}', content_type=JSON
    )

    assert response.status_code == 400
    item.refresh_from_db()
    assert item.expiry_date is None
