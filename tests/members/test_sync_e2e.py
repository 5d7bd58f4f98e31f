"""Two real instances of the project on 127.0.0.1 syncing members both ways and across an outage."""

import requests

from scripts.sitepair import site_pair


def test_two_sites_keep_their_members_in_step(tmp_path):
    a, b = site_pair(tmp_path)
    a.start()
    b.start()
    try:
        alice = a.register("alice")
        assert b.member(alice["id"]) == {
            "id": alice["id"],
            "username": "alice",
            "email": "alice@example.com",
            "real_name": "Alice",
            "tz": "Europe/Berlin",
            "is_active": True,
        }
        bob = b.register("bob")
        assert a.member(bob["id"])["username"] == "bob"

        b.stop()
        carol = a.register("carol")  # B is down: A keeps the delivery and retries later
        b.start()
        assert b.member(carol["id"]) is None
        assert "1 delivered" in a.retry_failed()
        assert b.member(carol["id"])["username"] == "carol"

        tampered = requests.post(
            f"{b.url}/api/v1/sync/users/",
            data=b'{"type": "user.created", "data": {"id": "W0EV1L000"}}',
            headers={
                "content-type": "application/json",
                "webhook-id": "msg_x",
                "webhook-timestamp": "1700000000",
                "webhook-signature": "v1,AAAA",
            },
            timeout=10,
        )
        assert tampered.status_code == 401
        assert b.member("W0EV1L000") is None
    finally:
        a.stop()
        b.stop()
