"""The summary endpoints (JSON and SVG) and the member's /carbon/ page."""

from datetime import UTC, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import renderers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from carbon import selectors
from carbon.chart import chart_context, summary_svg
from carbon.summary import Summary, usage_summary
from carbon.summary_serializers import SummaryQuerySerializer, SummarySerializer


def _summary_for(request) -> Summary:
    query = SummaryQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    params = query.validated_data
    queryset = selectors.usage_list(viewer=request.user)
    if "usage_type" in params:
        queryset = queryset.filter(usage_type_id=params["usage_type"])
    if "user" in params:
        queryset = queryset.filter(user_id=params["user"])
    return usage_summary(
        queryset=queryset,
        group_by=params["group_by"],
        split=params.get("split"),
        tz=params.get("tz") or request.user.tz,
        usage_at_after=params["usage_at_after"],
        usage_at_before=params["usage_at_before"],
    )


SUMMARY_ERRORS = [
    ("group_by", ["invalid_choice"]),
    ("split", ["invalid_choice", "split_needs_period"]),
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
    """Totals per day, week, month or year (cut in `tz`), usage type or scope: one query."""

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


def _scope_rows(summary: Summary) -> list[dict]:
    """The page's table: kg CO2e and share of the total per scope (all four, zeros too)."""
    total = summary.co2e_kg
    return [
        {
            "label": part.label,
            "count": part.count,
            "co2e_kg": part.co2e_kg,
            "share": f"{part.co2e_kg / total * 100:.1f} %" if total else None,
        }
        for part in summary.scopes
    ]


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@login_required
def carbon_page(request):
    """A small page for a signed-in member: their last 12 months as a chart, per scope, and
    their latest usages, with the same 12 months as a CSV download."""
    zone = ZoneInfo(request.user.tz)
    now = timezone.now().astimezone(zone)
    months_back = now.year * 12 + now.month - 1 - 11
    start = datetime(months_back // 12, months_back % 12 + 1, 1, tzinfo=zone)
    own = selectors.usage_list(viewer=request.user).filter(user=request.user)
    summary = usage_summary(
        queryset=own,
        group_by="month",
        tz=request.user.tz,
        usage_at_after=start,
        usage_at_before=now,
    )
    period = urlencode({"usage_at_after": _utc_iso(start), "usage_at_before": _utc_iso(now)})
    context = {
        "summary": summary,
        # The SVG template autoescapes every value it prints, so the result is safe markup.
        "chart_svg": mark_safe(summary_svg(summary=summary, title="Your kg CO2e per month")),  # noqa: S308
        "total": chart_context(summary=summary)["total"],
        "scopes": _scope_rows(summary),
        "export_url": f"/api/v1/usages/export.csv?{period}",
        "period_start": start,
        "latest": own[:12],
    }
    return render(request, "carbon/page.html", context)
