"""What a paid order's receipt says: what was paid, and which part of it was a gift to
the organisation (an amount above a sliding scale's lowest price, donated tickets)."""

from __future__ import annotations

from dataclasses import dataclass

from yoc.settings import Settings
from yoc.tickets.enums import OrderStatus, Pricing
from yoc.tickets.models import Order, OrderItem


@dataclass(frozen=True)
class Receipt:
    paid_cents: int
    above_minimum_cents: int  # paid above the lowest price of sliding-scale tickets
    donated_count: int  # pay-it-forward tickets
    donated_cents: int
    org_name: str
    org_tax_id: str

    @property
    def gift_cents(self) -> int:
        return self.above_minimum_cents + self.donated_cents


async def receipt(
    order: Order, settings: Settings, items: list[OrderItem] | None = None
) -> Receipt | None:
    """The receipt of a paid order (None for any other). Pass its items, with their
    ticket types, when they are at hand."""
    if order.status != OrderStatus.PAID:
        return None
    if items is None:
        # Nothing paid, nothing given: no need to look at what was ordered.
        items = (
            await OrderItem.filter(order_id=order.id).prefetch_related("ticket_type")
            if order.total_cents
            else []
        )
    above = donated = donated_count = 0
    for item in items:
        if item.kind == "donation":
            donated_count += item.quantity
            donated += item.quantity * item.unit_price_cents
        elif item.kind == "ticket" and item.ticket_type is not None:
            if item.ticket_type.pricing == Pricing.SLIDING:
                over = max(0, item.unit_price_cents - item.ticket_type.min_cents)
                above += item.quantity * over
    return Receipt(
        paid_cents=order.total_cents,
        above_minimum_cents=above,
        donated_count=donated_count,
        donated_cents=donated,
        org_name=settings.org_name,
        org_tax_id=settings.org_tax_id,
    )
