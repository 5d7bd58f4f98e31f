"""Write a development `.env` for `make run`, unless there is one: DEBUG on, the key in
var/dev_secret_key (so that the documented `python manage.py …` commands work as written), and
a recipient for the stock alert emails, which the console backend prints in the server's log.

An existing `.env` is never changed. Usage: python -m scripts.dev_env [ENV_PATH [KEY_PATH]]
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def dev_env_write(*, env_path: Path, key_path: Path) -> bool:
    """Create `env_path` (DEBUG=true, SECRET_KEY from `key_path`, INVENTORY_ALERT_EMAILS) if
    missing; True if written."""
    if env_path.exists():
        return False
    key = key_path.read_text(encoding="utf-8").strip()
    text = (
        "# Written by `make run` for local development (git-ignored; edit or delete freely,\n"
        "# `make run` never overwrites it). Every setting: .env.example.\n"
        f"DEBUG=true\nSECRET_KEY={key}\n"
        "# Low-stock and expiry alerts: without EMAIL_HOST the console backend prints them in\n"
        "# the `make run` log.\n"
        "INVENTORY_ALERT_EMAILS=stock-alerts@example.com\n"
    )
    with env_path.open("x", encoding="utf-8") as env:  # "x": never over a file made meanwhile
        env.write(text)
    env_path.chmod(0o600)  # it holds a key
    return True


def main(argv: list[str]) -> int:
    env_path = Path(argv[0]) if argv else ROOT / ".env"
    key_path = Path(argv[1]) if len(argv) > 1 else ROOT / "var" / "dev_secret_key"
    if dev_env_write(env_path=env_path, key_path=key_path):
        print(
            f"Wrote {env_path}: DEBUG=true, the development SECRET_KEY from {key_path} and "
            "INVENTORY_ALERT_EMAILS (alert emails are printed in this log)."
        )
    else:
        print(f"{env_path} exists: left as it is (make run does not overwrite it).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
