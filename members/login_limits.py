"""Login limits: the one gate in front of every door that checks a password.

The API login (`LoginSerializer`) and the admin login (`members.admin_site`) both call
`login_authenticate`, so both doors share the same counters, in the default cache that every
server process shares. Two limits:

- per client address (`core.clients.client_address`, so `X-Forwarded-For` counts only as far as
  `NUM_PROXIES` says): at most `LOGIN_ADDRESS_RATE` attempts (`THROTTLE_LOGIN`, e.g. 5/min),
  whatever the username and whether the password was right;
- per username, normalised as the login normalises it (NFKC, and casefolded so that `Admin`,
  `ADMIN` and its fullwidth spelling share one counter whatever the lookup does): after
  `LOGIN_LOCKOUT_THRESHOLD` failures the username is locked for `LOGIN_LOCKOUT_SECONDS`; each
  further failure (the first attempt after a lock ends, if it fails) locks it again for twice as
  long, up to `LOGIN_LOCKOUT_MAX_SECONDS`. While locked, even the right password is refused.
  A successful login clears the count; so does `LOGIN_LOCKOUT_RESET_SECONDS` without a
  failure. Spreading guesses over many addresses therefore does not help.

Refusals raise DRF's `Throttled` (429 with `Retry-After` through the exception handler).
"""

import hashlib
import math
import time
import unicodedata

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from rest_framework.exceptions import Throttled
from rest_framework.throttling import SimpleRateThrottle

from core.clients import client_address
from members.models import User

# Longest a password check may hold a username's turn; a crashed process frees it after this.
_TURN_SECONDS = 30


class _AddressThrottle(SimpleRateThrottle):
    """DRF's sliding-window throttle (the one `register` uses), for login attempts per address."""

    def get_rate(self) -> str:
        return settings.LOGIN_ADDRESS_RATE

    def get_cache_key(self, request, view) -> str:
        return f"login:address:{_digest(client_address(request))}"


def login_authenticate(*, request, username: str, password: str) -> User | None:
    """The user these credentials belong to, or None, within the login limits.

    Records the attempt for the client address and, when the password is wrong, a failure for
    the username (locking it past the threshold); a right password clears the username's
    failures. Raises `Throttled` without checking the password while either is over its limit.
    """
    _address_attempt_record(request)
    key = f"login:username:{_digest(username_normalize(username))}"
    # One password check per username at a time: concurrent guesses could otherwise all pass
    # the lock check before any of them records its failure.
    turn = f"{key}:turn"
    if not cache.add(turn, True, _TURN_SECONDS):
        raise Throttled(wait=1)
    try:
        record = cache.get(key) or {"failures": 0, "locked_until": 0.0}
        now = time.time()
        if record["locked_until"] > now:
            raise Throttled(wait=_seconds(record["locked_until"] - now))
        user = authenticate(request, username=username, password=password)
        if user is None:
            _failure_record(key, record["failures"] + 1)
        else:
            cache.delete(key)
        return user
    finally:
        cache.delete(turn)


def username_normalize(username: str) -> str:
    """The form a username is counted under: stripped, NFKC and casefolded."""
    folded = unicodedata.normalize("NFKC", username.strip()).casefold()
    return unicodedata.normalize("NFKC", folded)


def lockout_seconds(failures: int) -> int:
    """How long a username is locked after `failures` failures in a row (0: not locked)."""
    over = failures - settings.LOGIN_LOCKOUT_THRESHOLD
    if over < 0:
        return 0
    # The exponent is bounded so that a long run of failures cannot overflow anything.
    lock = settings.LOGIN_LOCKOUT_SECONDS * 2 ** min(over, 32)
    return min(lock, settings.LOGIN_LOCKOUT_MAX_SECONDS)


def _address_attempt_record(request) -> None:
    throttle = _AddressThrottle()
    if not throttle.allow_request(request, None):
        raise Throttled(wait=_seconds(throttle.wait() or 1))


def _failure_record(key: str, failures: int) -> None:
    lock = lockout_seconds(failures)
    record = {"failures": failures, "locked_until": time.time() + lock if lock else 0.0}
    cache.set(key, record, max(settings.LOGIN_LOCKOUT_RESET_SECONDS, lock))


def _digest(value: str) -> str:
    # Fixed-length, ASCII cache keys whatever the caller sent (the database cache's key column
    # holds 255 characters; memcached refuses spaces and control characters).
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def _seconds(wait: float) -> int:
    return max(1, math.ceil(wait))
