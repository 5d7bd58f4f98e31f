"""HTTP client for random-data-api.com: timeouts, retries with backoff, paging, normalising.

`RandomDataClient.pages(resource, size)` yields lists of decoded records, at most 100 per
request. Errors are `UpstreamUnavailable` (transient: connection errors, timeouts, 5xx, 429
after the retries are spent) or `UpstreamBadResponse` (the answer cannot be used: 4xx,
malformed JSON, wrong shape). Neither message ever contains response bodies.

Retries are urllib3's (`UpstreamRetry`, mounted on the session through requests'
`HTTPAdapter`): connection and read errors, 5xx and 429, exponential backoff with jitter up
to a cap, `Retry-After` honoured.
"""

import logging
from collections.abc import Iterator

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.exceptions import InvalidHeader, MaxRetryError, ReadTimeoutError, ResponseError
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
RESOURCES = ("users", "addresses", "credit_cards")
TRANSIENT_STATUSES = frozenset([429, *range(500, 600)])


class UpstreamError(Exception):
    def __init__(self, message: str, *, url: str):
        super().__init__(message)
        self.url = url


class UpstreamUnavailable(UpstreamError):
    """Transient: worth retrying later."""


class UpstreamBadResponse(UpstreamError):
    """The upstream answered, but not with usable data."""


class UpstreamRetry(Retry):
    """urllib3's Retry, except that a `Retry-After` longer than `retry_after_limit` is not
    waited for: the retries end there and the caller gets that response (and gives up, so
    the Celery task retries later instead of a worker sleeping for an hour).

    A malformed `Retry-After` is ignored (backoff instead), where urllib3 would raise.
    """

    # Which statuses are retried is `status_forcelist`'s alone: urllib3 would also retry a
    # 413 that carries Retry-After.
    RETRY_AFTER_STATUS_CODES = frozenset()

    def __init__(self, *args, retry_after_limit: float = float("inf"), **kwargs):
        super().__init__(*args, **kwargs)
        self.retry_after_limit = retry_after_limit

    def new(self, **kwargs) -> "UpstreamRetry":
        kwargs.setdefault("retry_after_limit", self.retry_after_limit)
        return super().new(**kwargs)

    def get_retry_after(self, response) -> float | None:
        try:
            return super().get_retry_after(response)
        except InvalidHeader:
            return None

    def retry_after_too_long(self, response) -> float | None:
        """The response's Retry-After in seconds when it is longer than the limit, else None."""
        if response is None or not self.respect_retry_after_header:
            return None
        wait = self.get_retry_after(response)
        return wait if wait is not None and wait > self.retry_after_limit else None

    def increment(self, method=None, url=None, response=None, error=None, **kwargs):
        if self.retry_after_too_long(response) is not None:
            raise MaxRetryError(kwargs.get("_pool"), url, ResponseError("Retry-After too long"))
        retry = super().increment(method, url, response=response, error=error, **kwargs)
        reason = type(error).__name__ if error else f"HTTP {response.status}"
        logger.warning("random-data %s: %s; retrying (%s left)", url, reason, retry.total)
        return retry


def _failure(exc: requests.RequestException) -> str:
    """What went wrong, named as requests names it: ConnectionError, ConnectTimeout, ReadTimeout."""
    cause = exc.args[0] if exc.args else None
    if isinstance(getattr(cause, "reason", None), ReadTimeoutError):
        # requests reports read timeouts that used up the retries as ConnectionError.
        return "ReadTimeout"
    return type(exc).__name__


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
    ):
        def pick(value, name):
            return getattr(settings, name) if value is None else value

        self.base_url = pick(base_url, "RANDOM_DATA_API_URL").rstrip("/")
        self.timeout = (
            pick(connect_timeout, "RANDOM_DATA_CONNECT_TIMEOUT"),
            pick(read_timeout, "RANDOM_DATA_READ_TIMEOUT"),
        )
        self.retries = pick(retries, "RANDOM_DATA_RETRIES")
        self.retry_after_max = pick(retry_after_max, "RANDOM_DATA_RETRY_AFTER_MAX")
        backoff_base = pick(backoff_base, "RANDOM_DATA_BACKOFF_BASE")
        self.retry = UpstreamRetry(
            total=self.retries,
            status_forcelist=TRANSIENT_STATUSES,
            allowed_methods={"GET"},
            # base · 2^(n-1) after the n-th failure in a row (urllib3 retries the first at
            # once), plus up to one base of jitter, never more than the cap.
            backoff_factor=backoff_base,
            backoff_jitter=backoff_base,
            backoff_max=pick(backoff_cap, "RANDOM_DATA_BACKOFF_CAP"),
            respect_retry_after_header=True,
            retry_after_limit=self.retry_after_max,
            raise_on_status=False,  # the last 5xx/429 comes back, to be reported below
        )
        self.session = session or requests.Session()
        self.session.headers.setdefault("Accept", "application/json")
        adapter = HTTPAdapter(max_retries=self.retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

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

    def _get(self, url: str, *, params: dict) -> requests.Response:
        attempts = f"unreachable after {self.retries + 1} attempt(s)"
        try:
            response = self.session.get(url, params=params, timeout=self.timeout)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise UpstreamUnavailable(f"{url} {attempts}: {_failure(exc)}", url=url) from None
        status = response.status_code
        if status < 400:
            return response
        if status not in TRANSIENT_STATUSES:
            raise UpstreamBadResponse(f"HTTP {status} from {url}", url=url)
        wait = self.retry.retry_after_too_long(response.raw)
        if wait is not None:
            raise UpstreamUnavailable(
                f"HTTP {status} from {url}: Retry-After {wait:g}s is longer than "
                f"RANDOM_DATA_RETRY_AFTER_MAX ({self.retry_after_max:g}s)",
                url=url,
            )
        raise UpstreamUnavailable(f"{url} {attempts}: HTTP {status}", url=url)
