"""Validation of upstream records before they reach the database, with DRF serializers.

One serializer per upstream shape (a user, an address, a credit card, and the address and card
embedded in a user record). Each turns one decoded JSON record into model field values, or
fails with a reason that names the field (`email: not an email address`,
`address.coordinates.lat: outside ±90`). Fields the upstream adds are ignored. Secrets never
leave this module: the user's `password` and `social_insurance_number` are not declared, so
they are never read, and a card number is reduced to its last four digits and a keyed
fingerprint here.

`parse_page` validates a whole page with one serializer per kind, built once: a serializer
instance deep-copies its field tree when it is created, so a fresh one per record would cost
more than the validation itself. Like `ListSerializer`, it runs the one instance's
`run_validation` on every item, but keeps the valid items when another one fails.
"""

import hashlib
import hmac
import re
import uuid
from collections.abc import Callable, Mapping
from functools import cached_property, lru_cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models
from rest_framework import serializers
from rest_framework.fields import SkipField, empty, get_error_detail
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import ISO_8601, api_settings
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from core.constants import MAX_DB_ID
from core.exceptions import InvalidInput
from randomdata.models import Address, CreditCard, IngestionKind, RandomUser

# Embedded addresses and cards have no uid of their own: derive a stable one from the user's.
EMBEDDED_NAMESPACE = uuid.UUID("5f0c7b1e-3d2a-4c59-9a7e-2b8f4d6e1a30")
_EMBEDDED_NAMESPACE_BYTES = EMBEDDED_NAMESPACE.bytes
_CARD_SEPARATORS = re.compile(r"[\s-]")
_CARD_DIGITS = re.compile(r"^[0-9]{12,19}$")
_SUSPECT = re.compile("[\x00\ud800-\udfff]")


def _clean(text: str) -> bool:
    """No NUL and no surrogate (`isascii` is O(1) in CPython, and ASCII has no surrogates)."""
    return "\x00" not in text if text.isascii() else not _SUSPECT.search(text)


class RecordError(InvalidInput):
    """A record that cannot be stored: the message is the reason, `field: why`; `attr` is the
    field (dotted for nested objects, `record` for the record as a whole)."""

    default_code = "invalid_record"


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
    digits = _CARD_SEPARATORS.sub("", number)
    return hmac.digest(key, digits.encode(), "sha256").hex()


def embedded_uid(user_uid: uuid.UUID | str, what: str) -> uuid.UUID:
    """`uuid.uuid5(EMBEDDED_NAMESPACE, f"{user_uid}:{what}")`, in half its time (it runs twice
    for every user record): the namespace's bytes are taken once, not on every call."""
    name = f"{user_uid}:{what}".encode()
    digest = hashlib.sha1(_EMBEDDED_NAMESPACE_BYTES + name, usedforsecurity=False).digest()
    return uuid.UUID(bytes=digest[:16], version=5)


# --- Fields: JSON from upstream is held to its types, where DRF would coerce -----------------

_NOT_AN_OBJECT = "expected an object, got {datatype}"


def _max_length(model: type[models.Model], name: str) -> int:
    return model._meta.get_field(name).max_length


class _Optional:
    """Absent or null is the field's default ("" for text, else None); anything else is
    converted and validated. This is DRF's `run_validation` without the branches upstream JSON
    never takes (read-only, partial updates): it runs for some forty values of every record."""

    blank: tuple = (None, empty)

    def run_validation(self, data=empty):
        if data in self.blank:
            return self.default
        value = self.to_internal_value(data)
        self.run_validators(value)
        return value


class _InRange:
    """`min_value <= value <= max_value` in one comparison; DRF's validators run (for their
    messages) only when it fails."""

    def run_validators(self, value) -> None:
        if not self.min_value <= value <= self.max_value:
            super().run_validators(value)


