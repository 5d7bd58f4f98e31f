from django.contrib.auth.validators import UnicodeUsernameValidator
from rest_framework import serializers

from members.fields import TimeZoneField
from members.models import SyncEvent
from members.validators import validate_member_id


class SyncUserDataSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=9, validators=[validate_member_id])
    username = serializers.CharField(
        max_length=150, required=False, validators=[UnicodeUsernameValidator()]
    )
    email = serializers.EmailField(allow_blank=True, required=False)
    real_name = serializers.CharField(max_length=100, allow_blank=True, required=False)
    tz = TimeZoneField(required=False)


class SyncWebhookSerializer(serializers.Serializer):
    """The body of a user sync webhook (after the sender's field map is undone)."""

    type = serializers.ChoiceField(choices=SyncEvent.Type.choices)
    timestamp = serializers.DateTimeField()
    data = SyncUserDataSerializer()

    def validate(self, attrs):
        if attrs["type"] != SyncEvent.Type.DELETED:
            missing = [f for f in ("username", "tz") if f not in attrs["data"]]
            if missing:
                raise serializers.ValidationError(
                    {"data": {name: ["This field is required."] for name in missing}}
                )
        return attrs


class SyncResultSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["applied", "duplicate", "stale"])


class _SyncConflictError(serializers.Serializer):
    code = serializers.ChoiceField(choices=["conflict"])
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class SyncConflictErrorResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["client_error"])
    errors = _SyncConflictError(many=True)
