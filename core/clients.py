"""Who is calling: the one place that turns a request into a client address.

Every limit keyed on an address (DRF's throttles, the login limits) uses `client_address`, so
a header that one of them ignores cannot be used to slip past another.
"""

import ipaddress

from rest_framework.settings import api_settings


def client_address(request) -> str:
    """The caller's IP address, trusting `X-Forwarded-For` only as far as `NUM_PROXIES` says.

    `NUM_PROXIES` = 0 (the default): the header is ignored and `REMOTE_ADDR` (the peer of the
    socket) is the client. `NUM_PROXIES` = N: we sit behind N proxies that each append the
    address they saw, so the N-th entry from the right is the last one a trusted proxy wrote;
    anything left of it was sent by the client and proves nothing. An entry that is not an IP
    address (a misconfigured proxy) falls back to `REMOTE_ADDR`, which groups those callers
    together rather than letting them pick their own identity.

    Works on Django's `HttpRequest` and DRF's `Request` alike (it reads only `META`).
    """
    remote = request.META.get("REMOTE_ADDR", "")
    num_proxies = max(int(api_settings.NUM_PROXIES or 0), 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if num_proxies and forwarded.strip():
        entries = [entry.strip() for entry in forwarded.split(",")]
        candidate = entries[-min(num_proxies, len(entries))]
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            pass
    return remote
