from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import exceptions, generics, mixins, permissions, renderers
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from carbon import selectors, services
from carbon.chart import chart_context, summary_svg
from carbon.filters import UsageFilter
from carbon.models import Usage
from carbon.serializers import (
    BulkDeleteSerializer,
    SummaryQuerySerializer,
    SummarySerializer,
    UsageSerializer,
    UsageTypeSerializer,
)
from core.parsers import JSONParser
from core.permissions import IsStaffOrReadOnly
from core.serializers import BulkDeleteResultSerializer, ConflictErrorResponseSerializer

USAGE_ORDERING = ["usage_at", "amount", "co2e_kg", "created_at"]


@extend_schema_view(
    destroy=extend_schema(responses={204: None, 409: ConflictErrorResponseSerializer})
)
class UsageTypeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    GenericViewSet,
):
    """Usage types and their emission factors. Anyone signed in reads; staff write."""

    serializer_class = UsageTypeSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffOrReadOnly]
    ordering_fields = ["id", "name", "unit", "factor"]
    ordering = ["id"]
    search_fields = ["name", "unit"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.usage_type_list()

    def perform_create(self, serializer):
        serializer.instance = services.usage_type_create(**serializer.validated_data)

    def perform_update(self, serializer):
        services.usage_type_update(usage_type=serializer.instance, data=serializer.validated_data)

    def perform_destroy(self, instance):
        services.usage_type_delete(usage_type=instance)


class UsageListMixin:
    """Filters, ordering and pagination shared by /usages/ and /users/<id>/usages/."""

    serializer_class = UsageSerializer
    filterset_class = UsageFilter
    ordering_fields = USAGE_ORDERING
    ordering = ["-usage_at", "-id"]
    filter_backends = [
        backend
        for backend in api_settings.DEFAULT_FILTER_BACKENDS
        if not issubclass(backend, SearchFilter)
    ]


# Usage dates lie between 1900 and 2200 (carbon.models.validate_usage_at), in bodies and filters.
_RANGE_ERRORS = [
    extend_validation_errors(["out_of_range"], field_name=name, methods=["get"])
    for name in ("usage_at_after", "usage_at_before", "usage_at_start_date", "usage_at_end_date")
]


def _range_errors(view):
    for decorate in _RANGE_ERRORS:
        view = decorate(view)
    return view


@_range_errors
@extend_validation_errors(
    ["out_of_range"], field_name="usage_at", actions=["create", "update", "partial_update"]
)
@extend_validation_errors(["not_found", "invalid"], field_name="ids", actions=["bulk_delete"])
class UsageViewSet(
    UsageListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    GenericViewSet,
):
    """Usages. Members see and change their own; staff see everyone's and may act for others."""

    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Usage.objects.none()
        return selectors.usage_list(viewer=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        owner = data.get("user") if self.request.user.is_staff else None
        serializer.instance = services.usage_create(
            user=owner or self.request.user,
            usage_type=data["usage_type"],
            usage_at=data["usage_at"],
            amount=data["amount"],
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if not self.request.user.is_staff:
            data.pop("user", None)
        services.usage_update(usage=serializer.instance, data=data)

    def perform_destroy(self, instance):
        services.usage_delete(usage=instance)

    @extend_schema(request=BulkDeleteSerializer, responses={200: BulkDeleteResultSerializer})
    @action(
        detail=False,
        methods=["post"],
        url_path="bulk-delete",
        filterset_class=None,
        parser_classes=[JSONParser],  # a list of ids; form encodings hit Django's field cap
        pagination_class=None,
    )
    def bulk_delete(self, request):
        """Delete several of your usages at once: all of them or, if any id is not yours, none."""
        serializer = BulkDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deleted = services.usages_bulk_delete(
            queryset=self.get_queryset(), ids=serializer.validated_data["ids"]
        )
        return Response(BulkDeleteResultSerializer({"deleted": deleted}).data)


@_range_errors
class UserUsageListView(UsageListMixin, generics.ListAPIView):
    """One member's usages (yourself, or anyone for staff), with the /usages/ filters."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Usage.objects.none()
        queryset = selectors.usage_list_for_user(
            viewer=self.request.user, user_id=self.kwargs["user_id"]
        )
        if queryset is None:
            raise exceptions.NotFound("No such member.")
        return queryset


def _summary_for(request) -> selectors.Summary:
    query = SummaryQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    params = query.validated_data
    queryset = selectors.usage_list(viewer=request.user)
    if "usage_type" in params:
        queryset = queryset.filter(usage_type_id=params["usage_type"])
    if "user" in params:
        queryset = queryset.filter(user_id=params["user"])
    return selectors.usage_summary(
        queryset=queryset,
        group_by=params["group_by"],
        tz=params.get("tz") or request.user.tz,
        usage_at_after=params["usage_at_after"],
        usage_at_before=params["usage_at_before"],
    )


SUMMARY_ERRORS = [
    ("group_by", ["invalid_choice"]),
    ("usage_at_after", ["invalid", "naive", "overflow", "out_of_range"]),
    (
        "usage_at_before",
        ["invalid", "naive", "overflow", "out_of_range", "range_empty", "range_too_long"],
    ),
    ("tz", ["invalid_time_zone", "max_length", "blank", "null_characters_not_allowed"]),
    ("usage_type", ["invalid", "min_value", "max_value", "max_string_length"]),
    ("user", ["max_length", "blank", "null_characters_not_allowed"]),
]


def _summary_validation_errors(view):
    for field_name, codes in SUMMARY_ERRORS:
        view = extend_validation_errors(codes, field_name=field_name, methods=["get"])(view)
    return view


@_summary_validation_errors
class UsageSummaryView(APIView):
    """Totals per day, week or month (cut in `tz`) or per usage type, computed in the database."""

    @extend_schema(parameters=[SummaryQuerySerializer], responses={200: SummarySerializer})
    def get(self, request):
        return Response(SummarySerializer(_summary_for(request)).data)


class SVGRenderer(renderers.BaseRenderer):
    media_type = "image/svg+xml"
    format = "svg"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data.encode(self.charset) if isinstance(data, str) else data


class AlwaysFirstRenderer(BaseContentNegotiation):
    """The chart is SVG whatever the Accept header says (errors switch to JSON below)."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return (renderers[0], renderers[0].media_type)


@_summary_validation_errors
class UsageSummarySVGView(APIView):
    """The summary as an SVG bar chart of kg CO2e per bucket (server-rendered, no scripts)."""

    renderer_classes = [SVGRenderer]
    content_negotiation_class = AlwaysFirstRenderer

    @extend_schema(
        parameters=[SummaryQuerySerializer],
        responses={
            (200, "image/svg+xml"): OpenApiResponse(
                response=OpenApiTypes.STR, description="An SVG document."
            )
        },
    )
    def get(self, request):
        return Response(summary_svg(summary=_summary_for(request)))

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400:
            # Errors keep the API's JSON error shape.
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = request.accepted_renderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


@login_required
def carbon_page(request):
    """A small page for a signed-in member: their last 12 months as a chart and latest usages."""
    zone = ZoneInfo(request.user.tz)
    now = timezone.now().astimezone(zone)
    months_back = now.year * 12 + now.month - 1 - 11
    start = datetime(months_back // 12, months_back % 12 + 1, 1, tzinfo=zone)
    own = selectors.usage_list(viewer=request.user).filter(user=request.user)
    summary = selectors.usage_summary(
        queryset=own,
        group_by="month",
        tz=request.user.tz,
        usage_at_after=start,
        usage_at_before=now,
    )
    context = {
        "summary": summary,
        # The SVG template autoescapes every value it prints, so the result is safe markup.
        "chart_svg": mark_safe(summary_svg(summary=summary, title="Your kg CO2e per month")),  # noqa: S308
        "total": chart_context(summary=summary)["total"],
        "latest": own[:12],
    }
    return render(request, "carbon/page.html", context)
