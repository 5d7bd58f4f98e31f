"""The sync webhook's door: PeerSignatureAuthentication (the peer becomes request.auth)."""

import pytest
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import SimpleRateThrottle

from members.models import SyncInbound, User
from members.sync.authentication import PeerSignatureAuthentication
from members.sync.signing import body_encode, sign
from tests.members.sync_helpers import OTHER_SECRET, SECRET, WEBHOOK, created, signed_post

NOWHERE = "http://127.0.0.1:9/api/v1/sync/users/"  # tests never commit, so nothing is sent
BAD_SIGNATURE = {
    "type": "client_error",
    "errors": [
        {
            "code": "authentication_failed",
            "detail": "Signature does not match a configured peer, "
            "or the timestamp is outside ±5 minutes.",
            "attr": None,
        }
    ],
}


@pytest.fixture
def two_peers(settings):
    settings.SYNC_PEERS = [
        {"name": "site-b", "url": NOWHERE, "secret": SECRET, "field_map": {}},
        {"name": "site-c", "url": NOWHERE, "secret": OTHER_SECRET, "field_map": {}},
    ]


def drf_request(*, secret: str) -> Request:
    body = body_encode(created())
    headers = sign(secret=secret, msg_id="msg_1", timestamp=timezone.now(), body=body)
    django_request = APIRequestFactory().post(
        WEBHOOK, body, content_type="application/json", headers=headers
    )
    return Request(django_request)


@pytest.mark.parametrize(("secret", "peer"), [(SECRET, "site-b"), (OTHER_SECRET, "site-c")])
def test_a_peers_signature_authenticates_the_peer_not_a_user(two_peers, secret, peer):
    user, auth = PeerSignatureAuthentication().authenticate(drf_request(secret=secret))

    assert user is None
    assert auth.name == peer


def test_any_other_signature_fails(two_peers):
    with pytest.raises(AuthenticationFailed):
        PeerSignatureAuthentication().authenticate(drf_request(secret="whsec_" + "A" * 44))


@pytest.mark.parametrize(
    "kwargs", [{"secret": "whsec_" + "QUJD" * 11}, {"tamper": lambda b: b.replace("peter", "x")}]
)
def test_a_bad_signature_is_a_401_with_the_challenge_and_changes_nothing(
    db, api_client, two_peers, kwargs
):
    response = signed_post(api_client, created(), **kwargs)

    assert response.status_code == 401
    assert response.json() == BAD_SIGNATURE
    assert response["WWW-Authenticate"] == 'Webhook-Signature realm="user-sync"'
    assert not User.objects.exists() and not SyncInbound.objects.exists()


def test_no_signature_headers_is_the_same_401(db, api_client, two_peers):
    response = api_client.post(WEBHOOK, created(), format="json")

    assert response.status_code == 401
    assert response.json() == BAD_SIGNATURE
    assert response["WWW-Authenticate"] == 'Webhook-Signature realm="user-sync"'


@pytest.mark.parametrize(("secret", "peer"), [(SECRET, "site-b"), (OTHER_SECRET, "site-c")])
def test_the_signing_peer_reaches_the_inbound_service(db, api_client, two_peers, secret, peer):
    response = signed_post(api_client, created(), secret=secret)

    assert response.json() == {"status": "applied"}
    assert SyncInbound.objects.get().peer == peer
    assert User.objects.get(pk="W0SYNC001").origin_peer == peer


def test_bad_signatures_still_count_against_the_throttle(db, api_client, two_peers, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "sync", "2/min")
    bad = {"secret": "whsec_" + "QUJD" * 11}

    codes = [signed_post(api_client, created(), **bad).status_code for _ in range(3)]
    good = signed_post(api_client, created())

    assert codes == [401, 401, 429]
    assert good.status_code == 429
