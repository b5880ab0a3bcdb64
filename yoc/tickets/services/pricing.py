"""Prices: check an order request against every rule and quote it in integer cents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from yoc.errors import DomainError, ValidationFailed
from yoc.events.models import Event
from yoc.i18n import N_
from yoc.tickets.enums import DOOR_PAYMENTS, OrderStatus, PaymentMethod, Pricing
from yoc.tickets.models import Order, TicketType
from yoc.timeutil import utcnow


@dataclass
class Line:
    ticket_type_id: int
    quantity: int
    price_cents: int | None = None  # chosen on a sliding scale


@dataclass
class OrderRequest:
    buyer_name: str
    buyer_email: str
    buyer_phone: str = ""
    language: str = "en"
    lines: list[Line] = field(default_factory=list)
    donate: int = 0  # pay-it-forward tickets added to the pool
    claim: int = 0  # free tickets taken from the pool
    payment: PaymentMethod | None = None
    access_code: str = ""


@dataclass
class QuotedLine:
    ticket_type: TicketType
    quantity: int
    unit_cents: int

    @property
    def total_cents(self) -> int:
        return self.quantity * self.unit_cents


@dataclass
class Quote:
    event: Event
    lines: list[QuotedLine]
    donate: int
    claim: int
    donation_unit_cents: int
    payment: PaymentMethod

    @property
    def total_cents(self) -> int:
        return sum(line.total_cents for line in self.lines) + self.donate * self.donation_unit_cents

    @property
    def seats(self) -> int:
        """Seats taken from the event's capacity (claims use seats donors already took)."""
        return sum(line.quantity for line in self.lines) + self.donate

    @property
    def unpaid_seats(self) -> int:
        """Seats held for payment at the door, against the event's unpaid limit."""
        return self.seats if self.payment == PaymentMethod.BOX_OFFICE else 0

    @property
    def tickets(self) -> int:
        return sum(line.quantity for line in self.lines) + self.claim


# Donated tickets, free to claim, per person at an event: enough for a youth and a
# companion, and few enough that the pool reaches many.
MAX_CLAIMS = 2


async def _claimed_by(event: Event, email: str) -> int:
    """Donated tickets this email holds at the event already (paid or waiting)."""
    claimed = await Order.filter(
        event=event,
        buyer_email=email.strip().lower(),
        status__in=(OrderStatus.PENDING, OrderStatus.PAID),
    ).values_list("claimed_count", flat=True)
    return sum(claimed)


def in_window(start: datetime | None, end: datetime | None, now: datetime) -> bool:
    return (start is None or start <= now) and (end is None or now < end)


def visible_types(types: list[TicketType], access_code: str) -> list[TicketType]:
    code = access_code.strip().upper()
    return [t for t in types if t.active and (not t.access_code or t.access_code.upper() == code)]


def _unit_cents(ticket_type: TicketType, chosen: int | None) -> int:
    if ticket_type.pricing == Pricing.FREE:
        return 0
    if ticket_type.pricing == Pricing.SLIDING:
        return ticket_type.suggested_cents if chosen is None else chosen
    return ticket_type.price_cents


async def quote(
    event: Event,
    request: OrderRequest,
    *,
    stripe_enabled: bool,
    now: datetime | None = None,
    at_door: bool = False,
) -> Quote:
    """Check a request against every rule and price it; raise with a message per field.

    ``at_door``: a walk-up sale at the door, paid there in cash or by card. The door sells
    while the event lasts, whatever the online sales windows say; only it may be paid so.
    """
    now = now or utcnow()
    errors: dict[str, str] = {}
    if at_door:
        if event.ends_at <= now:
            raise DomainError(N_("Ticket sales for this event are closed."), "sales_closed")
    elif not in_window(event.sales_start, event.sales_end, now):
        raise DomainError(N_("Ticket sales for this event are closed."), "sales_closed")
    types = {
        t.id: t for t in visible_types(await TicketType.filter(event=event), request.access_code)
    }
    lines: list[QuotedLine] = []
    for line in request.lines:
        if line.quantity == 0:
            continue
        ticket_type = types.get(line.ticket_type_id)
        key = f"qty_{line.ticket_type_id}"
        if ticket_type is None:
            # Shown at the top: a hidden type has no place on the page to show it beside.
            errors["__all__"] = N_("This ticket type is not available.")
            continue
        if line.quantity < 0:
            errors[key] = N_("Choose how many tickets you want.")
            continue
        if not at_door and not in_window(ticket_type.sales_start, ticket_type.sales_end, now):
            errors[key] = N_("This ticket type is not on sale now.")
            continue
        if line.quantity > ticket_type.max_per_order:
            errors[key] = N_(
                "That is more than one order can have. Make a second order, or ask us for a group."
            )
            continue
        unit = _unit_cents(ticket_type, line.price_cents)
        if ticket_type.pricing == Pricing.SLIDING and not (
            ticket_type.min_cents <= unit <= ticket_type.max_cents
        ):
            errors[f"price_{line.ticket_type_id}"] = N_(
                "Choose a price between the lowest and the highest shown."
            )
            continue
        lines.append(QuotedLine(ticket_type, line.quantity, unit))
    if request.donate < 0 or request.donate > 20:
        errors["donate"] = N_("You can give from 0 to 20 tickets.")
    if request.donate and not event.donation_price_cents:
        errors["__all__"] = N_("This event does not take donated tickets.")
    if (
        request.claim < 0
        or request.claim > MAX_CLAIMS
        or (
            request.claim
            and request.claim + await _claimed_by(event, request.buyer_email) > MAX_CLAIMS
        )
    ):
        errors["claim"] = N_("You can take up to 2 donated tickets.")
    # Every problem at once: how to pay is said with the lines' problems, not after.
    if not any(line.quantity for line in request.lines) and not (request.donate or request.claim):
        errors.setdefault("__all__", N_("Choose at least one ticket."))
    total = sum(x.total_cents for x in lines) + request.donate * event.donation_price_cents
    # A line refused above may cost money once it is right.
    priced = total > 0 or any(
        types[line.ticket_type_id].pricing != Pricing.FREE
        for line in request.lines
        if line.quantity > 0 and line.ticket_type_id in types
    )
    payment = request.payment
    if total == 0 and not errors:
        payment = PaymentMethod.FREE
    elif not priced:
        pass
    elif payment in (None, PaymentMethod.FREE) or (payment in DOOR_PAYMENTS) != at_door:
        errors["payment"] = N_("Choose how you want to pay.")
    elif payment == PaymentMethod.STRIPE and not stripe_enabled:
        errors["payment"] = N_("Card payment is not set up yet. Choose to pay at the door.")
    if errors:
        raise ValidationFailed(errors)
    return Quote(event, lines, request.donate, request.claim, event.donation_price_cents, payment)
