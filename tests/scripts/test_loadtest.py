"""The pure parts of `make loadtest` (scripts/loadtest.py): wrk output parsing, error counting,
the database guard. The load test itself is a benchmark run by `make loadtest`, not a test."""

import pytest

from scripts.loadtest import WrkResult, database_target, errors_count, wrk_parse

WRK_READ = """\
Running 10s test @ http://127.0.0.1:40123/api/items/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    41.20ms   12.51ms 310.20ms   88.10%
    Req/Sec   195.22     30.17   262.00     71.00%
  Latency Distribution
     50%   38.61ms
     75%   44.02ms
     90%   52.90ms
     99%    1.20s
  3905 requests in 10.01s, 21.40MB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 7
Requests/sec:    390.12
Transfer/sec:      2.14MB
"""

WRK_PURCHASE = """\
Running 3s test @ http://127.0.0.1:40123/api/customer-purchase/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   480.11ms  100.02ms 900.00ms   70.00%
    Req/Sec    15.00      5.00    30.00     60.00%
  Latency Distribution
     50%  473.47ms
     75%  520.00ms
     90%  600.00ms
     99%  780.19ms
  92 requests in 3.01s, 100.00KB read
  Non-2xx or 3xx responses: 12
Requests/sec:     30.56
Transfer/sec:     33.22KB
LOADTEST_STATUS {"201": 80, "409": 12} exhausted=0
"""


def test_wrk_parse_read_run():
    result = wrk_parse(WRK_READ)

    assert (result.rps, result.p50_ms, result.p99_ms, result.requests) == (
        390.12,
        38.61,
        1200.0,
        3905,
    )
    assert result.non_2xx_3xx == 7
    assert result.socket_errors == {"connect": 0, "read": 3, "write": 0, "timeout": 2}
    assert errors_count(result) == 12


def test_wrk_parse_purchase_run_counts_409_apart():
    result = wrk_parse(WRK_PURCHASE)

    assert result.statuses == {"201": 80, "409": 12}
    assert result.exhausted_threads == 0
    assert errors_count(result, expected_statuses=frozenset({"409"})) == 0
    assert errors_count(result) == 12


@pytest.mark.parametrize(
    ("text", "ms"), [("950.00us", 0.95), ("38.61ms", 38.61), ("1.20s", 1200.0), ("2.00m", 120000.0)]
)
def test_wrk_latency_units(text, ms):
    output = WRK_READ.replace("38.61ms", text)

    assert wrk_parse(output).p50_ms == pytest.approx(ms)


def test_wrk_parse_refuses_output_without_figures():
    with pytest.raises(ValueError, match="unexpected wrk output"):
        wrk_parse("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_clean_run_has_no_errors():
    assert errors_count(WrkResult(rps=1.0, p50_ms=1.0, p99_ms=2.0, requests=10)) == 0


@pytest.mark.parametrize(
    "url",
    [
        "postgres://postgres@10.0.0.5:5432/loadtest",
        "postgres://postgres@localhost:5432/loadtest",
        "postgres://postgres@127.0.0.1:5432/test",
        "postgres://postgres@127.0.0.1:5432/postgres",
        "sqlite:///loadtest.sqlite3",
    ],
)
def test_database_guard_refuses_anything_but_a_loopback_loadtest_database(url):
    with pytest.raises(SystemExit):
        database_target(url)


def test_database_guard_accepts_the_default():
    target = database_target("postgres://postgres@127.0.0.1:5432/loadtest_2")

    assert (target["host"], target["port"], target["user"], target["name"]) == (
        "127.0.0.1",
        5432,
        "postgres",
        "loadtest_2",
    )
