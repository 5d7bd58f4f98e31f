"""`make sync-demo`: two sites keep their members in step, also across an outage."""

import tempfile
from pathlib import Path

from scripts.sitepair import site_pair


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        a, b = site_pair(Path(tmp))
        a.start()
        b.start()
        try:
            print(f"site A on {a.url}, site B on {b.url} (separate SQLite databases)")
            alice = a.register("alice")
            print(f"registered alice on A as {alice['id']}; on B: {b.member(alice['id'])}")
            bob = b.register("bob")
            print(f"registered bob on B as {bob['id']}; on A: {a.member(bob['id'])}")
            b.stop()
            print("B stopped")
            carol = a.register("carol")
            print(f"registered carol on A as {carol['id']} while B is down")
            b.start()
            print(f"B restarted; before the retry B has carol: {b.member(carol['id'])}")
            print(f"A: {a.retry_failed().strip()}")
            print(f"after the retry B has carol: {b.member(carol['id'])}")
        finally:
            a.stop()
            b.stop()


if __name__ == "__main__":
    main()
