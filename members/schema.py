"""OpenAPI descriptions of our token and peer-signature authentication (loaded by
MembersConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class KnoxTokenScheme(OpenApiAuthenticationExtension):
    target_class = "members.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>` (or `Bearer <key>`) from /api/v1/auth/login/.",
        }


class PeerSignatureScheme(OpenApiAuthenticationExtension):
    target_class = "members.sync.authentication.PeerSignatureAuthentication"
    name = "webhookSignature"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "webhook-signature",
            "description": (
                "Standard Webhooks: `webhook-signature: v1,<base64 HMAC-SHA256 of "
                "id.timestamp.body>` with a configured peer's secret, plus the `webhook-id` and "
                "`webhook-timestamp` (within ±5 minutes) headers."
            ),
        }
