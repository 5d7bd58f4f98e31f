"""Two real server processes on one database: the login limits are counted once, not per process.

Both run the production settings, so the counts live in the default cache, the database cache,
whose table `migrate` made (core's first migration). With a per-process cache each server would
admit the full limit: twice the limit in all.
"""

import requests

from scripts.sitepair import Site

LOGIN = "/api/v1/auth/login/"
ADDRESS_LIMIT = 5
USERNAME_THRESHOLD = 3


def _admitted_before_refusal(sites: list[Site], body, client) -> int | None:
    """Wrong logins alternating between the servers: how many were answered before the first 429
    (None if none was refused within the bound)."""
    for n in range(4 * ADDRESS_LIMIT):
        response = requests.post(
            sites[n % len(sites)].url + LOGIN,
            json=body(n),
            headers={"X-Forwarded-For": client(n)},
            timeout=10,
        )
        if response.status_code == 429:
            return n
        assert response.status_code == 400, response.text
    return None


def test_two_server_processes_share_the_login_limits(tmp_path):
    database = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    sites = [Site("web-1", tmp_path), Site("web-2", tmp_path)]
    for site in sites:
        site.extra_env = {
            "DATABASE_URL": database,
            "REDIS_CACHE_URL": "",  # the embedded default: the database cache
            "NUM_PROXIES": "1",  # so that the test can speak for many clients from 127.0.0.1
            "THROTTLE_LOGIN": f"{ADDRESS_LIMIT}/min",
            "LOGIN_LOCKOUT_THRESHOLD": str(USERNAME_THRESHOLD),
            "LOGIN_LOCKOUT_SECONDS": "600",
        }
    sites[0].manage("migrate", "--noinput", "-v", "0")
    try:
        for site in sites:
            site.start()
        sites[0].register("alice")
        password = "alice-long-passphrase-42"

        # One client, a new username each time: the per-address limit.
        per_address = _admitted_before_refusal(
            sites,
            lambda n: {"username": f"nobody{n}", "password": "guess"},
            lambda n: "198.51.100.1",
        )
        # One username, a new client each time: the per-username lock-out.
        per_username = _admitted_before_refusal(
            sites,
            lambda n: {"username": "alice", "password": f"guess-{n}"},
            lambda n: f"203.0.113.{n + 1}",
        )
        right_password = [
            requests.post(
                site.url + LOGIN,
                json={"username": "alice", "password": password},
                headers={"X-Forwarded-For": "203.0.113.200"},
                timeout=10,
            )
            for site in sites
        ]
    finally:
        for site in sites:
            site.stop()

    assert per_address == ADDRESS_LIMIT
    assert per_username == USERNAME_THRESHOLD
    assert [response.status_code for response in right_password] == [429, 429]
    assert all(int(response.headers["Retry-After"]) > 500 for response in right_password)
