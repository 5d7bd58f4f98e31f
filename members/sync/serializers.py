from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import serializers

from members.fields import TimeZoneField
from members.models import SyncEvent, SyncInbound, User
from members.serializers import UsernameField
from members.sync.signing import TIMESTAMP_TOLERANCE
from members.validators import validate_member_id


def _model_validators(name: str, model=User) -> list:
    """The model field's own validators (length, characters, control characters)."""
    return list(model._meta.get_field(name).validators)


class SyncUserDataSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=9, validators=[validate_member_id])
    # Uniqueness is not checked here: a taken username is a 409 conflict, not a 400.
    username = UsernameField(required=False, validators=_model_validators("username"))
    email = serializers.EmailField(allow_blank=True, required=False)
    real_name = serializers.CharField(
        allow_blank=True, required=False, validators=_model_validators("real_name")
    )
    tz = TimeZoneField(required=False)


class SyncWebhookSerializer(serializers.Serializer):
    """The body of a user sync webhook (after the sender's field map is undone)."""

    type = serializers.ChoiceField(choices=SyncEvent.Type.choices)
    timestamp = serializers.DateTimeField(
        help_text="When the change happened; at most 5 minutes after `webhook-timestamp`."
    )
    data = SyncUserDataSerializer()

    def validate_timestamp(self, value):
        # Later changes of a member lose to this one (stale detection compares these), so a
        # peer must not date a change into the future to freeze the member.
        signed_at = self.context.get("signed_at")
        if signed_at is not None and value > signed_at + TIMESTAMP_TOLERANCE:
            raise serializers.ValidationError(
                "Must not be later than the webhook-timestamp header plus 5 minutes.",
                code="invalid",
            )
        return value

    def validate(self, attrs):
        if attrs["type"] != SyncEvent.Type.DELETED:
            missing = [f for f in ("username", "tz") if f not in attrs["data"]]
            if missing:
                raise serializers.ValidationError(
                    {"data": {name: ["This field is required."] for name in missing}}
                )
        return attrs


def webhook_id_validate(value: str) -> str:
    """The `webhook-id` header: 1 to 100 characters, one line (it is stored to spot repeats)."""
    field = serializers.CharField(
        trim_whitespace=False, validators=_model_validators("webhook_id", SyncInbound)
    )
    try:
        return field.run_validation(value)
    except serializers.ValidationError as exc:
        raise serializers.ValidationError({"webhook-id": exc.detail}) from None


class SyncResultSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["applied", "duplicate", "stale"])


class _SyncForbiddenError(serializers.Serializer):
    code = serializers.ChoiceField(choices=["protected_account", "not_shared_with_peer"])
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class SyncForbiddenErrorResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = _SyncForbiddenError(many=True)


class _SyncConflictError(serializers.Serializer):
    code = serializers.ChoiceField(choices=["conflict"])
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class SyncConflictErrorResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = _SyncConflictError(many=True)
