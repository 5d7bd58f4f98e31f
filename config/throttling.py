"""DRF throttle classes that settings name by dotted path.

DRF's own classes, keyed on `core.clients.client_address` (the one function every address-keyed
limit uses) instead of DRF's `get_ident`. Their counters live in the default cache, which every
server process shares (see CACHES).
"""

from rest_framework import throttling

from core.clients import client_address


class _ClientAddressMixin:
    def get_ident(self, request) -> str:
        return client_address(request)


class AnonRateThrottle(_ClientAddressMixin, throttling.AnonRateThrottle):
    """Anonymous callers, per client address (`anon` rate)."""


class UserRateThrottle(_ClientAddressMixin, throttling.UserRateThrottle):
    """Authenticated callers per user, anonymous ones per client address (`user` rate)."""


class ScopedRateThrottle(_ClientAddressMixin, throttling.ScopedRateThrottle):
    """Views that set `throttle_scope` (register, sync): that scope's rate, per user or address.

    Listed among the default classes, so views name only their scope and need not import it.
    Views without a scope are not limited by it.
    """
