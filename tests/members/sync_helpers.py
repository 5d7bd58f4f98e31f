"""Signing and payload helpers shared by the sync tests (a peer's side of the webhook)."""

import base64
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from members.sync.signing import body_encode, sign

SECRET = "whsec_" + base64.b64encode(b"a-shared-secret-of-32-bytes!!!!!").decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"another-secret-nobody-configured").decode()
WEBHOOK = "/api/v1/sync/users/"


def signed_post(
    client, payload: dict, *, secret=SECRET, msg_id="msg_1", skew=timedelta(0), tamper=None
):
    """POST `payload` to the webhook, signed with `secret` at now + `skew`."""
    body = body_encode(payload)
    headers = sign(secret=secret, msg_id=msg_id, timestamp=timezone.now() + skew, body=body)
    if tamper:
        body = tamper(body)
    return client.post(
        WEBHOOK,
        data=body,
        content_type="application/json",
        headers=headers,
    )


def created(user_id="W0SYNC001", **data):
    """A user.created payload (now), with `data` overriding the member's fields."""
    return {
        "type": "user.created",
        "timestamp": datetime.now(UTC).isoformat(),
        "data": {
            "id": user_id,
            "username": "peter",
            "email": "peter@example.com",
            "real_name": "Peter Venkman",
            "tz": "America/New_York",
            **data,
        },
    }


def fullwidth(text: str) -> str:
    """The fullwidth forms of ASCII letters and digits (NFKC turns them back)."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)
