"""Validators shared by every app (models, serializers and services use the same ones)."""

import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible


def _control_characters(value: str) -> list[str]:
    # Unicode category C*: controls (newline, tab, NUL, ...), format characters (bidi
    # overrides), surrogates, private use and unassigned code points.
    return [ch for ch in value if unicodedata.category(ch).startswith("C")]


@deconstructible
class SingleLineTextValidator:
    """Single-line text (names, SKUs, usernames, phones): no control characters.

    A newline in a name forges lines in plain-text reports (the stock list), and invisible
    format characters make two names that look alike.
    """

    message = "Must be a single line of text without control characters (found %(found)s)."
    code = "invalid_text"

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        found = _control_characters(value)
        if found:
            shown = ", ".join(sorted({f"U+{ord(ch):04X}" for ch in found}))
            raise ValidationError(self.message, code=self.code, params={"found": shown})

    def __eq__(self, other) -> bool:
        return isinstance(other, SingleLineTextValidator)

    def __hash__(self) -> int:
        return hash(type(self))


validate_single_line = SingleLineTextValidator()


# Dates people type: before 1900 or from 2200 on, a date is a typo ("0001-01-01", "9999-12-31").
PLAUSIBLE_DATE_MIN = date(1900, 1, 1)
PLAUSIBLE_DATE_MAX = date(2200, 1, 1)  # exclusive


def validate_plausible_date(value) -> None:
    """A date from 1900-01-01 up to 2200-01-01 (exclusive); code `out_of_range`."""
    if isinstance(value, date) and not PLAUSIBLE_DATE_MIN <= value < PLAUSIBLE_DATE_MAX:
        raise ValidationError(
            "Must be from 1900-01-01 up to 2200-01-01 (exclusive).", code="out_of_range"
        )
