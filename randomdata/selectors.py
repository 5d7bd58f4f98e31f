"""Reads of random data, already joined/prefetched for the API and the admin."""

from django.db.models import Prefetch, QuerySet

from randomdata.models import Address, CreditCard, IngestionRun, RandomUser


def random_user_list() -> QuerySet[RandomUser]:
    return RandomUser.objects.prefetch_related(
        Prefetch("addresses", queryset=Address.objects.order_by("pk")),
        Prefetch("credit_cards", queryset=CreditCard.objects.order_by("pk")),
    ).order_by("pk")


def address_list() -> QuerySet[Address]:
    return Address.objects.select_related("user").order_by("pk")


def credit_card_list() -> QuerySet[CreditCard]:
    return CreditCard.objects.select_related("user").order_by("pk")


def ingestion_run_list() -> QuerySet[IngestionRun]:
    return IngestionRun.objects.order_by("-started_at", "-pk")
