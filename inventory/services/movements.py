"""Stock levels: the one way `Item.quantity` changes, and the staff stock adjustment."""

import logging
from collections.abc import Mapping
from enum import StrEnum

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from core.exceptions import InvalidInput, NotFound
from inventory.exceptions import InsufficientStock
from inventory.models import Item

logger = logging.getLogger(__name__)

MAX_STOCK = 2**31 - 1  # the quantity column is a 32-bit integer
API_SET_NOTE = "set through the API"


class StockReason(StrEnum):
    """Why stock moved (the future StockMovement ledger keeps one per row)."""

    INITIAL = "initial"  # the quantity an item was created with
    PURCHASE = "purchase"  # taken by a purchase, or returned by lowering/removing its line
    ADJUSTMENT = "adjustment"  # counted, damaged, delivered...: staff, with a note


def stock_move(
    *,
    deltas: Mapping[int, int],
    reason: StockReason,
    actor: AbstractBaseUser | None = None,
    note: str = "",
) -> None:
    """Add `deltas[item_id]` units to each item's stock (negative takes them out), in one UPDATE.

    Every change of `Item.quantity` passes through here (the place a movement ledger records
    them). Callers run inside a transaction, hold the items' row locks (select_for_update, in
    primary-key order) and have refused moves below zero or past MAX_STOCK; the database's
    CHECK (quantity >= 0) is the last line. Logs the move once the transaction commits.
    """
    moves = {pk: delta for pk, delta in deltas.items() if delta}
    if not moves:
        return
    Item.objects.filter(pk__in=moves).update(
        quantity=F("quantity")
        + Case(
            *(When(pk=pk, then=Value(delta)) for pk, delta in moves.items()),
            default=Value(0),
            output_field=IntegerField(),
        ),
        updated_at=timezone.now(),
    )
    actor_id = getattr(actor, "pk", None)
    transaction.on_commit(
        lambda: logger.info(
            "stock moved (%s) by %s: %s%s",
            reason,
            actor_id or "system",
            ", ".join(f"item {pk} {delta:+d}" for pk, delta in sorted(moves.items())),
            f" - {note}" if note else "",
        )
    )


def _item_lock(*, item_id: int) -> Item:
    item = Item.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound(f"Item {item_id} does not exist.")
    return item


def _adjust_locked(
    *, item: Item, delta: int, actor: AbstractBaseUser | None, note: str, attr: str
) -> None:
    if item.quantity + delta < 0:
        raise InsufficientStock(
            f"Not enough stock of item {item.pk} ({item.name}): cannot take out {-delta}, "
            f"{item.quantity} available.",
            attr=attr,
        )
    if item.quantity + delta > MAX_STOCK:
        raise InvalidInput(
            f"Adding {delta} to item {item.pk} ({item.name}) would take its stock past "
            f"{MAX_STOCK} ({item.quantity} in stock).",
            code="max_value",
            attr=attr,
        )
    stock_move(deltas={item.pk: delta}, reason=StockReason.ADJUSTMENT, actor=actor, note=note)


def _note_clean(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise InvalidInput("Say why the stock changes.", code="required", attr="note")
    return note


@transaction.atomic
def item_stock_adjust(*, item: Item, delta: int, actor: AbstractBaseUser | None, note: str) -> Item:
    """Add `delta` units to the stock of `item` (negative takes them out); staff only, with a
    note. Locks the item's row; InsufficientStock (409, attr `delta`) rather than going below
    zero, and then nothing changes. Returns `item` with its new quantity."""
    note = _note_clean(note)
    locked = _item_lock(item_id=item.pk)
    _adjust_locked(item=locked, delta=delta, actor=actor, note=note, attr="delta")
    item.refresh_from_db(fields=["quantity", "updated_at"])
    return item


@transaction.atomic
def item_stock_set(
    *, item: Item, quantity: int, actor: AbstractBaseUser | None, note: str = API_SET_NOTE
) -> Item:
    """Set the stock of `item` to `quantity`: an adjustment by (quantity - stock), the stock
    read under the row lock, so a purchase between read and write cannot make it wrong."""
    note = _note_clean(note)
    locked = _item_lock(item_id=item.pk)
    _adjust_locked(
        item=locked, delta=quantity - locked.quantity, actor=actor, note=note, attr="quantity"
    )
    item.refresh_from_db(fields=["quantity", "updated_at"])
    return item
