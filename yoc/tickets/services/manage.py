"""Tickets people manage after buying: the name on a ticket (its buyer), and an order
given to another buyer (staff). Each change is written in the order's log."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from yoc.errors import Conflict, NotFound
from yoc.i18n import N_
from yoc.settings import Settings
from yoc.tickets.enums import OrderChange, OrderStatus, PaymentMethod, TicketStatus
from yoc.tickets.models import Order, OrderLog, Ticket
from yoc.tickets.services.door_lists import secret_hash
from yoc.tickets.services.notify import order_mail
from yoc.tickets.services.secrets import random_code, ticket_secret

S = OrderStatus


def _log(order: Order, actor: str, change: OrderChange, detail: dict) -> OrderLog:
    return OrderLog(
        order=order,
        from_status=order.status.value,
        to_status=order.status.value,
        actor_label=actor,
        change=change.value,
        detail=detail,
    )


async def rename_ticket(order: Order, ticket_id: int, holder_name: str, *, actor: str) -> Ticket:
    """Put another name on a valid ticket of an order that is paid or reserved."""
    ticket = await Ticket.get_or_none(id=ticket_id, order_id=order.id)
    if ticket is None:
        raise NotFound(N_("We could not find that ticket."), "not_found")
    if ticket.status != TicketStatus.VALID or order.status not in (S.PAID, S.PENDING):
        raise Conflict(N_("This ticket is no longer valid."), "not_valid")
    before = ticket.holder_name
    if before == holder_name:
        return ticket
    async with in_transaction():
        await Ticket.filter(id=ticket.id).update(holder_name=holder_name)
        await _log(
            order,
            actor,
            OrderChange.TICKET_RENAMED,
            {"ticket": ticket.id, "from": before, "to": holder_name},
        ).save()
    ticket.holder_name = holder_name
    return ticket


async def move_order(
    order: Order,
    *,
    buyer_name: str,
    buyer_email: str,
    language: str,
    actor: str,
    settings: Settings,
) -> Order:
    """Give the order to another buyer: the order's link and its tickets' codes change
    (what the former buyer holds stops working), and the new buyer gets them by email."""
    if order.status not in (S.PAID, S.PENDING):
        raise Conflict(N_("Only a paid or reserved order can be moved."), "bad_transition")
    email = buyer_email.strip().lower()
    detail = {
        "from": f"{order.buyer_name} <{order.buyer_email}>",
        "to": f"{buyer_name} <{email}>",
    }
    changes: dict = {
        "buyer_name": buyer_name,
        "buyer_email": email,
        "language": language,
        "key": random_code(24),
    }
    if order.open_reservation is not None:
        changes["open_reservation"] = f"{order.event_id}:{email}"
    try:
        async with in_transaction():
            if not await Order.filter(id=order.id, status=order.status).update(**changes):
                raise Conflict(N_("This order changed a moment ago. Try again."), "changed")
            replaced = []
            for ticket in await Ticket.filter(order_id=order.id, status=TicketStatus.VALID):
                # A new code, and the name of the new buyer unless another was given.
                await Ticket.filter(id=ticket.id).update(secret=ticket_secret(), holder_name="")
                replaced.append(secret_hash(ticket.secret))
            # The old codes, by hash only: the door's offline list refuses them (their
            # signatures still hold, and a phone without signal cannot ask).
            detail["replaced"] = replaced
            await _log(order, actor, OrderChange.ORDER_MOVED, detail).save()
    except IntegrityError:
        raise Conflict(
            N_("This email already has a reservation to pay at the door for this event."),
            "reservation_exists",
        ) from None
    moved = await Order.get(id=order.id)
    if moved.status == S.PAID:
        await order_mail(moved, "order_confirmed", settings)
    elif moved.payment == PaymentMethod.BOX_OFFICE:
        await order_mail(moved, "order_received", settings)
    return moved
