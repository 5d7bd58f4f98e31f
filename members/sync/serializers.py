import json

from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import exceptions, serializers

from core.parsers import reject_lone_surrogates
from members.ids import MEMBER_ID_LENGTH
from members.models import SyncEvent, SyncInbound, User
from members.serializers import TimeZoneField, UsernameField
from members.sync.peers import Peer
from members.sync.signing import TIMESTAMP_TOLERANCE, signed_at
from members.validators import validate_member_id


def _model_validators(name: str, model=User) -> list:
    """The model field's own validators (length, characters, control characters)."""
    return list(model._meta.get_field(name).validators)


class SyncUserDataSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=MEMBER_ID_LENGTH, validators=[validate_member_id])
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


def webhook_parse(*, body: bytes, headers: dict[str, str], peer: Peer) -> tuple[str, dict]:
    """The webhook id and the validated payload of a webhook `peer` signed (400 naming the
    field otherwise), in our field names. Parses the signed bytes themselves, not a re-encoding."""
    try:
        raw = json.loads(body)
    except (ValueError, RecursionError):  # bad JSON, bad UTF-8, huge numbers, deep nesting
        raise exceptions.ParseError("The body is not valid JSON.") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("data"), dict):
        raise serializers.ValidationError({"data": ["An object is required."]})
    webhook_id = webhook_id_validate(headers["webhook-id"])
    raw = reject_lone_surrogates({**raw, "data": peer.from_wire(raw["data"])})
    serializer = SyncWebhookSerializer(data=raw, context={"signed_at": signed_at(headers)})
    serializer.is_valid(raise_exception=True)
    return webhook_id, serializer.validated_data


class SyncResultSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["applied", "duplicate", "stale"])


class _SyncForbiddenError(serializers.Serializer):
    code = serializers.ChoiceField(choices=["protected_account", "not_shared_with_peer"])
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class SyncForbiddenErrorResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = _SyncForbiddenError(many=True)
