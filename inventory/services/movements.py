"""Stock levels: the one way `Item.quantity` changes (recorded as StockMovement rows), and the
staff stock adjustment."""

import logging
from collections.abc import Mapping

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from core.exceptions import InvalidInput, NotFound
from inventory import alerts
from inventory.exceptions import InsufficientStock
from inventory.models import CreditNote, Invoice, Item, StockMovement

logger = logging.getLogger(__name__)

MAX_STOCK = 2**31 - 1  # the quantity column is a 32-bit integer
StockReason = StockMovement.Reason


def stock_move(
    *,
    items: Mapping[int, Item],
    deltas: Mapping[int, int],
    reason: StockReason,
    invoice: Invoice | None = None,
    credit_note: CreditNote | None = None,
    actor: AbstractBaseUser | None = None,
    note: str = "",
) -> list[StockMovement]:
    """Add `deltas[item_id]` units to each item's stock (negative takes them out) and record
    one StockMovement per item: one UPDATE and one bulk INSERT, whatever the number of items.

    Every change of `Item.quantity` passes through here. `items` are the caller's instances,
    read under their row locks (select_for_update, in primary-key order) inside the caller's
    transaction, so their `quantity` is the stock now; it is updated in place. Callers refuse
    moves below zero or past MAX_STOCK with a message for their client; this refuses them
    again (the database's CHECKs are the last line). A zero delta moves nothing and is not
    recorded, except as an `initial` movement (an item created without stock).

    Items that a movement taking stock out leaves at or below their reorder level get a
    low-stock alert once the transaction commits (inventory.alerts).
    """
    moves = {
        pk: delta for pk, delta in sorted(deltas.items()) if delta or reason == StockReason.INITIAL
    }
    if not moves:
        return []
    now = timezone.now()
    actor_id = getattr(actor, "pk", None)
    movements = []
    for pk, delta in moves.items():
        item = items[pk]
        balance = item.quantity + delta
        if not 0 <= balance <= MAX_STOCK:
            raise InsufficientStock(
                f"Item {pk} ({item.name}) cannot move {delta:+d}: {item.quantity} in stock."
            )
        movements.append(
            StockMovement(
                item_id=pk,
                delta=delta,
                balance_after=balance,
                reason=reason,
                invoice=invoice,
                credit_note=credit_note,
                actor_id=actor_id,
                note=note,
                created_at=now,
            )
        )
    changed = {pk: delta for pk, delta in moves.items() if delta}
    if changed:
        Item.objects.filter(pk__in=changed).update(
            quantity=F("quantity")
            + Case(
                *(When(pk=pk, then=Value(delta)) for pk, delta in changed.items()),
                default=Value(0),
                output_field=IntegerField(),
            ),
            updated_at=now,
        )
    StockMovement.objects.bulk_create(movements, batch_size=1000)
    low = []
    for movement in movements:
        item = items[movement.item_id]
        item.quantity = movement.balance_after
        item.updated_at = now
        if movement.delta < 0 and item.quantity <= item.reorder_level:
            low.append(item.pk)
    transaction.on_commit(
        lambda: logger.info(
            "stock moved (%s) by %s: %s%s",
            reason,
            actor_id or "system",
            ", ".join(f"item {pk} {delta:+d}" for pk, delta in moves.items()),
            f" - {note!r}" if note else "",  # repr: a note cannot forge log lines
        )
    )
    if low:
        transaction.on_commit(lambda: alerts.low_stock_alerts_enqueue(item_ids=low))
    return movements


def _item_lock(*, item_id: int) -> Item:
    item = Item.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound(f"Item {item_id} does not exist.")
    return item


def _note_clean(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise InvalidInput("Say why the stock changes.", code="required", attr="note")
    return note


@transaction.atomic
def item_stock_adjust(
    *, item: Item, delta: int, actor: AbstractBaseUser | None, note: str
) -> StockMovement:
    """Add `delta` units to the stock of `item` (negative takes them out); staff, with a note.

    Locks the item's row and reads its stock under the lock. Taking out more than is in stock
    is InsufficientStock (409, attr `delta`, naming the item and what is available), past
    MAX_STOCK InvalidInput; then nothing changes. Returns the movement; `item` gets its new
    quantity."""
    note = _note_clean(note)
    if not delta:
        raise InvalidInput("A change of 0 moves nothing.", code="zero", attr="delta")
    locked = _item_lock(item_id=item.pk)
    if locked.quantity + delta < 0:
        raise InsufficientStock(
            f"Not enough stock of item {locked.pk} ({locked.name}): cannot take out {-delta}, "
            f"{locked.quantity} available.",
            attr="delta",
        )
    if locked.quantity + delta > MAX_STOCK:
        raise InvalidInput(
            f"Adding {delta} to item {locked.pk} ({locked.name}) would take its stock past "
            f"{MAX_STOCK} ({locked.quantity} in stock).",
            code="max_value",
            attr="delta",
        )
    (movement,) = stock_move(
        items={locked.pk: locked},
        deltas={locked.pk: delta},
        reason=StockReason.ADJUSTMENT,
        actor=actor,
        note=note,
    )
    item.quantity, item.updated_at = locked.quantity, locked.updated_at
    return movement
