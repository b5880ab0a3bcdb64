"""Sales figures for staff: per event and per ticket type."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q
from tortoise.functions import Count

from yoc.events.models import Event
from yoc.metrics import Figure
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


async def site_figures() -> list[Figure]:
    """Orders by status and tickets checked in, over every event, for /metrics."""
    by_status = dict(
        await Order.annotate(n=Count("id")).group_by("status").values_list("status", "n")
    )
    checked_in = await Ticket.filter(checked_in_at__isnull=False).count()
    return [
        *(
            Figure(
                "yoc_orders",
                "Orders, by status.",
                by_status.get(status, 0),
                labels={"status": status.value},
            )
            for status in OrderStatus
        ),
        Figure("yoc_tickets_checked_in", "Tickets checked in at the door.", checked_in),
    ]
