"""The emails of an order, in the buyer's language."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from yoc import mail
from yoc.accounts import services as accounts
from yoc.events.models import Event
from yoc.settings import Settings
from yoc.tickets.enums import OrderStatus, PaymentMethod, TicketStatus
from yoc.tickets.models import Order, Ticket
from yoc.tickets.services import personal_data, receipts, signing
from yoc.timeutil import utcnow


async def order_mail(
    order: Order,
    template: str,
    settings: Settings,
    *,
    event: Event | None = None,
    tickets: list[Ticket] | None = None,
) -> None:
    """Queue one of the order's emails; pass the event and the valid tickets when the
    caller has them at hand, to save fetching them again."""
    if order.buyer_email == personal_data.ERASED:
        return  # the buyer had their data deleted: there is nobody to write to
    if event is None:
        event = await Event.get(id=order.event_id)
    if tickets is None:
        tickets = await Ticket.filter(order=order, status=TicketStatus.VALID)
    codes = {}
    extra: dict[str, Any] = {}
    if template == "order_confirmed":
        for ticket in tickets:
            codes[f"ticket-{ticket.id}"] = await signing.code_for(ticket, event)
        extra["receipt"] = await receipts.receipt(order, settings)
        extra["calendar_link"] = (
            f"{settings.base_url}/tickets/{tickets[0].secret}/event.ics" if tickets else None
        )
    await mail.queue_mail(
        to=order.buyer_email,
        template=template,
        language=order.language,
        qr_codes=codes,
        context={
            "order": order,
            "event": event,
            "tickets": tickets,
            "order_link": f"{settings.base_url}/orders/{order.code}/{order.key}",
            "ticket_links": [f"{settings.base_url}/tickets/{t.secret}" for t in tickets],
            **extra,
        },
    )


async def staff_mail(template: str, settings: Settings, context: dict[str, Any]) -> None:
    """Queue a notice to every active staff member and admin, each in their language."""
    for email, language in await accounts.staff_contacts():
        await mail.queue_mail(to=email, template=template, language=language, context=context)


async def resend_tickets(email: str, *, settings: Settings) -> int:
    """Email again each order of this address for an upcoming event that is paid (its
    tickets) or waits for payment at the door (its reservation); say nothing about
    whether there were any. Return how many were sent."""
    found = (
        await Order.filter(buyer_email=email.strip().lower(), event__ends_at__gte=utcnow())
        .filter(
            Q(status=OrderStatus.PAID)
            | Q(status=OrderStatus.PENDING, payment=PaymentMethod.BOX_OFFICE)
        )
        .order_by("id")
    )
    for order in found:
        template = "order_confirmed" if order.status == OrderStatus.PAID else "order_received"
        await order_mail(order, template, settings)
    return len(found)
