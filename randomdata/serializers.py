"""API shapes. Cards are shown by brand, expiry and `•••• 1234`; the number is never stored."""

from rest_framework import serializers

from randomdata.models import (
    ADDRESS_DATA_FIELDS,
    USER_DATA_FIELDS,
    Address,
    CreditCard,
    IngestionRun,
    RandomUser,
)

ADDRESS_FIELDS = [
    "id",
    "uid",
    *ADDRESS_DATA_FIELDS,
    "user",
    "link_method",
    "fetched_at",
    "updated_at",
]
CARD_FIELDS = [
    "id",
    "uid",
    "upstream_id",
    "brand",
    "masked_number",
    "last4",
    "expiry_date",
    "user",
    "link_method",
    "fetched_at",
    "updated_at",
]


class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = ADDRESS_FIELDS
        read_only_fields = ADDRESS_FIELDS


class CreditCardSerializer(serializers.ModelSerializer):
    masked_number = serializers.CharField(read_only=True, help_text="`•••• 1234`")

    class Meta:
        model = CreditCard
        fields = CARD_FIELDS
        read_only_fields = CARD_FIELDS


class RandomUserSerializer(serializers.ModelSerializer):
    addresses = AddressSerializer(many=True, read_only=True)
    credit_cards = CreditCardSerializer(many=True, read_only=True)

    class Meta:
        model = RandomUser
        fields = [
            "id",
            "uid",
            *USER_DATA_FIELDS,
            "fetched_at",
            "updated_at",
            "addresses",
            "credit_cards",
        ]
        read_only_fields = fields


class IngestionRunSerializer(serializers.ModelSerializer):
    # Plain strings in the schema: an enum named after a field as common as `status` or `kind`
    # collides with other apps' enums of the same field name.
    kind = serializers.CharField(read_only=True, help_text="users, addresses or credit_cards")
    status = serializers.CharField(read_only=True, help_text="running, succeeded or failed")

    class Meta:
        model = IngestionRun
        fields = [
            "id",
            "kind",
            "status",
            "started_at",
            "finished_at",
            "requested",
            "created",
            "updated",
            "skipped",
            "skip_reasons",
            "error",
        ]
        read_only_fields = fields
