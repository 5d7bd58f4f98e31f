"""Settings of user sync to peer sites (members.sync), from the environment."""

import json

from decouple import config
from django.core.exceptions import ImproperlyConfigured

# This site's name, as peers know it (informational: sent as `webhook-source`).
SYNC_SITE_NAME = config("SYNC_SITE_NAME", default="backoffice")


def _parse_peers(raw: str) -> list[dict]:
    try:
        peers = json.loads(raw or "[]")
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"SYNC_PEERS is not valid JSON: {exc}") from None
    if not isinstance(peers, list):
        raise ImproperlyConfigured("SYNC_PEERS must be a JSON list of peers")
    names = set()
    for i, peer in enumerate(peers):
        if not isinstance(peer, dict) or not {"name", "url", "secret"} <= set(peer):
            raise ImproperlyConfigured(f"SYNC_PEERS[{i}] needs name, url and secret")
        if not str(peer["url"]).startswith(("http://", "https://")):
            raise ImproperlyConfigured(f"SYNC_PEERS[{i}].url must be an http(s) URL")
        if peer["name"] in names:
            raise ImproperlyConfigured(f"SYNC_PEERS[{i}].name {peer['name']!r} is repeated")
        names.add(peer["name"])
        field_map = peer.setdefault("field_map", {})
        if not isinstance(field_map, dict):
            raise ImproperlyConfigured(f"SYNC_PEERS[{i}].field_map must be an object")
    return peers


# JSON list of peers: [{"name": "site-b", "url": "https://b.example.com/api/v1/sync/users/",
#   "secret": "whsec_<base64>", "field_map": {"real_name": "full_name"}}]
# The secret is shared by both sites (each signs what it sends and verifies what it gets).
# field_map renames our fields to the peer's on the way out, and back on the way in.
SYNC_PEERS = _parse_peers(config("SYNC_PEERS", default="[]"))
# Seconds to wait for a peer's answer.
SYNC_TIMEOUT_SECONDS = config("SYNC_TIMEOUT_SECONDS", default=5.0, cast=float)
# Retry schedule in seconds after each failed attempt (Standard Webhooks' schedule: about a day).
SYNC_RETRY_SCHEDULE = [
    int(s)
    for s in config("SYNC_RETRY_SCHEDULE", default="5,300,1800,7200,18000,36000,36000").split(",")
]
