"""The configured peers (settings.SYNC_PEERS) and their field maps."""

from dataclasses import dataclass, field

from django.conf import settings

# What peers share of a member (never a password, hash or token): its id and these profile
# fields, which a peer's webhook may set.
SYNCED_PROFILE_FIELDS = ("username", "email", "real_name", "tz")
SYNCED_FIELDS = ("id", *SYNCED_PROFILE_FIELDS)


@dataclass(frozen=True)
class Peer:
    name: str
    url: str
    secret: str
    field_map: dict = field(default_factory=dict)

    def to_wire(self, data: dict) -> dict:
        """Rename our fields to the peer's schema."""
        return {self.field_map.get(key, key): value for key, value in data.items()}

    def from_wire(self, data: dict) -> dict:
        """Rename the peer's fields back to ours; unknown fields are kept for validation."""
        reverse = {theirs: ours for ours, theirs in self.field_map.items()}
        return {reverse.get(key, key): value for key, value in data.items()}


def peers_configured() -> list[Peer]:
    return [
        Peer(name=p["name"], url=p["url"], secret=p["secret"], field_map=p.get("field_map", {}))
        for p in settings.SYNC_PEERS
    ]


def peer_get(name: str) -> Peer | None:
    return next((p for p in peers_configured() if p.name == name), None)
