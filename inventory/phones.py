"""Customer phone numbers: parsed with the phonenumbers library, stored as E.164."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError


def phone_normalize(*, raw: str) -> str:
    """Return `raw` as E.164 (+4915112345678); ValidationError when it is not a valid number."""
    try:
        number = phonenumbers.parse(raw, settings.INVENTORY_PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(f"{raw!r} is not a phone number.", code="invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(f"{raw!r} is not a valid phone number.", code="invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_e164(value: str) -> None:
    if phone_normalize(raw=value) != value:
        raise ValidationError("Store phone numbers in E.164 form (+4915112345678).", code="invalid")
