"""The legacy FullThrottle endpoints and the Slack-compatible users.list.

Thin: parse the query/body, call a selector, wrap the result in the Slack-style envelope.
"""

import time

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from rest_framework.parsers import FormParser
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from activity import selectors
from activity.errors import SlackEnvelopeMixin, SlackError
from activity.serializers import (
    MAX_LIMIT,
    IdListSerializer,
    MemberLookupSerializer,
    MembersFeedSerializer,
    SlackErrorSerializer,
    UsersListRequestSerializer,
    UsersListSerializer,
    UsersNotFoundSerializer,
    cursor_parse,
    id_list_parse,
    include_open_parse,
    limit_parse,
    time_format_parse,
)
from activity.timefmt import TIME_FORMAT_CHOICES
from core.parsers import JSONParser

USERS_LIST_DEFAULT_LIMIT = 200


class MembersFeedPermission(BasePermission):
    """Authenticated callers; anybody when MEMBERS_FEED_PUBLIC is on (read per request)."""

    def has_permission(self, request, view):
        if settings.MEMBERS_FEED_PUBLIC:
            return True
        return bool(request.user and request.user.is_authenticated)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(SlackErrorSerializer, description=description)


_COMMON_ERRORS = {
    400: _error(
        "Bad parameter: invalid_limit, invalid_cursor, invalid_time_format, "
        "invalid_include_open, ..."
    ),
    401: _error("not_authed (no credentials) or invalid_auth (bad or expired token)."),
    403: _error("access_denied (e.g. a session request without its CSRF token)."),
    429: _error("ratelimited; the Retry-After header says how many seconds to wait."),
}
_TIME_FORMAT = OpenApiParameter(
    "time_format",
    OpenApiTypes.STR,
    enum=list(TIME_FORMAT_CHOICES),
    description='`legacy` (default): "Feb 1 2020  1:33PM"; `iso8601`: with the UTC offset.',
)
_INCLUDE_OPEN = OpenApiParameter(
    "include_open",
    OpenApiTypes.BOOL,
    description="`true`: also the periods still open (a member logged in now), with "
    "`end_time` null. Default `false`: closed periods only.",
)
_LIMIT_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}
_LIMIT = OpenApiParameter(
    "limit", _LIMIT_SCHEMA, description=f"Page size, 1 to {MAX_LIMIT} (default 200)."
)
_CURSOR = OpenApiParameter(
    "cursor", OpenApiTypes.STR, description="`response_metadata.next_cursor` of the last page."
)


class SlackEnvelopeSchema(StandardizedErrorsAutoSchema):
    """No drf-standardized-errors examples: these operations answer in the Slack envelope."""

    def _get_error_response_examples(self):
        return []


def envelope_schema(**kwargs):
    """`extend_schema` on top of SlackEnvelopeSchema instead of the project default."""

    def decorator(view_method):
        view_method.schema = SlackEnvelopeSchema
        return extend_schema(**kwargs)(view_method)

    return decorator


class SlackStyleAPIView(SlackEnvelopeMixin, APIView):
    renderer_classes = [JSONRenderer]


class MembersFeedView(SlackStyleAPIView):
    """The FullThrottle members feed: every member with their activity periods."""

    permission_classes = [MembersFeedPermission]

    @envelope_schema(
        operation_id="activity_record_members",
        tags=["activity"],
        parameters=[
            _TIME_FORMAT,
            OpenApiParameter(
                "limit",
                _LIMIT_SCHEMA,
                description=f"Page size, 1 to {MAX_LIMIT}. Without it the whole feed.",
            ),
            _CURSOR,
            _INCLUDE_OPEN,
        ],
        responses={200: MembersFeedSerializer, **_COMMON_ERRORS},
    )
    def get(self, request):
        params = request.query_params
        time_format = time_format_parse(params.get("time_format"))
        limit = limit_parse(params.get("limit"), default=None)
        after = cursor_parse(params.get("cursor"))
        include_open = include_open_parse(params.get("include_open"))
        page = selectors.member_feed(
            time_format=time_format, limit=limit, after=after, include_open=include_open
        )
        body = {"ok": True, "members": page.members}
        if "limit" in params or "cursor" in params:
            body["response_metadata"] = {"next_cursor": page.next_cursor}
        return Response(body)


class MemberActivityLookupView(SlackStyleAPIView):
    """Feed entries for the given member ids, and the ids that are not members."""

    permission_classes = [MembersFeedPermission]
    parser_classes = [JSONParser]

    @envelope_schema(
        operation_id="loguseractivity",
        tags=["activity"],
        parameters=[_TIME_FORMAT, _INCLUDE_OPEN],
        request=IdListSerializer,
        responses={
            200: MemberLookupSerializer,
            **_COMMON_ERRORS,
            400: _error(
                "invalid_json, invalid_body, missing_id_list, invalid_id_list, empty_id_list, "
                "too_many_ids, invalid_id, invalid_time_format or invalid_include_open."
            ),
            404: OpenApiResponse(
                UsersNotFoundSerializer, description="users_not_found: none of the ids is a member."
            ),
            415: _error("unsupported_media_type: send application/json."),
        },
    )
    def post(self, request):
        ids = id_list_parse(request.data)
        time_format = time_format_parse(request.query_params.get("time_format"))
        include_open = include_open_parse(request.query_params.get("include_open"))
        page = selectors.member_feed_for_ids(
            ids=ids, time_format=time_format, include_open=include_open
        )
        if not page.members:
            raise SlackError(
                "users_not_found",
                "None of the ids in id_list is a member.",
                status_code=404,
                extra={"not_found": page.not_found},
            )
        return Response({"ok": True, "members": page.members, "not_found": page.not_found})


class UsersListView(SlackStyleAPIView):
    """Slack Web API `users.list`: members, cursor-paginated, readable by slack_sdk."""

    parser_classes = [JSONParser, FormParser]

    def _list(self, request, limit_raw, cursor_raw) -> Response:
        limit = limit_parse(limit_raw, default=USERS_LIST_DEFAULT_LIMIT)
        after = cursor_parse(cursor_raw)
        page = selectors.member_directory(viewer=request.user, limit=limit, after=after)
        return Response(
            {
                "ok": True,
                "members": page.members,
                "cache_ts": int(time.time()),
                "response_metadata": {"next_cursor": page.next_cursor},
            }
        )

    @envelope_schema(
        operation_id="users_list",
        tags=["activity"],
        parameters=[_LIMIT, _CURSOR],
        responses={200: UsersListSerializer, **_COMMON_ERRORS},
    )
    def get(self, request):
        return self._list(
            request, request.query_params.get("limit"), request.query_params.get("cursor")
        )

    @envelope_schema(
        operation_id="users_list_post",
        tags=["activity"],
        request=UsersListRequestSerializer,
        responses={
            200: UsersListSerializer,
            **_COMMON_ERRORS,
            415: _error("unsupported_media_type: send a form or JSON."),
        },
    )
    def post(self, request):
        data = request.data
        if not hasattr(data, "get"):
            raise SlackError("invalid_arguments", "The body must be a JSON object or a form.")
        params = request.query_params
        return self._list(
            request,
            data.get("limit", params.get("limit")),
            data.get("cursor", params.get("cursor")),
        )
