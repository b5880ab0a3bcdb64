"""Sales figures for staff: per event and per ticket type."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q

from yoc.events.models import Event
from yoc.tickets.enums import OrderStatus, TicketStatus
from yoc.tickets.models import Order, Refund, Ticket, TicketType
from yoc.tickets.services.availability import available


@dataclass
class TypeLine:
    ticket_type: TicketType
    sold: int
    held: int
    remaining: int
    revenue_cents: int


async def sales(event: Event) -> dict:
    lines = []
    for t in await TicketType.filter(event=event):
        sold = await Ticket.filter(
            ticket_type=t, status=TicketStatus.VALID, order__status=OrderStatus.PAID
        ).count()
        held = await Ticket.filter(
            ticket_type=t, status=TicketStatus.VALID, order__status=OrderStatus.PENDING
        ).count()
        revenue = sum(
            await Ticket.filter(
                ticket_type=t, status=TicketStatus.VALID, order__status=OrderStatus.PAID
            ).values_list("price_cents", flat=True)
        )
        lines.append(TypeLine(t, sold, held, available(event, t), revenue))
    paid_total = sum(
        await Order.filter(
            event=event, status__in=[OrderStatus.PAID, OrderStatus.REFUNDED]
        ).values_list("total_cents", flat=True)
    )
    refunded = sum(await Refund.filter(order__event=event).values_list("amount_cents", flat=True))
    return {
        "lines": lines,
        "revenue_cents": paid_total - refunded,
        "refunded_cents": refunded,
        "donated": event.donated,
        "donated_claimed": event.donated_claimed,
        "capacity": event.capacity,
        "taken": event.sold,
    }


async def search_orders(event: Event, *, q: str = "", status: str = "") -> list[Order]:
    query = Order.filter(event=event)
    q = q.replace("\u2011", "-")  # the non-breaking hyphen of codes shown on pages
    if q:
        query = query.filter(
            Q(buyer_name__icontains=q) | Q(buyer_email__icontains=q) | Q(code__icontains=q)
        )
    if status in set(OrderStatus):
        query = query.filter(status=status)
    return await query.limit(500)
