"""Finding an order, with everything its pages show."""

from __future__ import annotations

from yoc.errors import NotFound
from yoc.i18n import N_
from yoc.tickets.models import Order


async def get_order(code: str, key: str | None = None) -> Order:
    query = Order.filter(code=code)
    if key is not None:
        query = query.filter(key=key)
    order = await query.prefetch_related(
        "event", "items", "items__ticket_type", "tickets", "log", "refunds"
    ).first()
    if order is None:
        raise NotFound(N_("We could not find that order."), "not_found")
    return order
