"""Validators shared by every app (models, serializers and services use the same ones)."""

import unicodedata

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
