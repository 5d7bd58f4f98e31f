import pytest

from randomdata import demo
from randomdata.models import Address, CreditCard, RandomUser

pytestmark = pytest.mark.django_db


@pytest.fixture
def offline(settings, unreachable_url):
    settings.RANDOM_DATA_API_URL = unreachable_url
    settings.RANDOM_DATA_DEMO_TIMEOUT = 1.0
    settings.RANDOM_DATA_FINGERPRINT_KEY = "demo-key"


def test_unreachable_upstream_loads_the_bundled_fixtures_and_says_so(offline, unreachable_url):
    summary = demo.seed()
    assert summary == (
        "3 users (with 3 embedded addresses and 3 embedded cards), 3 addresses, 12 credit_cards "
        "created "
        f"(upstream {unreachable_url} unreachable, loaded the bundled fixtures)"
    )
    assert (RandomUser.objects.count(), Address.objects.count(), CreditCard.objects.count()) == (
        3,
        6,
        15,
    )
    assert Address.objects.filter(user__isnull=False).count() == 3


def test_seed_is_idempotent(offline):
    demo.seed()
    assert demo.seed() == (
        "random data already there (3 users, 6 addresses (3 embedded in users), "
        "15 cards (3 embedded in users))"
    )
    assert RandomUser.objects.count() == 3


def test_reachable_upstream_is_used(upstream):
    summary = demo.seed()
    assert summary == (
        "5 users (with 5 embedded addresses and 5 embedded cards), 5 addresses, 5 credit_cards "
        f"created (fetched from {upstream.url})"
    )


def test_without_a_fingerprint_key_only_addresses_are_loaded(offline, settings):
    settings.RANDOM_DATA_FINGERPRINT_KEY = ""
    settings.RANDOM_DATA_FINGERPRINT_DERIVE = False
    summary = demo.seed()
    assert summary.startswith("3 addresses created")
    assert "set RANDOM_DATA_FINGERPRINT_KEY" in summary
    assert (RandomUser.objects.count(), CreditCard.objects.count()) == (0, 0)


def test_bundled_fixtures_live_inside_the_app():
    assert demo.fixtures_dir().parent.name == "randomdata"
    assert len(list(demo.fixtures_dir().glob("*.json"))) == 9
