import email.utils
import time
import types

import pytest
import urllib3.util.retry

from randomdata.client import RandomDataClient, UpstreamBadResponse, UpstreamUnavailable


def test_single_object_and_list_answers_are_normalised(upstream):
    client = RandomDataClient()
    one = client.fetch_page("users", 1)
    many = client.fetch_page("users", 3)
    assert [len(one), len(many)] == [1, 3]
    assert upstream.requests == [("users", 1), ("users", 3)]


def test_large_sizes_are_split_into_requests_of_at_most_100(upstream):
    pages = list(RandomDataClient().pages("addresses", 250))
    assert [len(p) for p in pages] == [100, 100, 50]
    assert upstream.requests == [("addresses", 100), ("addresses", 100), ("addresses", 50)]


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_transient_status_is_retried_then_succeeds(upstream, status):
    upstream.faults.extend([{"status": status}, {"status": status}])
    records = RandomDataClient().fetch_page("credit_cards", 2)
    assert len(records) == 2
    assert len(upstream.requests) == 3


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """The pauses urllib3's Retry takes, recorded instead of slept (only its own clock is
    replaced: the server thread and everything else keep the real one)."""
    recorded: list[float] = []
    fake_time = types.SimpleNamespace(sleep=recorded.append, time=time.time)
    monkeypatch.setattr(urllib3.util.retry, "time", fake_time)
    return recorded


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured(upstream, waits, status):
    upstream.faults.append({"status": status, "headers": {"Retry-After": "2"}})
    records = RandomDataClient().fetch_page("users", 2)
    assert len(records) == 2
    assert waits == [2]


def test_retry_after_as_an_http_date_is_honoured(upstream, waits):
    when = email.utils.formatdate(time.time() + 3, usegmt=True)
    upstream.faults.append({"status": 429, "headers": {"Retry-After": when}})
    RandomDataClient().fetch_page("users", 2)
    assert len(waits) == 1
    assert 1 <= waits[0] <= 3


def test_malformed_retry_after_falls_back_to_the_backoff(upstream, waits):
    upstream.faults.extend([{"status": 429, "headers": {"Retry-After": "soon"}}] * 2)
    records = RandomDataClient(backoff_base=1, backoff_cap=3).fetch_page("users", 2)
    assert len(records) == 2
    assert len(upstream.requests) == 3
    assert len(waits) == 1
    assert 2 <= waits[0] <= 3


def test_retry_after_longer_than_the_limit_gives_up_at_once(upstream, waits):
    upstream.faults.append({"status": 429, "headers": {"Retry-After": "3600"}})
    with pytest.raises(UpstreamUnavailable, match="Retry-After 3600s is longer than") as excinfo:
        RandomDataClient().fetch_page("users", 2)
    assert "RANDOM_DATA_RETRY_AFTER_MAX (5s)" in str(excinfo.value)
    assert waits == []
    assert len(upstream.requests) == 1


def test_backoff_grows_exponentially_with_jitter_and_a_cap(upstream, waits):
    upstream.faults.extend([{"status": 500}] * 4)
    client = RandomDataClient(backoff_base=1, backoff_cap=3, retries=4)
    client.fetch_page("users", 2)
    # urllib3 retries the first failure at once, then waits base·2^(n-1) plus up to one base
    # of jitter, never more than the cap: 0 (not slept), 2..3, min(3, 4..5), min(3, 8..9).
    assert len(waits) == 3
    assert 2 <= waits[0] <= 3
    assert waits[1:] == [3, 3]


def test_retries_zero_makes_one_attempt(upstream):
    upstream.faults.append({"status": 503})
    with pytest.raises(UpstreamUnavailable, match="unreachable after 1 attempt"):
        RandomDataClient(retries=0).fetch_page("users", 2)
    assert len(upstream.requests) == 1


def test_persistent_5xx_ends_in_unavailable_naming_the_url(upstream):
    upstream.faults.extend([{"status": 500}] * 10)
    with pytest.raises(UpstreamUnavailable, match=f"{upstream.url}/users unreachable after 4") as e:
        RandomDataClient().fetch_page("users", 2)
    assert str(e.value).endswith(": HTTP 500")  # the status, never the body
    assert len(upstream.requests) == 4


def test_slow_answer_times_out_and_is_retried(upstream, settings):
    settings.RANDOM_DATA_READ_TIMEOUT = 0.05
    upstream.faults.append({"delay": 0.3})
    records = RandomDataClient().fetch_page("users", 2)
    assert len(records) == 2
    assert len(upstream.requests) == 2


def test_slow_answers_every_time_end_in_unavailable(upstream, settings):
    settings.RANDOM_DATA_READ_TIMEOUT = 0.05
    settings.RANDOM_DATA_RETRIES = 1
    upstream.faults.extend([{"delay": 0.3}] * 2)
    with pytest.raises(UpstreamUnavailable, match="Timeout"):
        RandomDataClient().fetch_page("users", 2)


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ({"body": b'[{"uid": '}, "Malformed JSON"),
        ({"body": b'"just a string"'}, "expected an object or a list"),
        ({"status": 404}, "HTTP 404"),
    ],
)
def test_unusable_answers_are_not_retried(upstream, fault, message):
    upstream.faults.append(fault)
    with pytest.raises(UpstreamBadResponse, match=message) as excinfo:
        RandomDataClient().fetch_page("users", 2)
    assert len(upstream.requests) == 1
    bodies = ['[{"uid"', "just a string", "not found"]  # what the upstream answered
    assert [body for body in bodies if body in str(excinfo.value)] == []


def test_connection_refused_is_unavailable(unreachable_url, settings):
    settings.RANDOM_DATA_BACKOFF_BASE = 0.001
    with pytest.raises(UpstreamUnavailable, match="ConnectionError") as excinfo:
        RandomDataClient(base_url=unreachable_url, retries=1).fetch_page("users", 2)
    assert excinfo.value.url == f"{unreachable_url}/users"
