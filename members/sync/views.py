import json

from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_serializers import ErrorResponse401Serializer
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import exceptions, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from core.parsers import reject_lone_surrogates
from members.sync.inbound import inbound_apply
from members.sync.peers import peers_configured
from members.sync.serializers import (
    SyncConflictErrorResponseSerializer,
    SyncForbiddenErrorResponseSerializer,
    SyncResultSerializer,
    SyncWebhookSerializer,
    webhook_id_validate,
)
from members.sync.signing import SignatureError, signed_at, verify

SIGNATURE_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


@extend_validation_errors(["max_length", "blank", "invalid_text"], field_name="webhook-id")
class UserSyncWebhookView(APIView):
    """Receive a user change from a peer site (Standard Webhooks signature required)."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_scope = "sync"

    def get_authenticate_header(self, request):
        return 'Webhook-Signature realm="user-sync"'

    @extend_schema(
        request=SyncWebhookSerializer,
        responses={
            200: SyncResultSerializer,
            401: OpenApiResponse(ErrorResponse401Serializer, "Bad signature or stale timestamp."),
            403: OpenApiResponse(
                SyncForbiddenErrorResponseSerializer,
                "A staff or superuser account here, or a member not shared with this peer.",
            ),
            409: OpenApiResponse(
                SyncConflictErrorResponseSerializer,
                "Username taken by another member, or the id of a member deleted here.",
            ),
        },
        tags=["sync"],
    )
    def post(self, request):
        body = request.body  # the exact bytes that were signed
        headers = {name: request.headers.get(name, "") for name in SIGNATURE_HEADERS}
        peer = None
        for candidate in peers_configured():
            try:
                verify(secret=candidate.secret, body=body, headers=headers)
            except SignatureError:
                continue
            peer = candidate
            break
        if peer is None:
            raise exceptions.AuthenticationFailed(
                "Signature does not match a configured peer, "
                "or the timestamp is outside ±5 minutes."
            )
        try:
            raw = json.loads(body)
        except (ValueError, RecursionError):  # bad JSON, bad UTF-8, huge numbers, deep nesting
            raise exceptions.ParseError("The body is not valid JSON.") from None
        if not isinstance(raw, dict) or not isinstance(raw.get("data"), dict):
            raise exceptions.ValidationError({"data": ["An object is required."]})
        webhook_id = webhook_id_validate(headers["webhook-id"])
        raw = reject_lone_surrogates({**raw, "data": peer.from_wire(raw["data"])})
        serializer = SyncWebhookSerializer(data=raw, context={"signed_at": signed_at(headers)})
        serializer.is_valid(raise_exception=True)
        result = inbound_apply(peer=peer, webhook_id=webhook_id, payload=serializer.validated_data)
        return Response({"status": result})
