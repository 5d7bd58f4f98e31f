"""Standard Webhooks signatures (webhook-id, webhook-timestamp, webhook-signature)."""

import json
from datetime import UTC, datetime, timedelta

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

# How far a signature's timestamp may be from our clock (the standardwebhooks library's).
TIMESTAMP_TOLERANCE = timedelta(minutes=5)


class SignatureError(Exception):
    """The request is not signed by a configured peer, or is outside the time window."""


def body_encode(payload: dict) -> str:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def sign(*, secret: str, msg_id: str, timestamp: datetime, body: str) -> dict[str, str]:
    """Headers for a signed request (timestamp in whole UTC seconds)."""
    timestamp = timestamp.astimezone(UTC).replace(microsecond=0)
    signature = Webhook(secret).sign(msg_id=msg_id, timestamp=timestamp, data=body)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signature,
    }


def verify(*, secret: str, body: bytes, headers: dict[str, str]) -> None:
    """Constant-time check of the signature and the ±5 minute window; raises SignatureError."""
    try:
        Webhook(secret).verify(body, headers, json_parse=False)
    except WebhookVerificationError as exc:
        raise SignatureError(str(exc)) from None
    except (ValueError, TypeError, UnicodeDecodeError):  # malformed signature header or body
        raise SignatureError("Malformed signature headers") from None


def signed_at(headers: dict[str, str]) -> datetime:
    """The `webhook-timestamp` of a request that verify() accepted."""
    return datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)
