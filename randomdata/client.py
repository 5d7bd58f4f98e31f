"""HTTP client for random-data-api.com: timeouts, retries with backoff, paging, normalising.

`RandomDataClient.pages(resource, size)` yields lists of decoded records, at most 100 per
request. Errors are `UpstreamUnavailable` (transient: connection errors, timeouts, 5xx, 429
after the retries are spent) or `UpstreamBadResponse` (the answer cannot be used: 4xx,
malformed JSON, wrong shape). Neither message ever contains response bodies.
"""

import email.utils
import logging
import random
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
RESOURCES = ("users", "addresses", "credit_cards")


class UpstreamError(Exception):
    def __init__(self, message: str, *, url: str):
        super().__init__(message)
        self.url = url


class UpstreamUnavailable(UpstreamError):
    """Transient: worth retrying later."""


class UpstreamBadResponse(UpstreamError):
    """The upstream answered, but not with usable data."""


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class RandomDataClient:
    def __init__(
        self,
        *,
        base_url: str | None = None,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        retries: int | None = None,
        backoff_base: float | None = None,
        backoff_cap: float | None = None,
        retry_after_max: float | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        def pick(value, name):
            return getattr(settings, name) if value is None else value

        self.base_url = pick(base_url, "RANDOM_DATA_API_URL").rstrip("/")
        self.timeout = (
            pick(connect_timeout, "RANDOM_DATA_CONNECT_TIMEOUT"),
            pick(read_timeout, "RANDOM_DATA_READ_TIMEOUT"),
        )
        self.retries = pick(retries, "RANDOM_DATA_RETRIES")
        self.backoff_base = pick(backoff_base, "RANDOM_DATA_BACKOFF_BASE")
        self.backoff_cap = pick(backoff_cap, "RANDOM_DATA_BACKOFF_CAP")
        self.retry_after_max = pick(retry_after_max, "RANDOM_DATA_RETRY_AFTER_MAX")
        self.session = session or requests.Session()
        self.session.headers.setdefault("Accept", "application/json")
        self.sleep = sleep

    def url(self, resource: str) -> str:
        return f"{self.base_url}/{resource}"

    def pages(self, resource: str, size: int) -> Iterator[list[dict]]:
        """Fetch `size` records as pages of at most 100 (one request each)."""
        if resource not in RESOURCES:
            raise ValueError(f"Unknown resource {resource!r}; expected one of {RESOURCES}")
        remaining = size
        while remaining > 0:
            ask = min(remaining, MAX_PAGE_SIZE)
            yield self.fetch_page(resource, ask)
            remaining -= ask

    def fetch_page(self, resource: str, size: int) -> list[dict | object]:
        """One request for `size` (1..100) records, normalised to a list."""
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise ValueError(f"size must be between 1 and {MAX_PAGE_SIZE}")
        url = self.url(resource)
        response = self._get(url, params={"size": size})
        try:
            data = response.json()
        except ValueError:
            raise UpstreamBadResponse(f"Malformed JSON from {url}", url=url) from None
        # `size=1` (or no size) answers one object; larger sizes answer a list.
        if isinstance(data, dict):
            return [data]
        if isinstance(data, list):
            return data
        raise UpstreamBadResponse(
            f"Unexpected JSON from {url}: expected an object or a list, got {type(data).__name__}",
            url=url,
        )

    def _backoff(self, attempt: int) -> float:
        return min(self.backoff_cap, self.backoff_base * 2**attempt) * random.uniform(0.5, 1.0)

    def _get(self, url: str, *, params: dict) -> requests.Response:
        attempt = 0
        while True:
            try:
                response = self.session.get(url, params=params, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                reason = f"{type(exc).__name__}"
                delay = self._backoff(attempt)
            else:
                status = response.status_code
                if status < 400:
                    return response
                if status != 429 and status < 500:
                    raise UpstreamBadResponse(f"HTTP {status} from {url}", url=url)
                reason = f"HTTP {status}"
                delay = self._backoff(attempt)
                retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
                if retry_after is not None:
                    if retry_after > self.retry_after_max:
                        raise UpstreamUnavailable(
                            f"{reason} from {url}: Retry-After {retry_after:g}s is longer than "
                            f"RANDOM_DATA_RETRY_AFTER_MAX ({self.retry_after_max:g}s)",
                            url=url,
                        )
                    delay = retry_after
            if attempt >= self.retries:
                raise UpstreamUnavailable(
                    f"{url} unreachable after {attempt + 1} attempt(s): {reason}", url=url
                )
            logger.warning("random-data %s: %s; retry in %.3fs", url, reason, delay)
            self.sleep(delay)
            attempt += 1
