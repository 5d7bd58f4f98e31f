"""The stock rules, spelled once in ItemQuerySet: low stock and the expiry window."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from inventory.models import Item
from tests.inventory.factories import ItemFactory

TODAY = date(2026, 3, 10)


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def test_low_stock_is_at_or_below_the_reorder_level(db):
    ItemFactory(name="below", quantity=4, reorder_level=5)
    ItemFactory(name="at", quantity=5, reorder_level=5)
    ItemFactory(name="above", quantity=6, reorder_level=5)
    ItemFactory(name="empty, no level", quantity=0, reorder_level=0)
    assert names(Item.objects.low_stock()) == {"below", "at", "empty, no level"}
    assert names(Item.objects.not_low_stock()) == {"above"}
    flags = dict(Item.objects.with_low_stock().values_list("name", "is_low_stock"))
    assert flags == {"below": True, "at": True, "above": False, "empty, no level": True}


@pytest.fixture
def by_expiry(db):
    days = {"yesterday": -1, "today": 0, "tomorrow": 1, "edge": 7, "past edge": 8}
    for name, offset in days.items():
        ItemFactory(name=name, expiry_date=TODAY + timedelta(days=offset))
    ItemFactory(name="never", expiry_date=None)


def test_expiring_is_from_today_to_the_window_edge_inclusive(by_expiry):
    assert names(Item.objects.expiring(within_days=7, on=TODAY)) == {"today", "tomorrow", "edge"}
    assert names(Item.objects.expiring(within_days=0, on=TODAY)) == {"today"}


def test_expired_is_before_today(by_expiry):
    assert names(Item.objects.expired(on=TODAY)) == {"yesterday"}


def test_the_default_window_is_the_setting_and_the_default_day_today(db, settings):
    settings.STOCK_LIST_EXPIRY_DAYS = 2
    today = timezone.localdate()
    for offset in (-1, 0, 2, 3):
        ItemFactory(name=str(offset), expiry_date=today + timedelta(days=offset))
    assert names(Item.objects.expiring()) == {"0", "2"}
    assert names(Item.objects.expired()) == {"-1"}
