"""Real threads, each on its own database connection, against PostgreSQL row locks."""

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from django.db.models import Sum

from inventory.exceptions import InsufficientStock
from inventory.ledger import ledger_breaks
from inventory.models import Invoice, InvoiceLine, Item, StockMovement
from inventory.services import PurchaseLine, item_stock_adjust, purchase_create, purchase_update
from tests.inventory.conftest import postgres_only
from tests.inventory.factories import CustomerFactory, ItemFactory
from tests.members.factories import UserFactory

pytestmark = [postgres_only, pytest.mark.postgres]


def run_together(jobs: list[Callable[[], object]]) -> list[object]:
    """Start every job at the same moment, each in its own thread; return results or errors."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def worker(index: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def buy(customer_id: int, *item_ids: int) -> Callable[[], Invoice]:
    lines = [PurchaseLine(item=pk, quantity=1) for pk in item_ids]
    return lambda: purchase_create(customer_id=customer_id, lines=lines)


def test_twenty_buyers_for_ten_units_never_oversell(transactional_db):
    item = ItemFactory(quantity=10)
    customers = CustomerFactory.create_batch(20)
    results = run_together([buy(c.pk, item.pk) for c in customers])
    outcomes = Counter(type(result).__name__ for result in results)
    assert outcomes == {"Invoice": 10, "InsufficientStock": 10}
    assert all(isinstance(r, Invoice | InsufficientStock) for r in results)
    assert Item.objects.get(pk=item.pk).quantity == 0
    assert InvoiceLine.objects.filter(item=item).aggregate(n=Sum("quantity"))["n"] == 10
    # The ledger: the initial 10, then ten purchases of one, each balance one lower.
    assert list(
        StockMovement.objects.filter(item=item).order_by("id").values_list("delta", "balance_after")
    ) == [(10, 10)] + [(-1, left) for left in range(9, -1, -1)]
    assert ledger_breaks() == []


def take_out(item_id: int, actor) -> Callable[[], Item]:
    item = Item(pk=item_id)  # each thread's own copy; the service reads the stock under lock
    return lambda: item_stock_adjust(item=item, delta=-1, actor=actor, note="count")


def test_adjustments_and_purchases_together_never_go_below_zero(transactional_db):
    item = ItemFactory(quantity=10)
    staff = UserFactory(is_staff=True)
    customers = CustomerFactory.create_batch(10)
    jobs = [buy(c.pk, item.pk) for c in customers] + [take_out(item.pk, staff)] * 10
    results = run_together(jobs)
    assert all(isinstance(r, Invoice | StockMovement | InsufficientStock) for r in results)
    assert sum(not isinstance(r, InsufficientStock) for r in results) == 10
    sold = InvoiceLine.objects.filter(item=item).aggregate(n=Sum("quantity"))["n"] or 0
    adjusted = sum(isinstance(r, StockMovement) for r in results)
    assert Item.objects.get(pk=item.pk).quantity == 0
    assert sold + adjusted == 10
    assert ledger_breaks() == []


def test_concurrent_puts_raising_and_lowering_keep_the_ledger_adding_up(transactional_db):
    items = ItemFactory.create_batch(3, quantity=50)
    customers = CustomerFactory.create_batch(6)
    for customer in customers:
        purchase_create(
            customer_id=customer.pk, lines=[PurchaseLine(item=i.pk, quantity=5) for i in items]
        )

    def put(customer_id, quantity):
        lines = [PurchaseLine(item=i.pk, quantity=quantity) for i in reversed(items)]
        return lambda: purchase_update(customer_id=customer_id, lines=lines)

    # Half raise their lines to 9, half lower them to 1 (and one removes them), all at once.
    quantities = [9, 1, 9, 1, 9, 0]
    results = run_together([put(c.pk, q) for c, q in zip(customers, quantities, strict=True)])
    assert all(isinstance(result, Invoice) for result in results)
    for item in items:
        assert Item.objects.get(pk=item.pk).quantity == 50 - sum(quantities)
    assert ledger_breaks() == []
    assert StockMovement.objects.filter(reason="purchase_change").count() == 6 * 3


def test_one_customer_twenty_threads_one_invoice(transactional_db):
    items = ItemFactory.create_batch(20, quantity=1)
    customer = CustomerFactory()
    results = run_together([buy(customer.pk, item.pk) for item in items])
    assert all(isinstance(result, Invoice) for result in results)
    assert Invoice.objects.filter(customer=customer).count() == 1
    assert InvoiceLine.objects.filter(invoice__customer=customer).count() == 20


def test_opposite_order_multi_item_purchases_both_complete(transactional_db):
    a, b = ItemFactory.create_batch(2, quantity=100)
    orders = [(a.pk, b.pk), (b.pk, a.pk)] * 5
    customers = CustomerFactory.create_batch(10)
    jobs = [buy(c.pk, *order) for c, order in zip(customers, orders, strict=True)]
    results = run_together(jobs)
    assert all(isinstance(result, Invoice) for result in results)
    assert dict(Item.objects.values_list("pk", "quantity")) == {a.pk: 90, b.pk: 90}


def test_invoice_numbers_stay_unique_and_gapless_under_concurrency(transactional_db):
    item = ItemFactory(quantity=100)
    customers = CustomerFactory.create_batch(16)
    results = run_together([buy(c.pk, item.pk) for c in customers])
    numbers = sorted(result.number for result in results)
    year = numbers[0].split("-")[1]
    assert numbers == [f"INV-{year}-{n:06d}" for n in range(1, 17)]
