"""Peers authenticate their webhooks by signature (Standard Webhooks), not as a user."""

from rest_framework import authentication, exceptions

from members.sync.peers import Peer, peers_configured
from members.sync.signing import SignatureError, verify

SIGNATURE_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


def signature_headers(request) -> dict[str, str]:
    """The three signature headers of a request ("" for a missing one)."""
    return {name: request.headers.get(name, "") for name in SIGNATURE_HEADERS}


class PeerSignatureAuthentication(authentication.BaseAuthentication):
    """A request signed with a configured peer's secret within ±5 minutes: `request.auth` is
    that `Peer` and `request.user` is None (a peer is a site, not a member). Anything else is
    a 401 (the signature headers are the only credentials this door accepts)."""

    def authenticate(self, request) -> tuple[None, Peer]:
        body = request.body  # the exact bytes that were signed
        headers = signature_headers(request)
        for peer in peers_configured():
            try:
                verify(secret=peer.secret, body=body, headers=headers)
            except SignatureError:
                continue
            return None, peer
        raise exceptions.AuthenticationFailed(
            "Signature does not match a configured peer, or the timestamp is outside ±5 minutes."
        )

    def authenticate_header(self, request) -> str:
        return 'Webhook-Signature realm="user-sync"'
