"""The life of an order: the one function that moves it from state to state, logged,
with the seats, checkout and email each move implies."""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from yoc.errors import Conflict
from yoc.events.models import Event
from yoc.i18n import N_
from yoc.payments import services as payment_services
from yoc.payments.providers import Payments
from yoc.settings import Settings
from yoc.tickets.enums import OrderNote, OrderStatus, PaymentMethod
from yoc.tickets.models import Order, OrderLog
from yoc.tickets.services import holds
from yoc.tickets.services.notify import order_mail
from yoc.timeutil import utcnow

S = OrderStatus

ALLOWED = {
    S.PENDING: {S.PAID, S.EXPIRED, S.CANCELLED},
    S.PAID: {S.REFUNDED, S.CANCELLED},
    # A card payment that arrives after the hold ended (see checkout.payment_confirmed).
    S.EXPIRED: {S.PAID},
    S.REFUNDED: set(),
    S.CANCELLED: set(),
}

# The email each move sends the buyer.
MAIL = {S.PAID: "order_confirmed", S.REFUNDED: "order_refunded", S.CANCELLED: "order_cancelled"}


async def move(
    order: Order,
    to: OrderStatus,
    *,
    actor: str,
    code: OrderNote | None = None,
    details: dict | None = None,
    note: str = "",
    settings: Settings | None = None,
    payments: Payments | None = None,
) -> bool:
    """The one way an order changes state: checked, logged (what happened as ``code``
    and ``details``, what a person wrote as ``note``), with its side effects.

    Returns False (and changes nothing) when another request moved the order first.
    """
    if to not in ALLOWED[order.status]:
        raise Conflict(N_("This order cannot change that way."), "bad_transition")
    before = order.status
    async with in_transaction():
        changes: dict = {"status": to}
        if to == S.PAID:
            changes["paid_at"] = utcnow()
        if not await Order.filter(id=order.id, status=before).update(**changes):
            return False
        order.status = to
        if before == S.PENDING:
            await holds.give_back_unpaid(order)
        if to == S.PAID:
            order.paid_at = changes["paid_at"]
            if order.donated_count:
                await Event.filter(id=order.event_id).update(
                    donated=F("donated") + order.donated_count
                )
        elif to in (S.EXPIRED, S.CANCELLED, S.REFUNDED):
            await holds.release_all(order, was_paid=before == S.PAID)
        await OrderLog.create(
            order=order,
            from_status=before.value,
            to_status=to.value,
            actor_label=actor,
            code=code.value if code else "",
            details=details or None,
            note=note,
        )
    # The buyer must not be able to pay for an order that ended: close its checkout.
    if to in (S.EXPIRED, S.CANCELLED) and before == S.PENDING and payments is not None:
        await payment_services.cancel(payments, order.payment, order.code)
    if settings is not None:
        template = MAIL.get(to)
        if to == S.EXPIRED and order.payment == PaymentMethod.BOX_OFFICE:
            template = "order_lapsed"  # a reservation to pay at the door, not paid in time
        if template and not (to == S.CANCELLED and before == S.PENDING and actor == "buyer"):
            await order_mail(order, template, settings)
    return True


async def sweep_expired(
    *,
    event_id: int | None = None,
    now: datetime | None = None,
    payments: Payments | None = None,
    settings: Settings | None = None,
) -> int:
    """Expire pending orders whose hold has ended (card checkouts not finished, and
    reservations to pay at the door that lapsed, whose buyer is told); return how many."""
    now = now or utcnow()
    query = Order.filter(status=S.PENDING, hold_expires_at__lt=now)
    if event_id is not None:
        query = query.filter(event_id=event_id)
    expired = 0
    for order in await query:
        if await move(
            order,
            S.EXPIRED,
            actor="system",
            code=OrderNote.HOLD_ENDED,
            payments=payments,
            settings=settings,
        ):
            expired += 1
    return expired


async def mark_paid_at_door(order: Order, *, actor: str, settings: Settings) -> None:
    if order.payment != PaymentMethod.BOX_OFFICE or order.status != S.PENDING:
        raise Conflict(
            N_("Only a pay-at-the-door order that waits for payment can be marked paid."),
            "bad_transition",
        )
    await move(order, S.PAID, actor=actor, code=OrderNote.PAID_AT_DOOR, settings=settings)
