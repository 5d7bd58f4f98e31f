"""The OpenAPI schema class that settings name (kept apart from config.api: importing
drf-spectacular's machinery while DRF loads its filter backends would be circular)."""

from drf_standardized_errors import openapi as drf_errors_openapi
from rest_framework import filters


class AutoSchema(drf_errors_openapi.AutoSchema):
    """drf-standardized-errors' schema, plus the 400s our paginator and ordering filter raise
    on every list (`page_size` out of range, unknown `ordering` field)."""

    def _get_extra_validation_errors(self):
        extra = {name: set(codes) for name, codes in super()._get_extra_validation_errors().items()}
        if self.method != "GET" or not self._is_list_view():
            return extra
        paginator = self._get_paginator()
        if paginator is not None and getattr(paginator, "page_size_query_param", None):
            extra.setdefault(paginator.page_size_query_param, set()).add("invalid")
        for backend in self.get_filter_backends():
            if issubclass(backend, filters.OrderingFilter) and getattr(
                self.view, "ordering_fields", None
            ):
                extra.setdefault(backend.ordering_param, set()).add("invalid")
        return extra
