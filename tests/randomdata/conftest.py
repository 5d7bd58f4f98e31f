import pytest

from tests.randomdata.server import FakeUpstream


@pytest.fixture
def upstream(settings):
    """A fake random-data API on 127.0.0.1 with tiny retry delays; settings point at it."""
    server = FakeUpstream().start()
    settings.RANDOM_DATA_API_URL = server.url
    settings.RANDOM_DATA_CONNECT_TIMEOUT = 2.0
    settings.RANDOM_DATA_READ_TIMEOUT = 2.0
    settings.RANDOM_DATA_RETRIES = 3
    settings.RANDOM_DATA_BACKOFF_BASE = 0.001
    settings.RANDOM_DATA_BACKOFF_CAP = 0.005
    settings.RANDOM_DATA_RETRY_AFTER_MAX = 5.0
    settings.RANDOM_DATA_FINGERPRINT_KEY = "test-fingerprint-key"
    yield server
    server.stop()


@pytest.fixture
def unreachable_url():
    """A 127.0.0.1 URL where nothing listens (a port bound and released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/v2"
