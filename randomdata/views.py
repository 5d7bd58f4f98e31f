"""Read-only staff API over the ingested data. Thin: selectors in, serializers out."""

from rest_framework import mixins, permissions, viewsets

from randomdata import selectors
from randomdata.filters import AddressFilter, CreditCardFilter, IngestionRunFilter, RandomUserFilter
from randomdata.serializers import (
    AddressSerializer,
    CreditCardSerializer,
    IngestionRunSerializer,
    RandomUserSerializer,
)


class StaffReadOnlyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [permissions.IsAdminUser]


class RandomUserViewSet(StaffReadOnlyViewSet):
    """Ingested random users with their addresses and cards (staff only)."""

    serializer_class = RandomUserSerializer
    filterset_class = RandomUserFilter
    search_fields = ["first_name", "last_name", "username", "email"]
    ordering_fields = ["id", "last_name", "username", "date_of_birth", "fetched_at", "updated_at"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.random_user_list()


class AddressViewSet(StaffReadOnlyViewSet):
    """Ingested addresses (staff only)."""

    serializer_class = AddressSerializer
    filterset_class = AddressFilter
    search_fields = ["street_address", "street_name", "city", "zip_code", "full_address"]
    ordering_fields = ["id", "city", "country", "fetched_at", "updated_at"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.address_list()


class CreditCardViewSet(StaffReadOnlyViewSet):
    """Ingested credit cards, masked (staff only)."""

    serializer_class = CreditCardSerializer
    filterset_class = CreditCardFilter
    search_fields = ["brand", "last4"]
    ordering_fields = ["id", "brand", "expiry_date", "fetched_at", "updated_at"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.credit_card_list()


class IngestionRunViewSet(StaffReadOnlyViewSet):
    """Ingestion runs, newest first (staff only)."""

    serializer_class = IngestionRunSerializer
    filterset_class = IngestionRunFilter
    search_fields = ["error"]
    ordering_fields = ["id", "started_at", "finished_at", "created", "skipped"]
    ordering = ["-started_at", "-id"]

    def get_queryset(self):
        return selectors.ingestion_run_list()
