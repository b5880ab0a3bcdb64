"""What is left to buy, for public pages and the API."""

from __future__ import annotations

from dataclasses import dataclass

from yoc.events.models import Event
from yoc.tickets.enums import OrderStatus
from yoc.tickets.models import Order, TicketType
from yoc.tickets.services.pricing import visible_types


@dataclass
class Offer:
    ticket_type: TicketType
    available: int


def available(event: Event, ticket_type: TicketType) -> int:
    if ticket_type.waiting:
        return 0  # seats that come back go to its waiting list first
    left = event.capacity - event.sold
    if ticket_type.quota is not None:
        left = min(left, ticket_type.quota - ticket_type.sold)
    return max(0, left)


async def offers(event: Event, access_code: str = "") -> list[Offer]:
    types = visible_types(await TicketType.filter(event=event), access_code)
    return [Offer(t, available(event, t)) for t in types]


def donated_available(event: Event) -> int:
    return max(0, event.donated - event.donated_claimed)


async def held(event: Event) -> int:
    rows = await Order.filter(event=event, status=OrderStatus.PENDING).values_list(
        "tickets_count", flat=True
    )
    return sum(rows)
