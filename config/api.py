"""Project-wide API plumbing that settings name by dotted path."""

from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from drf_standardized_errors import handler as drf_errors
from rest_framework import filters, pagination
from rest_framework.exceptions import NotFound, ParseError, ValidationError

from core.exceptions import api_exception_from
from core.pagination import StrictPageSizeMixin


class PageNumberPagination(StrictPageSizeMixin, pagination.PageNumberPagination):
    """`page` + `page_size` (default 20, max 1000). Asking for more than the max is a 400."""

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw != "last" and not raw.isdigit():
            raise NotFound(f"Invalid page {raw!r}: {self.page_query_param} must be a number.")
        return super().paginate_queryset(queryset, request, view)


class StrictOrderingFilter(filters.OrderingFilter):
    """DRF's ordering filter, but an unknown field is a 400 instead of being ignored."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",") if param.strip()]
            valid = {
                name for name, _label in self.get_valid_fields(queryset, view, {"request": request})
            }
            unknown = [f for f in fields if f.lstrip("-") not in valid]
            if unknown:
                allowed = ", ".join(sorted(valid)) or "none"
                raise ValidationError(
                    {
                        self.ordering_param: [
                            f"Unknown field(s): {', '.join(unknown)}. Allowed: {allowed}."
                        ]
                    }
                )
            return fields
        return self.get_default_ordering(view)

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        fields = getattr(view, "ordering_fields", None)
        if isinstance(fields, list | tuple):
            choices = [f for name in fields for f in (name, f"-{name}")]
            for param in params:
                param["schema"] = {"type": "string", "enum": choices}
        return params


class SearchFilter(filters.SearchFilter):
    """DRF's search filter; NUL characters (which no stored text contains) are dropped."""

    def get_search_terms(self, request):
        value = request.query_params.get(self.search_param, "")
        if "\x00" in value:
            params = request.query_params.copy()
            params[self.search_param] = value.replace("\x00", "")
            request._request.GET = params
        return super().get_search_terms(request)


class ExceptionHandler(drf_errors.ExceptionHandler):
    """drf-standardized-errors, plus the domain errors (core.exceptions) and Django's
    ValidationError mapped once, and Django's request-parsing refusals as 400 (not 500)."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        exc = api_exception_from(exc)
        if isinstance(exc, RecursionError):  # json.loads on a body nested thousands deep
            return ParseError("JSON parse error - nested too deeply.")
        if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
            return ParseError(f"Request refused: {exc}")
        if isinstance(exc, SuspiciousOperation):
            return ParseError("Malformed request.")
        return super().convert_known_exceptions(exc)
