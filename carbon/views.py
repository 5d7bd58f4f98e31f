import django_filters
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import exceptions, generics, mixins, permissions
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from carbon import selectors, services
from carbon.estimates import usage_estimate
from carbon.filters import IdFilter, UsageFilter
from carbon.models import Recalculation, Usage
from carbon.serializers import (
    BulkDeleteSerializer,
    EmissionFactorSerializer,
    EstimateResultSerializer,
    EstimateSerializer,
    RecalculateSerializer,
    RecalculationSerializer,
    UsageSerializer,
    UsageTypeSerializer,
)
from core.parsers import JSONParser
from core.permissions import IsStaffOrReadOnly, StaffWithPerms
from core.serializers import BulkDeleteResultSerializer, ConflictErrorResponseSerializer

USAGE_ORDERING = ["usage_at", "amount", "co2e_kg", "created_at"]


# A type's unit is one the server can convert (carbon.units); it is fixed once used.
_UNIT_ERRORS = extend_validation_errors(
    ["invalid_unit", "not_updatable"],
    field_name="unit",
    actions=["create", "update", "partial_update"],
)
_VALID_FROM_ERRORS = extend_validation_errors(
    ["out_of_range"], field_name="valid_from", actions=["factors"], methods=["post"]
)
_RECALCULATE_ERRORS = [
    extend_validation_errors(codes, field_name=name, actions=["recalculate"])
    for name, codes in (
        ("usage_at_after", ["naive", "overflow", "out_of_range"]),
        ("usage_at_before", ["naive", "overflow", "out_of_range", "range_empty"]),
    )
]


def _recalculate_errors(view):
    for decorate in _RECALCULATE_ERRORS:
        view = decorate(view)
    return view


@extend_schema_view(
    destroy=extend_schema(responses={204: None, 409: ConflictErrorResponseSerializer}),
    partial_update=extend_schema(
        responses={200: UsageTypeSerializer, 409: ConflictErrorResponseSerializer}
    ),
    update=extend_schema(
        responses={200: UsageTypeSerializer, 409: ConflictErrorResponseSerializer}
    ),
)
@_UNIT_ERRORS
@_VALID_FROM_ERRORS
@_recalculate_errors
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

    required_perms = {"recalculate": ["carbon.add_recalculation"]}

    def get_queryset(self):
        return selectors.usage_type_list()

    def perform_create(self, serializer):
        serializer.instance = services.usage_type_create(
            **serializer.validated_data, actor=self.request.user
        )

    def perform_update(self, serializer):
        services.usage_type_update(
            usage_type=serializer.instance,
            data=serializer.validated_data,
            actor=self.request.user,
        )

    def perform_destroy(self, instance):
        services.usage_type_delete(usage_type=instance)

    @extend_schema(
        methods=["get"],
        request=None,
        responses={200: EmissionFactorSerializer(many=True)},
        description="The type's factor versions, oldest first (the order they apply in). "
        "Anyone signed in.",
    )
    @extend_schema(
        methods=["post"],
        request=EmissionFactorSerializer,
        responses={201: EmissionFactorSerializer, 409: ConflictErrorResponseSerializer},
        description="Add a version (staff). Saved usages are not changed: a recalculation "
        "applies it to them. A date that already has a version is a 409.",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="factors",
        filter_backends=[],
        parser_classes=[JSONParser],
    )
    def factors(self, request, pk=None):
        usage_type = self.get_object()
        if request.method == "POST":
            serializer = EmissionFactorSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            version = services.emission_factor_add(
                usage_type=usage_type, **serializer.validated_data, actor=request.user
            )
            return Response(EmissionFactorSerializer(version).data, status=201)
        page = self.paginate_queryset(selectors.emission_factor_list(usage_type=usage_type))
        return self.get_paginated_response(EmissionFactorSerializer(page, many=True).data)

    @extend_schema(
        request=RecalculateSerializer,
        responses={201: RecalculationSerializer},
        description="Re-apply the type's factor versions to its usages (every member's) in "
        "the range: each takes the version valid at its date. One transaction; recorded as "
        "a Recalculation. Staff with the carbon.add_recalculation permission.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="recalculate",
        filter_backends=[],
        parser_classes=[JSONParser],
        permission_classes=[StaffWithPerms],
    )
    def recalculate(self, request, pk=None):
        usage_type = self.get_object()
        serializer = RecalculateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recalculation = services.usages_recalculate(
            usage_type=usage_type, **serializer.validated_data, actor=request.user
        )
        return Response(RecalculationSerializer(recalculation).data, status=201)


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


def range_errors(view):
    for decorate in _RANGE_ERRORS:
        view = decorate(view)
    return view


@range_errors
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


@range_errors
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


class RecalculationFilter(django_filters.FilterSet):
    usage_type = IdFilter(field_name="usage_type_id", label="Usage type id.")

    class Meta:
        model = Recalculation
        fields = ["usage_type"]


class RecalculationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """Recorded recalculations, newest first. Staff with carbon.view_recalculation."""

    serializer_class = RecalculationSerializer
    permission_classes = [StaffWithPerms]
    required_perms = {"*": ["carbon.view_recalculation"]}
    filterset_class = RecalculationFilter
    filter_backends = [DjangoFilterBackend]
    lookup_value_regex = r"\d+"
    queryset = Recalculation.objects.order_by("-created_at", "-id")


@extend_validation_errors(
    ["invalid_unit", "incompatible_unit"], field_name="unit", methods=["post"]
)
@extend_validation_errors(["out_of_range", "naive", "overflow"], field_name="at", methods=["post"])
@extend_validation_errors(["min_value", "max_value"], field_name="amount", methods=["post"])
class EstimateView(APIView):
    """What a usage would emit, computed as a saved usage would be; nothing is saved."""

    parser_classes = [JSONParser]

    @extend_schema(request=EstimateSerializer, responses={200: EstimateResultSerializer})
    def post(self, request):
        serializer = EstimateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        estimate = usage_estimate(
            usage_type=data["usage_type"],
            amount=data["amount"],
            unit=data.get("unit"),
            at=data.get("at") or timezone.now(),
        )
        return Response(EstimateResultSerializer(estimate).data)
