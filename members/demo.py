"""Demo members for `manage.py seed_demo` (idempotent: keyed by username)."""

from members.models import User
from members.services import users_bulk_create

DEMO_MEMBERS = [
    {
        "username": "ada",
        "real_name": "Ada Lovelace",
        "email": "ada@example.com",
        "tz": "Europe/London",
    },
    {
        "username": "grace",
        "real_name": "Grace Hopper",
        "email": "grace@example.com",
        "tz": "America/New_York",
    },
    {
        "username": "alan",
        "real_name": "Alan Turing",
        "email": "alan@example.com",
        "tz": "Europe/London",
    },
    {
        "username": "katherine",
        "real_name": "Katherine Johnson",
        "email": "katherine@example.com",
        "tz": "America/Chicago",
    },
]


def seed() -> str:
    """Create the demo members that are missing. They have no usable password."""
    existing = set(
        User.objects.filter(username__in=[m["username"] for m in DEMO_MEMBERS]).values_list(
            "username", flat=True
        )
    )
    created = users_bulk_create(rows=[m for m in DEMO_MEMBERS if m["username"] not in existing])
    return f"{len(created)} demo members created, {len(existing)} already there"
