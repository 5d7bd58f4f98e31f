"""Demo members for `manage.py seed_demo`.

The four sample members cannot log in and are keyed by username. The login demo member, who
can sign in at /accounts/login/ and whose year of usages /carbon/ shows (carbon.demo), is
keyed by the demo's own key (core.demo_rows), never by a username a user may have taken.
"""

import secrets

from decouple import config
from django.core.exceptions import ValidationError
from django.db import transaction

from core.demo_rows import demo_row_claim, demo_row_get
from members.models import User
from members.selectors import users_named
from members.services import user_create, users_bulk_create

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


LOGIN_MEMBER_KEY = "member:login-demo"
LOGIN_MEMBER = {
    "real_name": "Demo Member",
    "email": "demo@example.com",
    "tz": "Europe/Berlin",
}
# The login demo member's username: the first of these that no user has taken (any case).
LOGIN_USERNAMES = ["demo", *(f"demo-member-{n}" for n in range(2, 10))]


def login_member() -> User | None:
    """The login demo member, if seed_demo made one and it still exists."""
    return demo_row_get(model=User, key=LOGIN_MEMBER_KEY)


@transaction.atomic
def login_member_seed() -> str:
    """Create the login demo member once, with DEMO_MEMBER_PASSWORD or a generated password.

    A generated password is in the returned line, which seed_demo prints: it is shown once,
    as the admin's is; a later run finds the member by its key and shows no password.
    """
    member = login_member()
    if member is not None:
        return f'login demo member "{member.username}" already there; password not shown again'
    username = next((u for u in LOGIN_USERNAMES if not users_named(username=u).exists()), None)
    if username is None:
        return f"login demo member not created: the usernames {LOGIN_USERNAMES} are all taken"
    given = config("DEMO_MEMBER_PASSWORD", default="")
    password = given or secrets.token_urlsafe(18)
    try:
        member = user_create(username=username, password=password, **LOGIN_MEMBER)
    except ValidationError as exc:
        return "login demo member not created: DEMO_MEMBER_PASSWORD refused: " + " ".join(
            exc.messages
        )
    demo_row_claim(obj=member, key=LOGIN_MEMBER_KEY)
    if given:
        return f'login demo member "{username}" created (password from DEMO_MEMBER_PASSWORD)'
    return (
        f'login demo member "{username}" created; '
        f"generated password (shown once, store it now): {password}"
    )


def seed() -> str:
    """Create the demo members that are missing (the four samples have no usable password),
    and the login demo member once."""
    existing = set(
        User.objects.filter(username__in=[m["username"] for m in DEMO_MEMBERS]).values_list(
            "username", flat=True
        )
    )
    created = users_bulk_create(rows=[m for m in DEMO_MEMBERS if m["username"] not in existing])
    return (
        f"{len(created)} demo members created, {len(existing)} already there; "
        + login_member_seed()
    )
