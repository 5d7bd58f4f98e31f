from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import exceptions, generics, mixins, permissions
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.viewsets import GenericViewSet

from carbon import selectors, services
from carbon.filters import UsageFilter
from carbon.models import Usage
from carbon.serializers import (
    BulkDeleteSerializer,
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
            unit=data.get("unit"),
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
