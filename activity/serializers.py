"""Request parsing and the documented (OpenAPI) shapes of the activity endpoints.

The views build their bodies as plain dicts for speed; the serializers below describe
those bodies in the schema and parse the few inputs.
"""

from rest_framework import serializers

from activity.errors import SlackError
from activity.selectors import InvalidCursor, cursor_decode
from activity.timefmt import LEGACY, TIME_FORMAT_CHOICES
from core.constants import BULK_MAX_IDS

MAX_LIMIT = 1000
MAX_IDS = BULK_MAX_IDS


# --- input parsing (raises SlackError, rendered in the envelope) -----------------------------


def limit_parse(raw, *, default: int | None) -> int | None:
    """`limit`: a whole number 1..1000 (a string from a query/form, an int from JSON)."""
    if raw is None or raw == "":
        return default
    if isinstance(raw, str) and raw.isascii() and raw.isdigit():
        if len(raw.lstrip("0")) > len(
            str(MAX_LIMIT)
        ):  # out of range; int() of 4,301+ digits raises
            raise SlackError("invalid_limit", f"limit must be from 1 to {MAX_LIMIT}.")
        value = int(raw)
    elif isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    else:
        raise SlackError("invalid_limit", f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    if not 1 <= value <= MAX_LIMIT:
        raise SlackError("invalid_limit", f"limit must be from 1 to {MAX_LIMIT}, not {value}.")
    return value


def cursor_parse(raw) -> str | None:
    """`cursor`: a next_cursor we issued; empty means the first page."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise SlackError("invalid_cursor", "cursor must be a string from response_metadata.")
    try:
        return cursor_decode(cursor=raw)
    except InvalidCursor:
        raise SlackError(
            "invalid_cursor",
            "cursor is not one this API issued: pass response_metadata.next_cursor unchanged.",
        ) from None


def time_format_parse(raw) -> str:
    if raw is None or raw == "":
        return LEGACY
    if raw not in TIME_FORMAT_CHOICES:
        raise SlackError(
            "invalid_time_format",
            f"time_format must be one of: {', '.join(TIME_FORMAT_CHOICES)}.",
        )
    return raw


INCLUDE_OPEN_VALUES = {"true": True, "1": True, "false": False, "0": False}


def include_open_parse(raw) -> bool:
    """`include_open`: true/false (or 1/0); absent or empty is false."""
    if raw is None or raw == "":
        return False
    if raw not in INCLUDE_OPEN_VALUES:
        raise SlackError("invalid_include_open", "include_open must be true or false (or 1 or 0).")
    return INCLUDE_OPEN_VALUES[raw]


def id_list_parse(data) -> list[str]:
    """The `id_list` of a /api/loguseractivity/ body: 1..1000 strings."""
    if not isinstance(data, dict):
        raise SlackError(
            "invalid_body", 'The body must be a JSON object such as {"id_list": ["W012A3CDE"]}.'
        )
    if "id_list" not in data:
        raise SlackError("missing_id_list", "id_list is required: a list of member ids.")
    ids = data["id_list"]
    if not isinstance(ids, list):
        raise SlackError("invalid_id_list", "id_list must be a list of member ids.")
    if not ids:
        raise SlackError("empty_id_list", "id_list must contain at least one member id.")
    if len(ids) > MAX_IDS:
        raise SlackError(
            "too_many_ids", f"id_list may hold at most {MAX_IDS} ids; it has {len(ids)}."
        )
    bad = [position for position, value in enumerate(ids) if not isinstance(value, str)]
    if bad:
        raise SlackError(
            "invalid_id",
            f"id_list must contain strings only; item(s) at position {bad[:10]} are not.",
        )
    return ids


# --- documented shapes --------------------------------------------------------------------


class ActivityPeriodSerializer(serializers.Serializer):
    start_time = serializers.CharField(help_text='Local time, e.g. "Feb 1 2020  1:33PM".')
    end_time = serializers.CharField(
        allow_null=True,
        help_text='Local time, e.g. "Feb 1 2020 1:54PM"; null for a period still open '
        "(listed only with include_open=true).",
    )


class FeedMemberSerializer(serializers.Serializer):
    id = serializers.CharField()
    real_name = serializers.CharField(allow_blank=True)
    tz = serializers.CharField()
    activity_periods = ActivityPeriodSerializer(many=True)


class ResponseMetadataSerializer(serializers.Serializer):
    next_cursor = serializers.CharField(
        allow_blank=True, help_text="Pass as `cursor` for the next page; empty on the last page."
    )


class MembersFeedSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    members = FeedMemberSerializer(many=True)
    response_metadata = ResponseMetadataSerializer(
        required=False, help_text="Only when `limit` or `cursor` was given."
    )


class IdListSerializer(serializers.Serializer):
    id_list = serializers.ListField(child=serializers.CharField(), min_length=1, max_length=MAX_IDS)


class MemberLookupSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    members = FeedMemberSerializer(many=True)
    not_found = serializers.ListField(child=serializers.CharField(allow_blank=True))


class SlackErrorSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    error = serializers.CharField(help_text="Machine-readable code, e.g. invalid_limit.")
    detail = serializers.CharField(help_text="What was wrong, naming the field.")


class UsersNotFoundSerializer(SlackErrorSerializer):
    not_found = serializers.ListField(child=serializers.CharField(allow_blank=True))


class SlackProfileSerializer(serializers.Serializer):
    real_name = serializers.CharField(allow_blank=True)
    display_name = serializers.CharField()
    email = serializers.CharField(
        allow_blank=True,
        required=False,
        help_text="Only for staff callers, and in the caller's own entry.",
    )


class SlackUserSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    real_name = serializers.CharField(allow_blank=True)
    tz = serializers.CharField()
    tz_label = serializers.CharField()
    tz_offset = serializers.IntegerField(help_text="Seconds east of UTC, now.")
    deleted = serializers.BooleanField()
    is_admin = serializers.BooleanField()
    updated = serializers.IntegerField(help_text="Unix time.")
    profile = SlackProfileSerializer()


class UsersListSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    members = SlackUserSerializer(many=True)
    cache_ts = serializers.IntegerField()
    response_metadata = ResponseMetadataSerializer()


class UsersListRequestSerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, required=False)
    cursor = serializers.CharField(required=False, allow_blank=True)
