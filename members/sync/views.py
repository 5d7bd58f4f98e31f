import json

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_serializers import ErrorResponse401Serializer
from rest_framework import exceptions, permissions, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from members.sync.inbound import SyncConflict, inbound_apply
from members.sync.peers import peers_configured
from members.sync.serializers import (
    SyncConflictErrorResponseSerializer,
    SyncResultSerializer,
    SyncWebhookSerializer,
)
from members.sync.signing import SignatureError, verify

SIGNATURE_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The change conflicts with data here."
    default_code = "conflict"


class UserSyncWebhookView(APIView):
    """Receive a user change from a peer site (Standard Webhooks signature required)."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "sync"

    def get_authenticate_header(self, request):
        return 'Webhook-Signature realm="user-sync"'

    @extend_schema(
        request=SyncWebhookSerializer,
        responses={
            200: SyncResultSerializer,
            401: OpenApiResponse(ErrorResponse401Serializer, "Bad signature or stale timestamp."),
            409: OpenApiResponse(
                SyncConflictErrorResponseSerializer, "Username taken by another member."
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
        raw = {**raw, "data": peer.from_wire(raw["data"])}
        serializer = SyncWebhookSerializer(data=raw)
        serializer.is_valid(raise_exception=True)
        try:
            result = inbound_apply(
                peer=peer, webhook_id=headers["webhook-id"], payload=serializer.validated_data
            )
        except SyncConflict as exc:
            raise Conflict(str(exc)) from None
        except DjangoValidationError as exc:  # a model rule the serializer does not repeat
            raise exceptions.ValidationError(
                {"data": exc.message_dict if hasattr(exc, "error_dict") else exc.messages}
            ) from None
        return Response({"status": result})
