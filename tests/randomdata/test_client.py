import pytest

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


def test_retry_after_is_honoured(upstream):
    upstream.faults.append({"status": 429, "headers": {"Retry-After": "1"}})
    waits: list[float] = []
    records = RandomDataClient(sleep=waits.append).fetch_page("users", 2)
    assert len(records) == 2
    assert waits == [1.0]


def test_retry_after_longer_than_the_limit_gives_up_at_once(upstream):
    upstream.faults.append({"status": 429, "headers": {"Retry-After": "3600"}})
    waits: list[float] = []
    with pytest.raises(UpstreamUnavailable, match="Retry-After 3600s"):
        RandomDataClient(sleep=waits.append).fetch_page("users", 2)
    assert waits == []
    assert len(upstream.requests) == 1


def test_backoff_grows_exponentially_with_jitter_and_a_cap(upstream):
    upstream.faults.extend([{"status": 500}] * 4)
    waits: list[float] = []
    client = RandomDataClient(sleep=waits.append, backoff_base=1, backoff_cap=3, retries=4)
    client.fetch_page("users", 2)
    bounds = [(0.5, 1), (1, 2), (1.5, 3), (1.5, 3)]
    assert [low <= w <= high for w, (low, high) in zip(waits, bounds, strict=True)] == [True] * 4


def test_persistent_5xx_ends_in_unavailable_naming_the_url(upstream):
    upstream.faults.extend([{"status": 500}] * 10)
    with pytest.raises(UpstreamUnavailable, match=f"{upstream.url}/users unreachable after 4"):
        RandomDataClient().fetch_page("users", 2)


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
    with pytest.raises(UpstreamBadResponse, match=message):
        RandomDataClient().fetch_page("users", 2)
    assert len(upstream.requests) == 1


def test_connection_refused_is_unavailable(unreachable_url, settings):
    settings.RANDOM_DATA_BACKOFF_BASE = 0.001
    with pytest.raises(UpstreamUnavailable, match="ConnectionError") as excinfo:
        RandomDataClient(base_url=unreachable_url, retries=1).fetch_page("users", 2)
    assert excinfo.value.url == f"{unreachable_url}/users"