class UpstreamText(_Optional, serializers.CharField):
    """Text for the column `name` of `model`, within its max_length: absent or null is "",
    numbers become text, surrounding whitespace goes. The value goes to that column unless
    `source` says otherwise."""

    default_error_messages = {
        "invalid": "not a string",
        "max_length": "longer than {max_length} characters",
    }

    def __init__(self, model: type[models.Model], name: str, **kwargs):
        self.column = name
        super().__init__(
            max_length=_max_length(model, name), allow_blank=True, default="", **kwargs
        )
        self.validators = [
            ProhibitNullCharactersValidator(message="contains a NUL character")
            if isinstance(validator, ProhibitNullCharactersValidator)
            else validator
            for validator in self.validators
        ]

    def bind(self, field_name: str, parent) -> None:
        if self.source is None and field_name != self.column:
            self.source = self.column
        super().bind(field_name, parent)

    def run_validation(self, data=empty):
        # Most values are short plain strings: checked here in one call (`bench ingest`).
        if type(data) is str and self.plain:
            value = data.strip()
            if len(value) <= self.max_length and _clean(value):
                return value
        return super().run_validation(data)

    def run_validators(self, value: str) -> None:
        # The common case in one C-level scan: text within the length, without NUL and without
        # surrogates passes DRF's own text validators (which loop in Python), so only the
        # format ones (email, URL) are left to run; otherwise all run, for their messages.
        if len(value) > self.max_length or not _clean(value):
            super().run_validators(value)
            return
        for validator in self.format_validators:
            try:
                validator(value)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(get_error_detail(exc)) from None

    @cached_property
    def plain(self) -> bool:
        """Only the text validators (no email or URL format to check)."""
        return not self.format_validators

    @cached_property
    def format_validators(self) -> list:
        text = (
            MaxLengthValidator,
            ProhibitNullCharactersValidator,
            ProhibitSurrogateCharactersValidator,
        )
        return [validator for validator in self.validators if not isinstance(validator, text)]


class UpstreamEmail(UpstreamText, serializers.EmailField):
    default_error_messages = {"invalid": "not an email address"}


