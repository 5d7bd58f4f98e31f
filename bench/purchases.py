"""Purchases per second on PostgreSQL, 4 concurrent clients vs 1, and no oversell under contention.

Each purchase is purchase_create() in its own transaction on its own connection, so the row locks
(customer, then items in primary-key order, then the invoice-number sequence) really contend.
"""

import random
import threading
import time

from django.db import connection
from django.db.models import Sum

from inventory.exceptions import InsufficientStock
from inventory.models import Customer, InvoiceLine, Item
from inventory.services import PurchaseLine, purchase_create


def _customers(n: int, tag: str) -> list[int]:
    made = Customer.objects.bulk_create(
        Customer(name=f"{tag} {i}", phone="+919876543210", address="Bench") for i in range(n)
    )
    return [c.pk for c in made]


def _run_clients(clients: int, jobs: list[tuple[int, list[PurchaseLine]]]) -> dict:
    """Run `jobs` split over `clients` threads; return elapsed seconds and outcome counts."""
    chunks = [jobs[i::clients] for i in range(clients)]
    counts = {"ok": 0, "short": 0}
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(chunk):
        ok = short = 0
        try:
            barrier.wait()
            for customer_id, lines in chunk:
                try:
                    purchase_create(customer_id=customer_id, lines=lines)
                    ok += 1
                except InsufficientStock:
                    short += 1
        finally:
            connection.close()
            with lock:
                counts["ok"] += ok
                counts["short"] += short

    threads = [threading.Thread(target=client, args=(chunk,)) for chunk in chunks]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"seconds": time.perf_counter() - start, **counts}


def run(args):
    if connection.vendor != "postgresql":
        print(
            "purchases: skipped - concurrent purchases need PostgreSQL row locks; "
            "set DATABASE_URL=postgres://... (SQLite serialises all writers)",
            flush=True,
        )
        yield {"skipped": True, "reason": "needs PostgreSQL", "vendor": connection.vendor}
        return
    n = 200 if args.quick else 1000
    rng = random.Random(42)
    rates = {}
    for scenario in ("new_invoice", "open_invoice"):
        for clients in (1, 4):
            tag = f"{scenario} {clients}"
            pool = Item.objects.bulk_create(
                Item(name=f"Pool {tag} {i}", price="2.50", quantity=10**6) for i in range(100)
            )
            customers = _customers(n, tag)
            if scenario == "open_invoice":
                # Each customer already has an open invoice: no invoice number to allocate, so
                # purchases only contend on the item rows they share.
                opener = Item.objects.create(name=f"Opener {tag}", price="1.00", quantity=n)
                for customer_id in customers:
                    purchase_create(
                        customer_id=customer_id, lines=[PurchaseLine(item=opener.pk, quantity=1)]
                    )
            jobs = [
                (c, [PurchaseLine(item=item.pk, quantity=1) for item in rng.sample(pool, 3)])
                for c in customers
            ]
            connection.close()
            outcome = _run_clients(clients, jobs)
            rates[scenario, clients] = n / outcome["seconds"]
            yield {
                "scenario": scenario,
                "clients": clients,
                "purchases": n,
                "lines_each": 3,
                "ok": outcome["ok"],
                "purchases_per_s": round(rates[scenario, clients], 1),
                "speedup_vs_1_client": round(rates[scenario, clients] / rates[scenario, 1], 2),
            }
    # Contention: every client wants the same item, with less stock than asked for.
    stock = n // 4
    hot = Item.objects.create(name="Hot item", price="1.00", quantity=stock)
    jobs = [(c, [PurchaseLine(item=hot.pk, quantity=1)]) for c in _customers(n // 2, "Hot")]
    connection.close()
    outcome = _run_clients(4, jobs)
    hot.refresh_from_db()
    sold = InvoiceLine.objects.filter(item=hot).aggregate(s=Sum("quantity"))["s"] or 0
    yield {
        "scenario": "hot_item",
        "clients": 4,
        "attempts": len(jobs),
        "stock": stock,
        "ok": outcome["ok"],
        "insufficient_stock": outcome["short"],
        "stock_left": hot.quantity,
        "sold": sold,
        "oversold": sold > stock or hot.quantity < 0,
        "purchases_per_s": round(len(jobs) / outcome["seconds"], 1),
    }
