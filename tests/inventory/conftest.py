import pytest
from django.db import connection

from tests.inventory.factories import CustomerFactory, ItemFactory


@pytest.fixture(autouse=True)
def _stock_list_path(settings, tmp_path):
    """Stock lists go to a per-test folder, never to var/."""
    settings.STOCK_LIST_PATH = str(tmp_path / "var" / "stocklist.txt")


@pytest.fixture
def customer(db):
    return CustomerFactory()


@pytest.fixture
def items(db):
    return ItemFactory.create_batch(3, quantity=10)


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks (select_for_update) and concurrent writers need PostgreSQL; "
    "SQLite serialises whole-database writes instead",
)
