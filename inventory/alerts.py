"""Low-stock and expiry alert emails: the door the stock services call after commit."""

import logging

logger = logging.getLogger(__name__)


def low_stock_alerts_enqueue(*, item_ids: list[int]) -> None:
    """Queue the low-stock alert for `item_ids` (called after the movement's commit).

    A broker that is down must not turn a committed purchase into an error: it is logged.
    """
    from inventory.tasks import stock_alerts_send

    try:
        stock_alerts_send.delay(kind="low_stock", item_ids=item_ids)
    except Exception:
        logger.exception("could not queue the low-stock alert for items %s", item_ids)
