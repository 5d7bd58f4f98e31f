from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_serializers import ErrorResponse401Serializer
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import exceptions, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from core.serializers import ConflictErrorResponseSerializer
from members.sync.authentication import PeerSignatureAuthentication, signature_headers
from members.sync.inbound import inbound_apply
from members.sync.peers import Peer
from members.sync.serializers import (
    SyncForbiddenErrorResponseSerializer,
    SyncResultSerializer,
    SyncWebhookSerializer,
    webhook_parse,
)


class IsPeer(permissions.BasePermission):
    """Requests a configured peer signed (see PeerSignatureAuthentication)."""

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, Peer)


@extend_validation_errors(["max_length", "blank", "invalid_text"], field_name="webhook-id")
class UserSyncWebhookView(APIView):
    """Receive a user change from a peer site (Standard Webhooks signature required)."""

    authentication_classes = [PeerSignatureAuthentication]
    permission_classes = [IsPeer]
    throttle_scope = "sync"

    def initial(self, request, *args, **kwargs):
        try:
            super().initial(request, *args, **kwargs)
        except exceptions.AuthenticationFailed:
            # DRF authenticates before it throttles; a bad signature still counts against
            # the caller's address (and is a 429 past the limit), as any other request does.
            self.check_throttles(request)
            raise

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
                ConflictErrorResponseSerializer,
                "Username taken by another member, or the id of a member deleted here.",
            ),
        },
        tags=["sync"],
    )
    def post(self, request):
        peer = request.auth
        webhook_id, payload = webhook_parse(
            body=request.body, headers=signature_headers(request), peer=peer
        )
        result = inbound_apply(peer=peer, webhook_id=webhook_id, payload=payload)
        return Response({"status": result})
