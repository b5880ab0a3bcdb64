"""The box office at the door: walk-up sales paid there (cash or the door's card reader),
the summary of each person's sales at each gate, and finding an order by its code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from yoc.events.models import Event
from yoc.payments.providers import Payments
from yoc.settings import Settings
from yoc.tickets.enums import OrderStatus, PaymentMethod, TicketStatus
from yoc.tickets.models import DoorGrant, Order, Refund, Ticket
from yoc.tickets.services import checkin, placing
from yoc.tickets.services.placing import RetryKey, WalkUp
from yoc.tickets.services.pricing import Line, OrderRequest
from yoc.tickets.services.secrets import ALPHABET

if TYPE_CHECKING:
    from yoc.accounts.models import User


class Then(StrEnum):
    """What the door does with the tickets of a walk-up sale."""

    ADMIT = "admit"  # checked in at once, at the gate that sold them
    SHOW = "show"  # their QR codes on the seller's screen
    EMAIL = "email"  # sent to the buyer's email (the outbox)


@dataclass(frozen=True)
class Seller:
    """Who sells at the door: ``key`` is the same through one person's shift."""

    key: str
    label: str

    @classmethod
    def staff(cls, user: User) -> Seller:
        return cls(f"user:{user.id}", f"{user.name} <{user.email}>")

    @classmethod
    def on_shift(cls, user: User) -> Seller:
        """Someone at the door on a door shift, signed in to their own account."""
        return cls(f"user:{user.id}", f"{user.name} <{user.email}>")

    @classmethod
    def volunteer(cls, grant: DoorGrant) -> Seller:
        return cls(f"grant:{grant.id}", grant.name or f"door volunteer {grant.id}")


@dataclass(frozen=True)
class Sale:
    ticket_type: int
    quantity: int
    price_cents: int | None
    payment: PaymentMethod | None
    buyer_name: str = ""
    buyer_email: str = ""
    language: str = "en"
    then: Then = Then.ADMIT


async def sell(
    event: Event,
    sale: Sale,
    *,
    seller: Seller,
    gate: str,
    settings: Settings,
    payments: Payments,
    sale_key: str = "",
) -> Order:
    """Sell tickets at the door, paid there: they take seats as any order does (never
    more than are left), and go in at once when ``sale.then`` says so. ``sale_key`` (the
    form's own) makes a form sent twice one sale."""
    request = OrderRequest(
        buyer_name=sale.buyer_name,
        buyer_email=sale.buyer_email,
        language=sale.language,
        lines=[Line(sale.ticket_type, sale.quantity, sale.price_cents)],
        payment=sale.payment,
    )
    walk_up = WalkUp(gate=gate[:40], seller=seller.key, sold_by=seller.label[:160])
    if sale_key:
        retry = RetryKey.of(f"door:{sale_key}", event, {**sale.__dict__, "seller": seller.key})
        order, new = await placing.place_once(
            event, request, retry, settings=settings, payments=payments, walk_up=walk_up
        )
    else:
        order = await placing.place_order(
            event, request, settings=settings, payments=payments, walk_up=walk_up
        )
        new = True
    if new and sale.then == Then.ADMIT:
        for ticket in order.tickets:
            await checkin.check_in_ticket(event=event, ticket_id=ticket.id, gate=walk_up.gate)
    return order


async def sold_by(event: Event, code: str, seller: Seller) -> Order | None:
    """A walk-up order that this seller sold, with its tickets (for the screen that
    shows them); None for any other order."""
    return (
        await Order.filter(event=event, code=code, seller=seller.key)
        .prefetch_related("tickets")
        .first()
    )


@dataclass
class ShiftLine:
    """What one person sold at one gate: what the cash box should hold, and the card
    reader's total."""

    gate: str
    seller: str
    sold_by: str
    orders: int = 0
    tickets: int = 0
    cash_cents: int = 0
    card_cents: int = 0

    @property
    def total_cents(self) -> int:
        return self.cash_cents + self.card_cents


async def shift_summary(event: Event, seller: str | None = None) -> list[ShiftLine]:
    """Walk-up sales of the event by gate and seller (of one seller when given): paid
    orders only, less what was refunded, with the tickets still valid."""
    query = Order.filter(event=event, status=OrderStatus.PAID).exclude(seller="")
    if seller is not None:
        query = query.filter(seller=seller)
    orders = await query.order_by("id").values(
        "id", "sold_gate", "seller", "sold_by", "payment", "total_cents"
    )
    ids = [o["id"] for o in orders]
    refunded: dict[int, int] = {}
    valid: dict[int, int] = {}
    if ids:
        for order_id, amount in await Refund.filter(order_id__in=ids).values_list(
            "order_id", "amount_cents"
        ):
            refunded[order_id] = refunded.get(order_id, 0) + amount
        for order_id in await Ticket.filter(
            order_id__in=ids, status=TicketStatus.VALID
        ).values_list("order_id", flat=True):
            valid[order_id] = valid.get(order_id, 0) + 1
    lines: dict[tuple[str, str], ShiftLine] = {}
    for o in orders:
        line = lines.setdefault(
            (o["sold_gate"], o["seller"]), ShiftLine(o["sold_gate"], o["seller"], o["sold_by"])
        )
        money = o["total_cents"] - refunded.get(o["id"], 0)
        line.orders += 1
        line.tickets += valid.get(o["id"], 0)
        if o["payment"] == PaymentMethod.DOOR_CASH:
            line.cash_cents += money
        elif o["payment"] == PaymentMethod.DOOR_CARD:
            line.card_cents += money
    return sorted(lines.values(), key=lambda line: (line.gate.lower(), line.sold_by.lower()))


# An order's code as typed at the door: "YOC-5CTR9V22", "yoc 5ctr 9v22", "5CTR9V22".
_ORDER_CODE = re.compile(f"(?:YOC)?([{ALPHABET}]{{8}})")
_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014]+")


def order_code_in(text: str) -> str | None:
    """The order code that ``text`` is, ignoring case, spaces and dashes; else None (a
    ticket's code is much longer, so the two are never confused)."""
    found = _ORDER_CODE.fullmatch(_SEPARATORS.sub("", text).upper())
    return f"YOC-{found.group(1)}" if found else None


async def order_at_door(event: Event, code: str) -> Order | None:
    """The event's order with this code, with its tickets; None at another event."""
    return await Order.filter(event=event, code=code).prefetch_related("tickets").first()


def to_collect(order: Order) -> int:
    """What the door collects for the order: all of it, for a reservation to pay there."""
    if order.status == OrderStatus.PENDING and order.payment == PaymentMethod.BOX_OFFICE:
        return order.total_cents
    return 0
