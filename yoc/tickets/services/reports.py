"""Sales figures for staff: per event and per ticket type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from yoc.events.models import Event
from yoc.i18n import start_of_day
from yoc.metrics import Figure
from yoc.paging import Keyset, Page, Window
from yoc.tickets.enums import OrderStatus, TicketStatus, WaitState
from yoc.tickets.models import Order, Refund, Ticket, TicketType, WaitlistEntry
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
        # Seats an open waiting-list offer keeps for its person are held too.
        held += sum(
            await WaitlistEntry.filter(ticket_type=t, state=WaitState.OFFERED).values_list(
                "quantity", flat=True
            )
        )
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


# Newest first. The indexes on (event, created_at, id) and (event, status, created_at, id)
# find any page at once.
ORDERS = Keyset("orders", (("created_at", datetime), ("id", int)), descending=True)


@dataclass(frozen=True)
class OrderFilters:
    q: str = ""  # a part of the buyer's name or email, or of the order's code
    status: OrderStatus | None = None
    email: str = ""  # the buyer's whole email, as stored (lower case)
    created_from: date | None = None  # days where the app is, both included
    created_to: date | None = None


def _orders(event: Event, filters: OrderFilters) -> QuerySet[Order]:
    query = Order.filter(event=event)
    q = filters.q.replace("\u2011", "-")  # the non-breaking hyphen of codes shown on pages
    if q:
        query = query.filter(
            Q(buyer_name__icontains=q) | Q(buyer_email__icontains=q) | Q(code__icontains=q)
        )
    if filters.status:
        query = query.filter(status=filters.status)
    if filters.email:
        query = query.filter(buyer_email=filters.email.strip().lower())
    if filters.created_from:
        query = query.filter(created_at__gte=start_of_day(filters.created_from))
    if filters.created_to:
        query = query.filter(created_at__lt=start_of_day(filters.created_to + timedelta(days=1)))
    return query


async def orders_page(event: Event, filters: OrderFilters, window: Window) -> Page[Order]:
    """One page of an event's orders, newest first, in one query."""
    return await ORDERS.page(_orders(event, filters), window)


async def search_orders(event: Event, filters: OrderFilters) -> list[Order]:
    """Every order of an event that matches, newest first (the CSV export)."""
    return await _orders(event, filters).order_by("-created_at", "-id")


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
