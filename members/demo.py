"""Demo members for `manage.py seed_demo`.

Every demo member is known by the demo's own key (core.demo_rows), never by a username a user
may have taken: the four sample members (who cannot log in) under `member:<username>`, the
login demo member, who signs in at /accounts/login/ and whose year of usages /carbon/ shows
(carbon.demo), under `member:login-demo`. A sample whose username a user holds (any case) is
made under `<username>.demo` (then `.demo2`, ...) and the user's account is left alone.
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


def _sample_key(sample: dict) -> str:
    return f"member:{sample['username']}"


def sample_members() -> list[User]:
    """The four sample members seed_demo made (those still there)."""
    found = (demo_row_get(model=User, key=_sample_key(sample)) for sample in DEMO_MEMBERS)
    return [member for member in found if member is not None]


def _free_username(username: str) -> str | None:
    for candidate in [username, f"{username}.demo", *(f"{username}.demo{n}" for n in range(2, 10))]:
        if not users_named(username=candidate).exists():
            return candidate
    return None


def _adoptable(sample: dict) -> User | None:
    """A sample an earlier seed_demo made before the demo kept keys: same username and email,
    and no usable password (seeded members have none; a user's own account has one)."""
    member = User.objects.filter(username=sample["username"], email=sample["email"]).first()
    if member is None or member.has_usable_password():
        return None
    return member


@transaction.atomic
def _samples_seed() -> tuple[int, int, list[str]]:
    missing, present, notes = [], 0, []
    for sample in DEMO_MEMBERS:
        key = _sample_key(sample)
        if demo_row_get(model=User, key=key) is not None:
            present += 1
        elif (adopted := _adoptable(sample)) is not None:
            demo_row_claim(obj=adopted, key=key)
            present += 1
        elif (username := _free_username(sample["username"])) is None:
            notes.append(f"{sample['username']}: every demo username is taken, not created")
        else:
            missing.append((key, {**sample, "username": username}))
    ids = users_bulk_create(rows=[row for _, row in missing])
    members = User.objects.in_bulk(ids)
    for (key, _), member_id in zip(missing, ids, strict=True):
        demo_row_claim(obj=members[member_id], key=key)
    return len(ids), present, notes


def seed() -> str:
    """Create the demo members that are missing (the four samples have no usable password),
    and the login demo member once."""
    created, present, notes = _samples_seed()
    line = f"{created} demo members created, {present} already there"
    if notes:
        line += " (" + "; ".join(notes) + ")"
    return f"{line}; " + login_member_seed()