def validate_http_url(value: str) -> None:
    """An absolute http(s) URL: scheme, host, no spaces. Not Django's URLValidator, whose
    regex took a third of all record validation (`bench ingest`); the upstream's avatars are
    plain robohash.org URLs, and the API and admin only ever show them as text."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise DjangoValidationError("not an http(s) URL", code="invalid")


class UpstreamURL(UpstreamText):
    """An http(s) URL."""

    def __init__(self, model: type[models.Model], name: str, **kwargs):
        super().__init__(model, name, validators=[validate_http_url], **kwargs)


class UpstreamUid(serializers.UUIDField):
    """The record's `uid`: required, a string, a UUID."""

    default_error_messages = {
        "required": "missing or not a string",
        "null": "missing or not a string",
        "invalid": "not a UUID: {value!r:.64}",
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("required")
        return super().to_internal_value(data)


class UpstreamId(_Optional, _InRange, serializers.IntegerField):
    """The record's `id`: absent, null, or a JSON integer (not a string) that fits a bigint."""

    default_error_messages = dict.fromkeys(
        ("invalid", "min_value", "max_value"), "not a non-negative integer"
    )

    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=MAX_DB_ID, allow_null=True, default=None, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return data


class UpstreamDate(_Optional, serializers.DateField):
    """An ISO date (`1980-01-31`); absent, null or "" is None."""

    default_error_messages = {"invalid": "not an ISO date", "datetime": "not an ISO date"}
    blank = (None, empty, "")

    def __init__(self, **kwargs):
        super().__init__(input_formats=[ISO_8601], allow_null=True, default=None, **kwargs)


class Coordinate(_Optional, _InRange, serializers.FloatField):
    """Degrees within ±limit: a JSON number (not a string, not NaN); absent or null is None."""

    def __init__(self, *, limit: float, **kwargs):
        outside = f"outside ±{limit:g}"
        kwargs["error_messages"] = {
            "invalid": "not a number",
            "min_value": outside,
            "max_value": outside,
        }
        super().__init__(min_value=-limit, max_value=limit, allow_null=True, default=None, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        value = float(data)
        if value != value:  # NaN: no comparison with the bounds fails it
            self.fail("max_value")
        return value


class CardNumber(serializers.Field):
    """A card number: 12 to 19 digits, spaces and dashes allowed. Errors never echo it."""

    default_error_messages = {
        "required": "missing or not a string",
        "null": "missing or not a string",
        "invalid": "missing or not a string",
        "digits": "not 12 to 19 digits",
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        digits = _CARD_SEPARATORS.sub("", data)
        if not _CARD_DIGITS.match(digits):
            self.fail("digits")
        return digits


# --- Serializers: one per upstream shape ------------------------------------------------------


class _Object(serializers.Serializer):
    default_error_messages = {"invalid": _NOT_AN_OBJECT}

    # DRF's Serializer.to_internal_value loop, less what JSON records never need: HTML form
    # input (`get_value`), `validate_<field>` hooks, nested sources; an absent field with a
    # default takes it without a call. The loop costs as much as the validation itself on
    # 10,000 records (`bench ingest`); the fields still do all of the validating.
    @cached_property
    def _plan(self) -> list[tuple[str, Callable, str | None, Any]]:
        plan = []
        for field in self.fields.values():
            assert len(field.source_attrs) <= 1, "nested sources are not supported here"
            target = field.source_attrs[0] if field.source_attrs else None
            assert target is not None or field.default is empty, "a default needs a source"
            plan.append((field.field_name, field.run_validation, target, field.default))
        assert not self.validators, "object-level validators are not run here"
        return plan

    def run_validation(self, data=empty):
        # DRF's Serializer.run_validation, less the object-level validators (there are none).
        is_empty, data = self.validate_empty_values(data)
        if is_empty:
            return data
        value = self.to_internal_value(data)
        try:
            return self.validate(value)
        except (serializers.ValidationError, DjangoValidationError) as exc:
            raise serializers.ValidationError(detail=as_serializer_error(exc)) from None

    def to_internal_value(self, data) -> dict:
        if type(data) is not dict and not isinstance(data, Mapping):
            return super().to_internal_value(data)  # its "expected an object" error
        values, errors = {}, {}
        for name, run_validation, target, default in self._plan:
            raw = data.get(name, empty)
            if raw is empty and default is not empty:
                values[target] = default
                continue
            try:
                value = run_validation(raw)
            except serializers.ValidationError as exc:
                errors[name] = exc.detail
            except DjangoValidationError as exc:
                errors[name] = get_error_detail(exc)
            except SkipField:
                pass
            else:
                if target is None:  # source="*": the nested object's fields join ours
                    values.update(value)
                else:
                    values[target] = value
        if errors:
            raise serializers.ValidationError(errors)
        return values


class _Embedded(_Object):
    """An object inside a record; absent or null is the same as an empty one."""

    def run_validation(self, data=empty):
        return super().run_validation({} if data is None or data is empty else data)


class EmploymentSerializer(_Embedded):
    title = UpstreamText(RandomUser, "employment_title")
    key_skill = UpstreamText(RandomUser, "employment_key_skill")


class SubscriptionSerializer(_Embedded):
    plan = UpstreamText(RandomUser, "subscription_plan")
    status = UpstreamText(RandomUser, "subscription_status")
    payment_method = UpstreamText(RandomUser, "subscription_payment_method")
    term = UpstreamText(RandomUser, "subscription_term")


class CoordinatesSerializer(_Embedded):
    lat = Coordinate(limit=90, source="latitude")
    lng = Coordinate(limit=180, source="longitude")


class _AddressFields(_Object):
    street_name = UpstreamText(Address, "street_name")
    street_address = UpstreamText(Address, "street_address")
    building_number = UpstreamText(Address, "building_number")
    secondary_address = UpstreamText(Address, "secondary_address")
    city = UpstreamText(Address, "city")
    state = UpstreamText(Address, "state")
    state_abbr = UpstreamText(Address, "state_abbr")
    zip_code = UpstreamText(Address, "zip_code")
    country = UpstreamText(Address, "country")
    country_code = UpstreamText(Address, "country_code")
    time_zone = UpstreamText(Address, "time_zone")
    full_address = UpstreamText(Address, "full_address")


class AddressRecordSerializer(_AddressFields):
    """A record of /addresses."""

    uid = UpstreamUid()
    id = UpstreamId(source="upstream_id")
    latitude = Coordinate(limit=90)
    longitude = Coordinate(limit=180)


class EmbeddedAddressSerializer(_AddressFields):
    """A user record's `address`: no uid or id of its own, coordinates as `{lat, lng}`."""

    coordinates = CoordinatesSerializer(source="*")


class _CardFields(_Object):
    credit_card_type = UpstreamText(CreditCard, "brand")
    credit_card_expiry_date = UpstreamDate(source="expiry_date")

    def validate(self, attrs: dict) -> dict:
        # The full number goes no further than this: last four digits and a keyed fingerprint.
        digits = attrs.pop("number")
        attrs["last4"] = digits[-4:]
        attrs["fingerprint"] = card_fingerprint(digits, key=self.context["key"])
        return attrs


class CreditCardRecordSerializer(_CardFields):
    """A record of /credit_cards."""

    uid = UpstreamUid()
    id = UpstreamId(source="upstream_id")
    credit_card_number = CardNumber(source="number")


class EmbeddedCreditCardSerializer(_CardFields):
    """A user record's `credit_card`: just `cc_number`."""

    cc_number = CardNumber(source="number")


class UserRecordSerializer(_Object):
    """A record of /users, with its embedded `address` and `credit_card`."""

    uid = UpstreamUid()
    employment = EmploymentSerializer(source="*")
    subscription = SubscriptionSerializer(source="*")
    email = UpstreamEmail(RandomUser, "email")
    avatar = UpstreamURL(RandomUser, "avatar")
    id = UpstreamId(source="upstream_id")
    first_name = UpstreamText(RandomUser, "first_name")
    last_name = UpstreamText(RandomUser, "last_name")
    username = UpstreamText(RandomUser, "username")
    gender = UpstreamText(RandomUser, "gender")
    phone_number = UpstreamText(RandomUser, "phone_number")
    date_of_birth = UpstreamDate()
    address = EmbeddedAddressSerializer(required=False, allow_null=True)
    credit_card = EmbeddedCreditCardSerializer(required=False, allow_null=True)

    def validate(self, attrs: dict) -> dict:
        user_uid = str(attrs["uid"])
        for name in ("address", "credit_card"):
            if attrs.get(name) is not None:
                attrs[name]["uid"] = embedded_uid(user_uid, name)
                attrs[name]["upstream_id"] = None
        return attrs


SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    IngestionKind.USERS: UserRecordSerializer,
    IngestionKind.ADDRESSES: AddressRecordSerializer,
    IngestionKind.CREDIT_CARDS: CreditCardRecordSerializer,
}


@lru_cache(maxsize=8)
def _serializer(kind: str, key: bytes | None) -> serializers.Serializer:
    """The serializer of `kind`, built once (fields bound) and reused for every record."""
    serializer = SERIALIZERS[kind](context={"key": key})
    serializer.fields  # noqa: B018 -- bind the field tree now, not during the first record
    return serializer


def _first_error(detail: Any) -> tuple[str, str]:
    """The first error of a DRF error tree: (dotted path of the field, message)."""
    path = []
    while not isinstance(detail, str):
        if isinstance(detail, dict):
            name, detail = next(iter(detail.items()))
            if name != api_settings.NON_FIELD_ERRORS_KEY:
                path.append(str(name))
        else:
            detail = detail[0]
    return ".".join(path) or "record", str(detail)


def _record_error(exc: serializers.ValidationError) -> RecordError:
    attr, message = _first_error(exc.detail)
    return RecordError(f"{attr}: {message}", attr=attr)


def _validate(kind: str, raw: Any, key: bytes | None) -> dict:
    try:
        return _serializer(kind, key).run_validation(raw)
    except serializers.ValidationError as exc:
        raise _record_error(exc) from None


def _split_user(fields: dict) -> tuple[dict, dict | None, dict | None]:
    return fields, fields.pop("address", None), fields.pop("credit_card", None)


def parse_user(raw: Any, *, key: bytes) -> tuple[dict, dict | None, dict | None]:
    """(user fields, embedded address fields or None, embedded card fields or None)."""
    return _split_user(_validate(IngestionKind.USERS, raw, key))


def parse_address(raw: Any) -> dict:
    """Field values of an Address from a record of /addresses."""
    return _validate(IngestionKind.ADDRESSES, raw, None)


def parse_credit_card(raw: Any, *, key: bytes) -> dict:
    """Field values of a CreditCard: the number becomes last4 + fingerprint and is dropped."""
    return _validate(IngestionKind.CREDIT_CARDS, raw, key)


def parse_page(kind: str, page: list, *, key: bytes | None) -> tuple[list, list[dict]]:
    """The valid rows of one page (later duplicates of a uid dropped) and why the others were
    skipped (`{"index", "uid", "reason"}`). A user row is (user, address, card)."""
    serializer = _serializer(kind, key)
    rows, skips, seen = [], [], set()
    for index, raw in enumerate(page):
        try:
            fields = serializer.run_validation(raw)
        except serializers.ValidationError as exc:
            reason = str(_record_error(exc))
        else:
            if fields["uid"] not in seen:
                seen.add(fields["uid"])
                rows.append(_split_user(fields) if kind == IngestionKind.USERS else fields)
                continue
            reason = "uid: duplicate within one response"
        uid = raw.get("uid") if isinstance(raw, dict) else None
        skips.append({"index": index, "uid": str(uid)[:64] if uid else None, "reason": reason})
    return rows, skips
