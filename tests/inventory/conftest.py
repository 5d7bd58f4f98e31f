import pytest
from django.db import connection

from tests.inventory.factories import CustomerFactory, ItemFactory
from tests.members.factories import UserFactory


def inventory_clerk(**fields):
    """A staff member holding every inventory permission (what the admin's "inventory" group
    would give): what the inventory API asks of staff (core.permissions.StaffWithPerms)."""
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True, **fields)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="inventory"))
    return user


@pytest.fixture
def staff_user(db):
    """In the inventory tests `staff_user` (and so `staff_client`) is an inventory clerk."""
    return inventory_clerk()


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
