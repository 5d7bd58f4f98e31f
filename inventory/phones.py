"""Customer phone numbers: the one rule (`phone_normalize`) and the model field that applies it.

A number django-phonenumber-field (libphonenumber) accepts is stored as E.164; a number
without `+country` is read in PHONENUMBER_DEFAULT_REGION. Otherwise a plausible international
number is kept as `+` and its digits: Disecto stored what its clients sent, and documented
`"+9999999999"`, which libphonenumber refuses (no country has code 999).
"""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from phonenumber_field.phonenumber import to_python

from core.validators import validate_single_line

# What a client may send; what is stored is at most "+" and 15 digits.
PHONE_INPUT_MAX_LENGTH = 40
PHONE_STORED_MAX_LENGTH = 20
# Spaces, dots, dashes and brackets are layout; what is left must be "+" and 7-15 digits.
_LAYOUT = re.compile(r"[ .\-()\[\]]")
# No country calling code starts with 0.
_INTERNATIONAL = re.compile(r"\+[1-9][0-9]{6,14}")


def phone_normalize(raw: str, *, region: str | None = None) -> str:
    """`raw` as stored: E.164 when libphonenumber accepts it, else "+" and its 7-15 digits.
    ValidationError (code `invalid_text` or `invalid`, quoting the input) otherwise."""
    validate_single_line(raw)
    number = to_python(raw, region=region or settings.PHONENUMBER_DEFAULT_REGION)
    if number.is_valid():
        if number.extension:
            # E.164 has no extension: storing the number alone would drop part of what was sent.
            raise ValidationError(
                f"{raw!r} has an extension ({number.extension}), which is not stored: "
                "send the number without it.",
                code="invalid",
            )
        return number.as_e164
    compact = _LAYOUT.sub("", raw)
    if _INTERNATIONAL.fullmatch(compact):
        return compact
    if number.national_number:
        raise ValidationError(f"{raw!r} is not a valid phone number.", code="invalid")
    raise ValidationError(f"{raw!r} is not a phone number.", code="invalid")


class PhoneField(models.CharField):
    """Text normalised by `phone_normalize` whenever the model is validated (`full_clean`),
    which every service and the admin's forms do: what is saved is the stored form."""

    description = "Phone number (E.164, or + and 7-15 digits)"

    def clean(self, value, model_instance):
        if isinstance(value, str) and value:
            value = phone_normalize(value)
        return super().clean(value, model_instance)

    def formfield(self, **kwargs):
        # The form takes the number as typed ("098765 43210", "+91 (80) 4123-4567"): longer
        # than what is stored.
        return super().formfield(
            **{"max_length": PHONE_INPUT_MAX_LENGTH, "widget": forms.TextInput, **kwargs}
        )
