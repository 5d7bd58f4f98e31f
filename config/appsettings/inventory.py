"""Settings of the inventory app, from the environment (document each in .env.example)."""

from decouple import config  # noqa: F401
