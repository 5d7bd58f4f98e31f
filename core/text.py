"""Checks on text that arrives from outside (request bodies, webhooks)."""

from collections.abc import Iterator


def _is_lone_surrogate(ch: str) -> bool:
    return "\ud800" <= ch <= "\udfff"


def _paths(value, path: str) -> Iterator[str]:
    if isinstance(value, str):
        if any(_is_lone_surrogate(ch) for ch in value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and any(_is_lone_surrogate(ch) for ch in key):
                yield path or "non_field_errors"
            else:
                yield from _paths(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, f"{path}.{index}" if path else str(index))


def lone_surrogate_path(data) -> str | None:
    """Where parsed JSON holds a lone UTF-16 surrogate (`"\\ud800"`), e.g. `data.username`.

    JSON allows the escape, Python keeps it in the string, and it cannot be encoded to
    UTF-8: stored or echoed in an error, it fails far from the request. None when clean.
    """
    if isinstance(data, str):
        return "non_field_errors" if any(_is_lone_surrogate(ch) for ch in data) else None
    return next(_paths(data, ""), None)
