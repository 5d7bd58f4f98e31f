import json
import re
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured

from randomdata.records import (
    RecordError,
    card_fingerprint,
    embedded_uid,
    fingerprint_key,
    parse_address,
    parse_credit_card,
    parse_user,
)
from tests.randomdata.server import FIXTURES, fixture_records

KEY = b"test-key"
ALL_FIXTURES = sorted(p.name for p in FIXTURES.glob("*.json"))
FULL_NUMBERS = sorted(
    {r["credit_card_number"] for r in fixture_records("credit_cards")}
    | {r["credit_card"]["cc_number"] for r in fixture_records("users")}
)


def _parse(name: str, record: dict):
    if name.startswith("user"):
        return parse_user(record, key=KEY)
    if name.startswith("address"):
        return parse_address(record)
    return parse_credit_card(record, key=KEY)


def _records(name: str) -> list[dict]:
    data = json.loads((FIXTURES / name).read_text())
    return data if isinstance(data, list) else [data]


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_fixture_parses_and_keeps_no_secret(name):
    for record in _records(name):
        parsed = _parse(name, record)
        text = repr(parsed)
        assert str(record["uid"]) in text or "UUID('" + record["uid"] + "')" in text
        assert all(number not in text for number in FULL_NUMBERS)
        assert all(number.replace("-", "") not in text for number in FULL_NUMBERS)
        assert record.get("password", "\x01") not in text
        assert record.get("social_insurance_number", "\x01") not in text


def test_user_fixture_fields():
    record = _records("user_1_LinaKind_JS-Q-s-Concepts.json")[0]
    user, address, card = parse_user(record, key=KEY)
    assert user["uid"] == uuid.UUID("7c5037c4-b004-47ba-b91c-e33e9c525cdf")
    assert user["upstream_id"] == 5345
    assert user["employment_title"] == "Farming Associate"
    assert user["subscription_payment_method"] == "Bitcoins"
    assert str(user["date_of_birth"]) == "1973-06-22"
    assert "password" not in user
    assert "social_insurance_number" not in user
    assert address["uid"] == embedded_uid(user["uid"], "address")
    assert (address["latitude"], address["longitude"]) == (3.268523774872037, 67.88730832531886)
    assert card["last4"] == "5129"
    assert card["fingerprint"] == card_fingerprint("6771897592365129", key=KEY)


def test_card_fingerprint_matches_equal_numbers_and_depends_on_key():
    cards = [parse_credit_card(r, key=KEY) for r in fixture_records("credit_cards")]
    same = [c["fingerprint"] for c in cards if c["last4"] == "2201"]
    assert len(same) > 1
    assert len(set(same)) == 1
    assert card_fingerprint("1211-1221-1234-2201", key=b"other") != same[0]


def _user(**changes) -> dict:
    record = _records("user_2_encorex32268_UserListApp.json")[0]
    record.update(changes)
    return record


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ([], "record: expected an object"),
        ({"first_name": "x"}, "uid: missing"),
        (_user(uid="not-a-uuid"), "uid: not a UUID"),
        (_user(id="12"), "id: not a non-negative integer"),
        (_user(email="nope"), "email: not an email address"),
        (_user(avatar="javascript:alert(1)"), "avatar: not an http(s) URL"),
        (_user(first_name="x" * 101), "first_name: longer than 100"),
        (_user(date_of_birth="31/01/1980"), "date_of_birth: not an ISO date"),
        (_user(employment="boss"), "employment: expected an object"),
        (_user(address={"coordinates": {"lat": 91, "lng": 0}}), "address.latitude: outside"),
        (_user(credit_card={"cc_number": "12ab"}), "credit_card.cc_number: not 12 to 19 digits"),
    ],
)
def test_user_record_errors_name_the_field(record, reason):
    with pytest.raises(RecordError, match=re.escape(reason)):
        parse_user(record, key=KEY)


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"uid": str(uuid.uuid4()), "credit_card_number": 1234}, "credit_card_number: missing"),
        (
            {"uid": str(uuid.uuid4()), "credit_card_number": "1234-5678-9012-34567890"},
            "not 12 to 19 digits",
        ),
        (
            {
                "uid": str(uuid.uuid4()),
                "credit_card_number": "1211-1221-1234-2201",
                "credit_card_expiry_date": "soon",
            },
            "credit_card_expiry_date: not an ISO date",
        ),
    ],
)
def test_card_errors_never_echo_the_number(record, reason):
    with pytest.raises(RecordError, match=reason) as excinfo:
        parse_credit_card(record, key=KEY)
    assert "1234-5678" not in str(excinfo.value)


def test_fingerprint_key_is_required_without_debug_or_test_settings(settings):
    settings.RANDOM_DATA_FINGERPRINT_KEY = ""
    settings.RANDOM_DATA_FINGERPRINT_DERIVE = False
    with pytest.raises(ImproperlyConfigured, match="RANDOM_DATA_FINGERPRINT_KEY"):
        fingerprint_key()


def test_fingerprint_key_derived_from_secret_key_in_development(settings):
    settings.RANDOM_DATA_FINGERPRINT_KEY = ""
    settings.RANDOM_DATA_FINGERPRINT_DERIVE = True
    key = fingerprint_key()
    assert len(key) == 32
    assert settings.SECRET_KEY.encode() not in key
