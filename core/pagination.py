"""Pagination shared by every app: strict `page_size`, and GitHub-style pages (a bare JSON
array, `Link` and `X-Total-Count` headers) for the lists that answer that way.

    @link_paginated
    class ItemViewSet(viewsets.ModelViewSet): ...

pages the viewset's `list` with LinkHeaderPagination and documents it in the schema (an array,
both headers, the 400s naming `page` and `page_size`).
"""

import re

from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from core.constants import MAX_DB_ID

_WHOLE_NUMBER = re.compile(r"[0-9]{1,19}")  # ASCII digits only: int() also reads "١٢"


class StrictPageSizeMixin:
    """`page_size` from 1 to `max_page_size`; anything else is a 400 naming `page_size` (DRF
    would silently clamp it or fall back to the default)."""

    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise ValidationError(
                {self.page_size_query_param: ["A whole number is required."]}
            ) from None
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"Must be between 1 and {self.max_page_size}."]}
            )
        return size

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_size_query_param:
                param["schema"].update({"minimum": 1, "maximum": self.max_page_size})
            if param["name"] == self.page_query_param:
                param["schema"].update({"minimum": 1})
        return params


class LinkHeaderPagination(StrictPageSizeMixin, pagination.PageNumberPagination):
    """Pages the way GitHub's REST API does: the body is the page's rows as a bare array;
    `Link` holds absolute URLs (the request's other query parameters kept) with
    rel="prev"/"next" where there is one and rel="last"/"first" always; `X-Total-Count` is
    the number of rows over all pages.

    `page` is a whole number from 1 and `page_size` from 1 to 1000 (default 100), anything
    else a 400 naming the parameter. A page past the last is an empty array whose `prev` is
    the last page. Two queries whatever the page size (a count, then the page), one when the
    page is past the last.
    """

    page_size = 100
    max_page_size = 1000
    page_query_description = "Page number, from 1. A page past the last is an empty list."
    page_size_query_description = "Rows per page, 1 to 1000 (default 100)."

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        self.number = self._page_number(request)
        paginator = self.django_paginator_class(queryset, size)
        self.count = paginator.count
        self.last = paginator.num_pages  # 1 for an empty list: first and last are page 1
        if self.number > self.last:
            return []
        return list(paginator.page(self.number))

    def _page_number(self, request) -> int:
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if not _WHOLE_NUMBER.fullmatch(raw) or not 1 <= int(raw) <= MAX_DB_ID:
            raise ValidationError(
                {self.page_query_param: [f"A whole number from 1 to {MAX_DB_ID} is required."]}
            )
        return int(raw)

    def get_paginated_response(self, data):
        return Response(data, headers=self.get_headers())

    def get_headers(self) -> dict[str, str]:
        url = self.request.build_absolute_uri()
        rels = []
        if self.number > 1:
            rels.append(("prev", min(self.number - 1, self.last)))
        if self.number < self.last:
            rels.append(("next", self.number + 1))
        rels += [("last", self.last), ("first", 1)]  # GitHub's order
        link = ", ".join(
            f'<{replace_query_param(url, self.page_query_param, number)}>; rel="{rel}"'
            for rel, number in rels
        )
        return {"Link": link, "X-Total-Count": str(self.count)}

    def get_paginated_response_schema(self, schema):
        return schema  # the array of rows itself; the headers are documented by link_paginated

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_query_param:
                param["schema"].update({"maximum": MAX_DB_ID})
            if param["name"] == self.page_size_query_param:
                param["schema"].update({"default": self.page_size})
        return params


def link_header_parameters() -> list:
    """The `Link` and `X-Total-Count` response headers of a LinkHeaderPagination page, for
    extend_schema(parameters=...) (link_paginated adds them to `list`; a list-like action
    uses this itself)."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter

    return [
        OpenApiParameter(
            "Link",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            response=[200],
            required=True,
            description="Absolute URLs of the pages around this one, as GitHub sends them: "
            '`<…?page=3>; rel="next"` and `rel="prev"` where there is one, `rel="last"` and '
            '`rel="first"` always; the other query parameters are kept.',
        ),
        OpenApiParameter(
            "X-Total-Count",
            OpenApiTypes.INT,
            OpenApiParameter.HEADER,
            response=[200],
            required=True,
            description="Rows over all pages (with the filters applied).",
        ),
    ]


def link_paginated(view_class):
    """Page `view_class.list` with LinkHeaderPagination and document it (array, headers, 400s)."""
    # Imported here: config.api imports this module while DRF loads its settings, and
    # drf-spectacular's machinery imports DRF's generic views, which read those settings.
    from drf_spectacular.utils import extend_schema, extend_schema_view
    from drf_standardized_errors.openapi_validation_errors import extend_validation_errors

    headers = link_header_parameters()
    view_class.pagination_class = LinkHeaderPagination
    view_class = extend_validation_errors(["invalid"], field_name="page", actions=["list"])(
        view_class
    )
    return extend_schema_view(list=extend_schema(parameters=headers))(view_class)
