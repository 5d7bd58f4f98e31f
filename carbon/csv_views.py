"""CSV import and export of usages: `POST /api/v1/usages/import/`, `GET /api/v1/usages/export.csv`.

The rules are carbon.imports (every row checked, then all saved or none) and carbon.exports
(streamed in constant memory); these views parse, authorise and call them.
"""

from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import generics, parsers, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from carbon import selectors
from carbon.exports import usages_csv_lines
from carbon.imports import ImportRowsInvalid, ImportTooLarge, usages_import
from carbon.models import Usage
from carbon.views import UsageListMixin, range_errors
from core.exceptions import InvalidInput


def _too_large(size: int) -> ImportTooLarge:
    limit = settings.CARBON_IMPORT_MAX_BYTES
    return ImportTooLarge(
        f"The file is {size} bytes; the limit of an import is {limit} "
        "(CARBON_IMPORT_MAX_BYTES): split it."
    )


def _check_length(parser_context) -> None:
    request = (parser_context or {}).get("request")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
    except ValueError:
        length = 0
    if length > settings.CARBON_IMPORT_MAX_BYTES:
        raise _too_large(length)


class CSVParser(parsers.BaseParser):
    """A `text/csv` body as bytes, at most CARBON_IMPORT_MAX_BYTES (413 beyond)."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        _check_length(parser_context)
        limit = settings.CARBON_IMPORT_MAX_BYTES
        data = stream.read(limit + 1) if stream is not None else b""
        if len(data) > limit:  # a body sent without Content-Length (chunked)
            raise _too_large(len(data))
        return data


class CSVMultiPartParser(parsers.MultiPartParser):
    """multipart/form-data with the CSV as the `file` part, at most CARBON_IMPORT_MAX_BYTES."""

    def parse(self, stream, media_type=None, parser_context=None):
        _check_length(parser_context)
        return super().parse(stream, media_type, parser_context)


class UsageImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="How many usages were created.")


class UsageImportFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The CSV file (UTF-8, `,` or `;` separated).")


class UsageImportErrorSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Why, e.g. required, invalid, naive, out_of_range, not_found, ambiguous, "
        "invalid_unit, incompatible_unit, no_factor; for the file: empty, invalid_encoding, "
        "missing_columns, unknown_columns, duplicate_columns, too_many_rows, permission_denied."
    )
    detail = serializers.CharField()
    attr = serializers.CharField(
        allow_null=True,
        help_text="The column (usage_type, usage_at, amount, unit, user), `file` for the file "
        "as a whole, null for a whole row.",
    )
    row = serializers.IntegerField(
        required=False,
        help_text="Row errors only: the row as a spreadsheet numbers it (the header is row 1).",
    )
    column = serializers.CharField(
        required=False, allow_null=True, help_text="Row errors only: the same as attr."
    )


class UsageImportErrorResponseSerializer(serializers.Serializer):
    """The 400 of an import; nothing was saved. Bad rows: one error per bad cell (the first
    100, in row order) and `error_count`, how many there are in all."""

    type = serializers.CharField(
        help_text="validation_error; client_error for a multipart body that cannot be parsed."
    )
    errors = UsageImportErrorSerializer(many=True)
    error_count = serializers.IntegerField(
        required=False, help_text="Row errors only: how many in all (errors lists 100 at most)."
    )


class TooLargeErrorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[("request_too_large", "request_too_large")])
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class TooLargeErrorResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = TooLargeErrorSerializer(many=True)


def _row_errors_body(exc: ImportRowsInvalid) -> dict:
    errors = [
        {
            "code": error.code,
            "detail": error.detail,
            "attr": error.column,
            "row": error.row,
            "column": error.column,
        }
        for error in exc.row_errors
    ]
    return {"type": "validation_error", "errors": errors, "error_count": exc.error_count}


class UsageImportView(APIView):
    """Import usages from a CSV file: all of them, or none if any row is bad."""

    parser_classes = [CSVParser, CSVMultiPartParser]

    def handle_exception(self, exc):
        # The standard handler renders every error; bad rows also carry their row numbers and
        # the total (ImportRowsInvalid), which its one-error-per-field shape has no room for.
        response = super().handle_exception(exc)
        if isinstance(exc, ImportRowsInvalid):
            response.data = _row_errors_body(exc)
        return response

    @extend_schema(
        request={
            "text/csv": OpenApiTypes.STR,
            "multipart/form-data": UsageImportFileSerializer,
        },
        parameters=[
            OpenApiParameter(
                "user",
                str,
                description="Staff: the member whose usages rows without a `user` cell are "
                "(default: you). Members: only their own id.",
            )
        ],
        responses={
            201: UsageImportResultSerializer,
            400: UsageImportErrorResponseSerializer,
            413: OpenApiResponse(
                TooLargeErrorResponseSerializer,
                description="The file is larger than CARBON_IMPORT_MAX_BYTES.",
            ),
        },
        examples=[
            OpenApiExample(
                "CSV",
                value="usage_type,usage_at,amount,unit\n100,2024-03-01T08:00:00+01:00,12.5,kWh\n",
                media_type="text/csv",
                request_only=True,
            )
        ],
    )
    def post(self, request):
        """Header row `usage_type,usage_at,amount[,unit]` (+ `user` for staff), then one usage
        per row; see docs/carbon.md. 201 `{"created": N}`."""
        created = usages_import(
            actor=request.user,
            data=self._csv(request),
            default_user=request.query_params.get("user") or None,
        )
        return Response(
            UsageImportResultSerializer({"created": created}).data, status=status.HTTP_201_CREATED
        )

    @staticmethod
    def _csv(request) -> bytes:
        data = request.data
        if isinstance(data, bytes):
            return data
        if request.content_type.startswith(CSVParser.media_type):
            return b""  # an empty body is never handed to a parser
        unknown = sorted(set(data) - {"file"})
        if unknown:
            raise InvalidInput(
                f"Unknown field(s): {', '.join(unknown)}. Send the CSV as `file`.",
                code="unknown_field",
                attr=unknown[0],
            )
        upload = request.FILES.get("file") if hasattr(request, "FILES") else None
        if upload is None:
            raise InvalidInput(
                "Send the CSV as a text/csv body or as the `file` part of a multipart form.",
                code="required",
                attr="file",
            )
        if upload.size > settings.CARBON_IMPORT_MAX_BYTES:
            raise _too_large(upload.size)
        return upload.read()


@range_errors  # the filters' out_of_range, as /usages/ documents them
class UsageExportView(UsageListMixin, generics.GenericAPIView):
    """Your usages (staff: everyone's) as CSV, with the list's filters and ordering."""

    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Usage.objects.none()
        return selectors.usage_list(viewer=self.request.user)

    def perform_content_negotiation(self, request, force=False):
        # The rows are always CSV (a streamed response, not rendered); errors always JSON, so
        # `Accept: text/csv` is no 406.
        return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(
        filters=True,
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="Columns id, usage_type, usage_at, amount, unit, factor, co2e_kg, "
                "scope (+ user for staff); streamed.",
            )
        },
    )
    def get(self, request):
        """Stream the usages as CSV (the columns the import reads, plus id, factor, co2e_kg,
        scope; user for staff). Cells that start like a formula get a leading `'`."""
        queryset = self.filter_queryset(self.get_queryset())
        response = StreamingHttpResponse(
            usages_csv_lines(queryset=queryset, staff=request.user.is_staff),
            content_type="text/csv; charset=utf-8",
        )
        filename = f"usages-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
