import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from randomdata.models import Address, CreditCard, IngestionRun, RandomUser
from tests.randomdata.server import make_record

pytestmark = pytest.mark.django_db


def _call(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_fetch_one_kind_prints_counts(upstream):
    output = _call("fetch_random_data", "users", "--size", "5")
    assert "users: 5 created, 0 updated, 0 skipped" in output
    assert RandomUser.objects.count() == 5


def test_fetch_all_kinds(upstream):
    output = _call("fetch_random_data", "all", "--size", "3")
    assert [line.split(" (run")[0] for line in output.splitlines()] == [
        "users: 3 created, 0 updated, 0 skipped",
        "addresses: 3 created, 0 updated, 0 skipped",
        "credit_cards: 3 created, 0 updated, 0 skipped",
    ]
    assert (Address.objects.count(), CreditCard.objects.count()) == (6, 6)


def test_fetch_again_updates_and_reports_skips(upstream):
    _call("fetch_random_data", "addresses", "--size", "2")
    upstream.rewind()
    upstream.records["addresses"] = [
        make_record("addresses", 0),
        make_record("addresses", 1, latitude=123.0),
    ]
    output = _call("fetch_random_data", "addresses", "--size", "2")
    assert "addresses: 0 created, 1 updated, 1 skipped" in output
    assert "skipped record 1: latitude: outside ±90" in output


def test_unreachable_upstream_exits_1_naming_the_url(settings, unreachable_url):
    settings.RANDOM_DATA_API_URL = unreachable_url
    settings.RANDOM_DATA_RETRIES = 1
    settings.RANDOM_DATA_BACKOFF_BASE = 0.001
    with pytest.raises(CommandError, match=f"{unreachable_url}/users") as excinfo:
        _call("fetch_random_data", "users", "--size", "5")
    assert excinfo.value.returncode == 1
    assert RandomUser.objects.count() == 0
    assert IngestionRun.objects.get().status == "failed"


def test_size_must_be_positive(db):
    with pytest.raises(CommandError, match="--size"):
        _call("fetch_random_data", "users", "--size", "0")


def test_link_and_undo(upstream):
    upstream.records["users"] = [{**make_record("users", 0), "address": None}]
    _call("fetch_random_data", "users", "--size", "1")
    _call("fetch_random_data", "addresses", "--size", "2")
    assert _call("link_random_data") == "1 addresses and 0 credit cards assigned.\n"
    assert Address.objects.filter(user__isnull=False).count() == 1
    assert _call("link_random_data", "--undo") == "1 addresses and 0 credit cards unassigned.\n"
    assert Address.objects.filter(user__isnull=False).count() == 0
