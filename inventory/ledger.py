"""Reads of the stock ledger: an item's movements, and the items whose ledger does not add up.

The invariant, for every item: exactly one `initial` movement, first; the deltas of its
movements (oldest first) add up to its quantity; each `balance_after` is the running sum.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import Coalesce, RowNumber

from inventory.models import Item, StockMovement


def movement_list(
    *,
    item_id: int,
    reasons: list[str] | None = None,
    created_after: date | None = None,
    created_before: date | None = None,
) -> QuerySet[StockMovement]:
    """The item's movements, newest first, optionally of some reasons and between two local
    dates (both included)."""
    movements = StockMovement.objects.filter(item_id=item_id).select_related("actor", "invoice")
    if reasons:
        movements = movements.filter(reason__in=reasons)
    if created_after is not None:
        movements = movements.filter(created_at__date__gte=created_after)
    if created_before is not None:
        movements = movements.filter(created_at__date__lte=created_before)
    return movements.order_by("-created_at", "-id")


@dataclass(frozen=True)
class LedgerBreak:
    item_id: int
    name: str
    problem: str


def ledger_breaks() -> list[LedgerBreak]:
    """Every item that breaks the invariant, with what is wrong (empty when all add up).
    Three queries whatever the number of items (the third reads one row per item)."""
    breaks: list[LedgerBreak] = []
    totals = (
        Item.objects.annotate(
            ledger=Coalesce(Sum("movements__delta"), Value(0), output_field=IntegerField()),
            initials=Count("movements", filter=Q(movements__reason=StockMovement.Reason.INITIAL)),
        )
        .filter(~Q(ledger=F("quantity")) | ~Q(initials=1))
        .values_list("pk", "name", "quantity", "ledger", "initials")
        .order_by("pk")
    )
    for pk, name, quantity, ledger, initials in totals:
        if initials != 1:
            breaks.append(LedgerBreak(pk, name, f"{initials} initial movements (expected 1)"))
        if ledger != quantity:
            breaks.append(
                LedgerBreak(pk, name, f"quantity {quantity} but its movements add up to {ledger}")
            )
    ordered = StockMovement.objects.annotate(
        running=Window(Sum("delta"), partition_by=[F("item_id")], order_by=F("id").asc()),
        position=Window(RowNumber(), partition_by=[F("item_id")], order_by=F("id").asc()),
    )
    wrong_balance = (
        ordered.filter(~Q(running=F("balance_after")))
        .values_list("item_id", "item__name", "id", "balance_after", "running")
        .order_by("item_id", "id")
    )
    for item_id, name, movement_id, balance, running in wrong_balance:
        breaks.append(
            LedgerBreak(
                item_id,
                name,
                f"movement {movement_id} says {balance} after it, the running sum is {running}",
            )
        )
    # Filters on plain columns run before the window is computed, so the reason of each
    # item's first movement is checked here rather than with .exclude().
    firsts = (
        ordered.filter(position=1)
        .values_list("item_id", "item__name", "id", "reason")
        .order_by("item_id")
    )
    for item_id, name, movement_id, reason in firsts:
        if reason != StockMovement.Reason.INITIAL:
            breaks.append(
                LedgerBreak(item_id, name, f"its first movement ({movement_id}) is {reason!r}")
            )
    return sorted(breaks, key=lambda b: b.item_id)
