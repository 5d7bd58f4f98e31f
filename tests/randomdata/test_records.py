import json
import re
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured

from randomdata.models import Address, CreditCard, RandomUser
from randomdata.records import (
    AddressRecordSerializer,
    CreditCardRecordSerializer,
    EmbeddedAddressSerializer,
    EmbeddedCreditCardSerializer,
    EmploymentSerializer,
    RecordError,
    SubscriptionSerializer,
    UpstreamText,
    UserRecordSerializer,
    card_fingerprint,
    embedded_uid,
    fingerprint_key,
    parse_address,
    parse_credit_card,
    parse_page,
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
        (
            _user(address={"coordinates": {"lat": 91, "lng": 0}}),
            "address.coordinates.lat: outside ±90",
        ),
        (_user(id=True), "id: not a non-negative integer"),
        (_user(id=2**63), "id: not a non-negative integer"),
        (_user(uid=12345), "uid: missing or not a string"),
        (_user(subscription={"plan": ["Gold"]}), "subscription.plan: not a string"),
        (_user(last_name="a\x00b"), "last_name: contains a NUL character"),
        (_user(username="\ud800"), "username: Surrogate characters are not allowed"),
        (_user(email="x" * 250 + "@a.io"), "email: longer than 254 characters"),
        (_user(address="somewhere"), "address: expected an object, got str"),
        (_user(address={"coordinates": {"lat": "1.5"}}), "address.coordinates.lat: not a number"),
        (_user(address={"coordinates": {"lat": float("nan")}}), "address.coordinates.lat: outside"),
        (_user(credit_card={"cc_number": "12ab"}), "credit_card.cc_number: not 12 to 19 digits"),
    ],
)
def test_user_record_errors_name_the_field(record, reason):
    with pytest.raises(RecordError, match=re.escape(reason)) as excinfo:
        parse_user(record, key=KEY)
    assert str(excinfo.value).startswith(f"{excinfo.value.attr}: ")


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


class _Watched(dict):
    """A record that remembers which of its keys were read."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.read: set[str] = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


def test_secrets_are_never_read():
    record = _Watched(_user())
    parse_user(record, key=KEY)
    assert "uid" in record.read
    assert {"password", "social_insurance_number"} & record.read == set()


def test_fields_the_upstream_adds_are_ignored():
    user, _address, card = parse_user(
        _user(favourite_colour="teal", credit_card={"cc_number": "4998629252843", "cvv": 1}),
        key=KEY,
    )
    assert "favourite_colour" not in user
    assert card["last4"] == "2843"
    assert set(card) == {"uid", "upstream_id", "brand", "expiry_date", "last4", "fingerprint"}


SERIALIZERS = [
    (UserRecordSerializer, RandomUser),
    (EmploymentSerializer, RandomUser),
    (SubscriptionSerializer, RandomUser),
    (AddressRecordSerializer, Address),
    (EmbeddedAddressSerializer, Address),
    (CreditCardRecordSerializer, CreditCard),
    (EmbeddedCreditCardSerializer, CreditCard),
]


@pytest.mark.parametrize(("serializer", "model"), SERIALIZERS)
def test_text_limits_are_the_model_columns(serializer, model):
    texts = [f for f in serializer().fields.values() if isinstance(f, UpstreamText)]
    limits = {f.source: f.max_length for f in texts}
    assert limits == {name: model._meta.get_field(name).max_length for name in limits}
    assert all(name in {f.name for f in model._meta.fields} for name in limits)


FIRST_NAME_LIMIT = RandomUser._meta.get_field("first_name").max_length


def test_text_at_the_column_length_passes():
    user, _address, _card = parse_user(_user(first_name="x" * FIRST_NAME_LIMIT), key=KEY)
    assert user["first_name"] == "x" * FIRST_NAME_LIMIT


def test_text_one_past_the_column_length_fails():
    with pytest.raises(RecordError, match=f"first_name: longer than {FIRST_NAME_LIMIT} char"):
        parse_user(_user(first_name="x" * (FIRST_NAME_LIMIT + 1)), key=KEY)


def test_missing_and_null_values_are_empty():
    record = {"uid": str(uuid.uuid4()), "first_name": None, "date_of_birth": "", "id": None}
    user, address, card = parse_user(record, key=KEY)
    assert (user["first_name"], user["last_name"], user["employment_title"]) == ("", "", "")
    assert (user["date_of_birth"], user["upstream_id"], address, card) == (None, None, None, None)
    assert parse_address({"uid": str(uuid.uuid4())})["latitude"] is None


def test_numbers_become_text_and_whitespace_is_trimmed():
    user, address, _card = parse_user(
        _user(phone_number=5551234, first_name="  Ada  ", address={"zip_code": 12345}), key=KEY
    )
    assert (user["phone_number"], user["first_name"], address["zip_code"]) == (
        "5551234",
        "Ada",
        "12345",
    )


def test_a_page_keeps_the_good_records_and_says_why_the_others_went():
    good = _user()
    page = [good, "junk", _user(uid=str(uuid.uuid4()), email="nope"), dict(good)]
    rows, skips = parse_page("users", page, key=KEY)
    assert [user["uid"] for user, _a, _c in rows] == [uuid.UUID(good["uid"])]
    assert skips == [
        {"index": 1, "uid": None, "reason": "record: expected an object, got str"},
        {"index": 2, "uid": page[2]["uid"], "reason": "email: not an email address"},
        {"index": 3, "uid": good["uid"], "reason": "uid: duplicate within one response"},
    ]


def test_embedded_uids_are_uuid5_of_the_users_uid():
    user_uid = uuid.UUID("7c5037c4-b004-47ba-b91c-e33e9c525cdf")
    namespace = uuid.UUID("5f0c7b1e-3d2a-4c59-9a7e-2b8f4d6e1a30")  # never changes: stored uids
    expected = uuid.uuid5(namespace, f"{user_uid}:address")
    assert embedded_uid(user_uid, "address") == embedded_uid(str(user_uid), "address") == expected
