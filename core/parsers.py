"""Request parsers shared by every API view (settings name the JSON one by dotted path)."""

from rest_framework import exceptions, parsers

from core.text import lone_surrogate_path


class InvalidText(exceptions.ValidationError):
    """Text that cannot be stored or shown (a lone surrogate); 400 `invalid_text`."""

    default_code = "invalid_text"


def reject_lone_surrogates(data):
    """Raise InvalidText naming the field when parsed JSON holds a lone surrogate."""
    path = lone_surrogate_path(data)
    if path is not None:
        raise InvalidText(
            {path: ["Contains a lone UTF-16 surrogate (e.g. \\ud800), which is not text."]},
            code="invalid_text",
        )
    return data


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser that refuses lone surrogates at parsing (400, not a 500 later)."""

    def parse(self, stream, media_type=None, parser_context=None):
        return reject_lone_surrogates(super().parse(stream, media_type, parser_context))
