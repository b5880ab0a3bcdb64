"""Finding an order or a ticket, with everything its pages show."""

from __future__ import annotations

from yoc.db import fits
from yoc.errors import NotFound
from yoc.i18n import N_
from yoc.tickets.models import Order, Ticket


async def get_order(code: str, key: str | None = None) -> Order:
    if not fits(Order, code=code, key=key or ""):
        raise NotFound(N_("We could not find that order."), "not_found")
    query = Order.filter(code=code)
    if key is not None:
        query = query.filter(key=key)
    order = await query.prefetch_related(
        "event", "items", "items__ticket_type", "tickets", "log", "refunds"
    ).first()
    if order is None:
        raise NotFound(N_("We could not find that order."), "not_found")
    return order


async def get_ticket(secret: str) -> Ticket:
    """A ticket by its secret, with its order, event and type."""
    if not fits(Ticket, secret=secret):
        raise NotFound(N_("We could not find that ticket."), "not_found")
    ticket = await Ticket.get_or_none(secret=secret).select_related(
        "order", "order__event", "ticket_type"
    )
    if ticket is None:
        raise NotFound(N_("We could not find that ticket."), "not_found")
    return ticket
