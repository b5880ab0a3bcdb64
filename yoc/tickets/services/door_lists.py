"""What a door phone keeps to scan without signal: the event's tickets that may not go
in (refunded, cancelled, voided, or given a new code), those still to be paid, and the
valid ones. Each is
named only by a hash of its secret: the list names nobody, and lets nobody in."""

from __future__ import annotations

import hashlib
from typing import Any

from yoc.events.models import Event
from yoc.tickets.enums import OrderChange, OrderStatus, TicketStatus
from yoc.tickets.models import OrderLog, Ticket
from yoc.timeutil import utcnow

# 128 bits of SHA-256: no two of an event's tickets share one, and none can be reversed
# (a secret is random and long). The scanner computes the same (static/js/scanner.js).
HASH_CHARS = 32
# Orders whose tickets are all refused, and why (the scanner says it in its language).
CLOSED = (OrderStatus.REFUNDED, OrderStatus.CANCELLED, OrderStatus.EXPIRED)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:HASH_CHARS]


async def offline_list(event: Event) -> dict[str, Any]:
    """The event's tickets by hash: revoked (with the reason), unpaid, and valid."""
    rows = await Ticket.filter(order__event_id=event.id).values_list(
        "secret", "status", "order__status"
    )
    revoked: dict[str, str] = {}
    unpaid: list[str] = []
    valid: list[str] = []
    # Codes replaced when an order moved to another buyer (manage.move_order): still
    # signed, so only this list tells a phone without signal that they no longer count.
    moves = OrderLog.filter(order__event_id=event.id, change=OrderChange.ORDER_MOVED.value)
    for detail in await moves.values_list("detail", flat=True):
        for key in (detail or {}).get("replaced", []):
            revoked[key] = "replaced"
    for secret, status, order_status in rows:
        key = secret_hash(secret)
        if order_status in CLOSED:
            revoked[key] = OrderStatus(order_status).value
        elif status != TicketStatus.VALID:
            revoked[key] = "void"  # refunded alone, from an order that stays paid
        elif order_status == OrderStatus.PENDING:
            unpaid.append(key)
        else:
            valid.append(key)
    return {
        "event": event.id,
        "made_at": utcnow().isoformat(),
        "revoked": dict(sorted(revoked.items())),
        "unpaid": sorted(unpaid),
        "valid": sorted(valid),
    }
