"""Validation of upstream records before they reach the database.

Each `parse_*` takes one decoded JSON record and returns model field values, or raises
`RecordError` with a reason that names the field. Secrets never leave this module: the user's
`password` and `social_insurance_number` are not read at all, and a card number is reduced to
its last four digits and a keyed fingerprint here.
"""

import datetime as dt
import hashlib
import hmac
import re
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

# Embedded addresses and cards have no uid of their own: derive a stable one from the user's.
EMBEDDED_NAMESPACE = uuid.UUID("5f0c7b1e-3d2a-4c59-9a7e-2b8f4d6e1a30")
_CARD_DIGITS = re.compile(r"^[0-9]{12,19}$")


class RecordError(ValueError):
    """A record that cannot be stored; the message is the reason, naming the field."""


def fingerprint_key() -> bytes:
    """The HMAC key for card fingerprints (ImproperlyConfigured when none is available)."""
    key = settings.RANDOM_DATA_FINGERPRINT_KEY
    if key:
        return key.encode()
    if settings.RANDOM_DATA_FINGERPRINT_DERIVE:
        # Development and tests only: a key derived from SECRET_KEY, never the key itself.
        return hmac.new(
            settings.SECRET_KEY.encode(), b"randomdata.card-fingerprint", hashlib.sha256
        ).digest()
    raise ImproperlyConfigured(
        "RANDOM_DATA_FINGERPRINT_KEY is not set: credit cards cannot be ingested without it."
    )


def card_fingerprint(number: str, *, key: bytes) -> str:
    digits = re.sub(r"[\s-]", "", number)
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()


def embedded_uid(user_uid: uuid.UUID, what: str) -> uuid.UUID:
    return uuid.uuid5(EMBEDDED_NAMESPACE, f"{user_uid}:{what}")


def _obj(raw: Any, name: str) -> dict:
    if not isinstance(raw, dict):
        raise RecordError(f"{name}: expected an object, got {type(raw).__name__}")
    return raw


def _uid(record: dict) -> uuid.UUID:
    value = record.get("uid")
    if not isinstance(value, str):
        raise RecordError("uid: missing or not a string")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise RecordError(f"uid: not a UUID: {value[:60]!r}") from None


def _upstream_id(record: dict) -> int | None:
    value = record.get("id")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
        raise RecordError("id: not a non-negative integer")
    return value


def _text(record: dict, key: str, max_length: int, *, label: str | None = None) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise RecordError(f"{label or key}: not a string")
    value = value.strip()
    if len(value) > max_length:
        raise RecordError(f"{label or key}: longer than {max_length} characters")
    if "\x00" in value:
        raise RecordError(f"{label or key}: contains a NUL character")
    return value


def _date(record: dict, key: str, *, label: str | None = None) -> dt.date | None:
    value = record.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise RecordError(f"{label or key}: not a date string")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RecordError(f"{label or key}: not an ISO date: {value[:40]!r}") from None


def _coordinate(value: Any, name: str, limit: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RecordError(f"{name}: not a number")
    value = float(value)
    if not -limit <= value <= limit:
        raise RecordError(f"{name}: outside ±{limit:g}")
    return value


def parse_address(raw: Any, *, uid: uuid.UUID | None = None, label: str = "") -> dict:
    """Field values of an Address (standalone record, or a user's embedded `address`)."""
    record = _obj(raw, label.rstrip(".") or "record")
    coordinates = record.get("coordinates")
    if coordinates is not None:
        coordinates = _obj(coordinates, f"{label}coordinates")
        lat, lng = coordinates.get("lat"), coordinates.get("lng")
    else:
        lat, lng = record.get("latitude"), record.get("longitude")
    fields = {
        "uid": uid if uid is not None else _uid(record),
        "upstream_id": None if uid is not None else _upstream_id(record),
        "latitude": _coordinate(lat, f"{label}latitude", 90),
        "longitude": _coordinate(lng, f"{label}longitude", 180),
    }
    for key, max_length in (
        ("street_name", 200),
        ("street_address", 200),
        ("building_number", 50),
        ("secondary_address", 100),
        ("city", 100),
        ("state", 100),
        ("state_abbr", 10),
        ("zip_code", 20),
        ("country", 100),
        ("country_code", 10),
        ("time_zone", 100),
        ("full_address", 300),
    ):
        fields[key] = _text(record, key, max_length, label=f"{label}{key}")
    return fields


def parse_credit_card(raw: Any, *, key: bytes, uid: uuid.UUID | None = None) -> dict:
    """Field values of a CreditCard: the number becomes last4 + fingerprint and is dropped."""
    record = _obj(raw, "credit_card" if uid is not None else "record")
    embedded = uid is not None
    number_key = "cc_number" if embedded else "credit_card_number"
    label = f"credit_card.{number_key}" if embedded else number_key
    number = record.get(number_key)
    if not isinstance(number, str):
        raise RecordError(f"{label}: missing or not a string")
    digits = re.sub(r"[\s-]", "", number)
    if not _CARD_DIGITS.match(digits):
        # Never echo the value: it may be a real card number.
        raise RecordError(f"{label}: not 12 to 19 digits")
    return {
        "uid": uid if uid is not None else _uid(record),
        "upstream_id": None if uid is not None else _upstream_id(record),
        "brand": _text(record, "credit_card_type", 50),
        "last4": digits[-4:],
        "expiry_date": _date(record, "credit_card_expiry_date"),
        "fingerprint": card_fingerprint(digits, key=key),
    }


def parse_user(raw: Any, *, key: bytes) -> tuple[dict, dict | None, dict | None]:
    """(user fields, embedded address fields or None, embedded card fields or None)."""
    record = _obj(raw, "record")
    uid = _uid(record)
    employment = _obj(record.get("employment") or {}, "employment")
    subscription = _obj(record.get("subscription") or {}, "subscription")
    email = _text(record, "email", 254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise RecordError("email: not an email address") from None
    avatar = _text(record, "avatar", 500)
    if avatar:
        parts = urlsplit(avatar)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in avatar:
            raise RecordError("avatar: not an http(s) URL")
    user = {
        "uid": uid,
        "upstream_id": _upstream_id(record),
        "first_name": _text(record, "first_name", 100),
        "last_name": _text(record, "last_name", 100),
        "username": _text(record, "username", 150),
        "email": email,
        "gender": _text(record, "gender", 50),
        "phone_number": _text(record, "phone_number", 50),
        "date_of_birth": _date(record, "date_of_birth"),
        "avatar": avatar,
        "employment_title": _text(employment, "title", 200, label="employment.title"),
        "employment_key_skill": _text(employment, "key_skill", 100, label="employment.key_skill"),
        "subscription_plan": _text(subscription, "plan", 50, label="subscription.plan"),
        "subscription_status": _text(subscription, "status", 50, label="subscription.status"),
        "subscription_payment_method": _text(
            subscription, "payment_method", 50, label="subscription.payment_method"
        ),
        "subscription_term": _text(subscription, "term", 50, label="subscription.term"),
    }
    address = record.get("address")
    if address is not None:
        address = parse_address(address, uid=embedded_uid(uid, "address"), label="address.")
    card = record.get("credit_card")
    if card is not None:
        card = parse_credit_card(card, key=key, uid=embedded_uid(uid, "credit_card"))
    return user, address, card
