"""Money back: staff refunds (whole orders or some tickets) and cancellations, through
the order's payment provider."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from yoc.errors import Conflict, ValidationFailed
from yoc.i18n import N_
from yoc.payments import services as payment_services
from yoc.payments.providers import Payments
from yoc.settings import Settings
from yoc.tickets.enums import OrderNote, OrderStatus, TicketStatus
from yoc.tickets.models import Order, OrderLog, Refund, Ticket
from yoc.tickets.services import holds, states
from yoc.tickets.services.notify import order_mail

S = OrderStatus


@dataclass(frozen=True)
class Planned:
    """What a refund would do: which valid tickets it voids, how much goes back, and
    whether that is the whole order."""

    tickets: list[Ticket]
    amount_cents: int
    whole: bool


async def plan(order: Order, ticket_ids: list[int] | None = None) -> Planned:
    """What refunding the whole order (no ``ticket_ids``) or those tickets would do;
    refused as the refund itself would be."""
    if order.status != S.PAID:
        raise Conflict(N_("Only a paid order can be refunded."), "not_paid")
    valid = await Ticket.filter(order=order, status=TicketStatus.VALID)
    if ticket_ids:
        chosen = [t for t in valid if t.id in set(ticket_ids)]
        if len(chosen) != len(set(ticket_ids)):
            raise ValidationFailed(
                {"tickets": N_("Choose tickets of this order that are still valid.")}
            )
    else:
        chosen = valid
    whole = len(chosen) == len(valid)
    amount = (
        order.total_cents - sum(r.amount_cents for r in await Refund.filter(order=order))
        if whole
        else sum(t.price_cents for t in chosen)
    )
    return Planned(chosen, amount, whole)


async def refund(
    order: Order,
    *,
    actor: str,
    reason: str,
    settings: Settings,
    payments: Payments,
    ticket_ids: list[int] | None = None,
) -> Refund:
    """Refund the whole order, or some of its tickets, through its payment provider."""
    planned = await plan(order, ticket_ids)
    chosen, amount, whole = planned.tickets, planned.amount_cents, planned.whole
    already = Conflict(N_("This was refunded a moment ago."), "already_refunded")
    # The state change comes first, as a conditional update: of several staff refunding at
    # once, one wins and the others are refused. The provider's refund runs inside the
    # same transaction, so if it fails, nothing here is kept.
    async with in_transaction():
        if whole:
            if not await states.move(
                order,
                S.REFUNDED,
                actor=actor,
                code=OrderNote.REFUNDED,
                details={"amount_cents": amount},
                note=reason,
                settings=settings,
            ):
                raise already
        else:
            ids = [t.id for t in chosen]
            voided = await Ticket.filter(id__in=ids, status=TicketStatus.VALID).update(
                status=TicketStatus.VOID
            )
            if voided != len(ids):
                raise already
            await holds.release(order, chosen)
            await OrderLog.create(
                order=order,
                from_status=S.PAID,
                to_status=S.PAID,
                actor_label=actor,
                code=OrderNote.TICKETS_REFUNDED,
                details={"count": len(chosen), "amount_cents": amount},
                note=reason,
            )
            await order_mail(order, "order_refunded", settings)
        provider_ref = (
            await payment_services.refund(payments, order.payment, order.code, amount)
            if amount
            else ""
        )
        record = await Refund.create(
            order=order,
            amount_cents=amount,
            reason=reason,
            tickets=[t.id for t in chosen],
            actor_label=actor,
            provider_ref=provider_ref,
        )
    return record


async def cancel(
    order: Order, *, actor: str, reason: str, settings: Settings, payments: Payments
) -> None:
    """Staff cancel an order: a pending one is released; a paid one is refunded first."""
    if order.status == S.PAID and order.total_cents:
        await refund(order, actor=actor, reason=reason, settings=settings, payments=payments)
        return
    await states.move(
        order, S.CANCELLED, actor=actor, note=reason, settings=settings, payments=payments
    )
