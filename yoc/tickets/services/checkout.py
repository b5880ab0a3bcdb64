"""Paying for an order online: starting the checkout, and what the payment provider's
news (paid, ended unpaid, refunded elsewhere) means for the order."""

from __future__ import annotations

import logging
from enum import StrEnum

from tortoise.transactions import in_transaction

from yoc.errors import Unavailable
from yoc.events.models import Event
from yoc.i18n import N_
from yoc.payments import services as payment_services
from yoc.payments.providers import Charge, Payments, ProviderUnavailable
from yoc.settings import Settings
from yoc.tickets.enums import OrderNote, OrderStatus, PaymentMethod, TicketStatus
from yoc.tickets.models import Order, OrderLog, Refund, Ticket
from yoc.tickets.services import holds, states
from yoc.tickets.services.notify import order_mail, staff_mail

S = OrderStatus
log = logging.getLogger("yoc.tickets")


class Fulfilment(StrEnum):
    """What a payment did to its order."""

    PAID = "paid"
    ALREADY_PAID = "already_paid"
    PAID_LATE = "paid_late"
    REFUNDED_LATE = "refunded_late"
    # To be given back, but the provider has not done it yet: the worker tries again.
    REFUND_DUE = "refund_due"
    ALREADY_REFUNDED = "already_refunded"
    EXPIRED = "expired"
    REFUNDED = "refunded"
    IGNORED = "ignored"


async def start(
    order: Order, *, settings: Settings, payments: Payments, placed_now: bool = False
) -> str | None:
    """Begin paying for a placed order; return where to send the buyer (None: the order
    is paid at the door or free, and its own page says what comes next).

    When the provider is down, raise ``Unavailable``; an order ``placed_now`` gives its
    seats back at once rather than hold them for a payment that cannot start."""
    if order.payment != PaymentMethod.STRIPE or order.status != S.PENDING:
        return None
    event = await Event.get(id=order.event_id)
    page = f"{settings.base_url}/orders/{order.code}/{order.key}"
    charge = Charge(
        amount_cents=order.total_cents,
        description=f"{event.name_es if order.language == 'es' else event.name_en} · {order.code}",
        email=order.buyer_email,
        language=order.language,
        success_url=f"{page}?checkout=done",
        cancel_url=f"{page}?checkout=cancelled",
    )
    try:
        return await payment_services.begin(payments, order.payment, order.code, charge)
    except ProviderUnavailable:
        log.warning("card checkout of order %s could not start", order.code, exc_info=True)
        if placed_now:
            await states.move(order, S.EXPIRED, actor="system", code=OrderNote.CARD_UNAVAILABLE)
        raise Unavailable(
            N_(
                "Card payment is not available right now, and nothing was charged. Please "
                "try again in a few minutes, or choose another way to pay."
            ),
            "payment_unavailable",
        ) from None


async def confirm_on_return(order: Order, *, settings: Settings, payments: Payments) -> bool:
    """The buyer is back from the provider's page: if the provider says it is paid, pay
    the order now rather than wait for the webhook (which stays the source of truth).
    Return whether the order changed."""
    if order.payment != PaymentMethod.STRIPE or order.status not in (S.PENDING, S.EXPIRED):
        return False
    try:
        if not await payment_services.is_paid(payments, order.payment, order.code):
            return False
    except ProviderUnavailable:
        return False  # the webhook will tell
    await payment_confirmed(order.code, settings=settings, payments=payments)
    return True


async def payment_confirmed(
    code: str,
    *,
    settings: Settings,
    payments: Payments,
    reference: str = "",
    webhook_event: str = "",
) -> Fulfilment:
    """A confirmed payment: pay the order; after its hold ended, pay it if seats are
    still there; otherwise (sold out, or the order was cancelled, or already paid through
    another checkout ``reference``) give the money back. The provider's ``webhook_event``
    told of it, or (without one) the buyer came back from the payment page.

    The success page and the webhook (or two webhooks) may tell of one payment at once:
    each decides with the order locked, so one pays it and the other finds it paid."""
    order = await Order.get_or_none(code=code)
    if order is None:
        return Fulfilment.IGNORED
    async with in_transaction():
        await _lock(order)
        order = await Order.get(id=order.id)
        # Already being given back: only the refund may be left to make.
        if not (reference and await payment_services.is_given_back(order.payment, reference)):
            how = (
                (OrderNote.PAID_BY_WEBHOOK, {"reference": webhook_event})
                if webhook_event
                else (OrderNote.PAID_ON_RETURN, {})
            )
            fulfilled = await _fulfil(order, how=how, settings=settings, reference=reference)
            if fulfilled is not None:
                return fulfilled
            # Owed before the provider is asked, under the lock: a failed refund is tried
            # again, and no later confirmation pays an order whose money is going back.
            await payment_services.owe_refund(order.payment, order.code, reference=reference)
    return await _give_back(order, settings=settings, payments=payments)


async def _fulfil(
    order: Order, *, how: tuple[OrderNote, dict], settings: Settings, reference: str
) -> Fulfilment | None:
    """Pay the locked order with this payment if it can be; None: give the money back.
    ``how`` is what the order log says of the payment."""
    code, details = how
    if order.status == S.PAID:
        if reference and await payment_services.paid_by_another(
            order.payment, order.code, reference
        ):
            return None
        return Fulfilment.ALREADY_PAID
    if order.status == S.PENDING:
        await states.move(
            order, S.PAID, actor="stripe", code=code, details=details, settings=settings
        )
        return Fulfilment.PAID
    if order.status != S.EXPIRED or await payment_services.refund_owed_or_made(
        order.payment, order.code
    ):
        return None
    try:
        async with in_transaction():
            await holds.retake(order)
            await Ticket.filter(order=order).update(status=TicketStatus.VALID)
            await states.move(
                order,
                S.PAID,
                actor="stripe",
                code=code,
                details={**details, "late": True},
                settings=settings,
            )
    except holds.SoldOut:
        return None
    return Fulfilment.PAID_LATE


async def _lock(order: Order) -> None:
    """Hold the order's row until the transaction ends. A write rather than
    ``select_for_update()``, which does nothing on SQLite: a write takes the row lock on
    PostgreSQL and the database's write lock on SQLite."""
    await Order.filter(id=order.id).update(code=order.code)


async def _give_back(order: Order, *, settings: Settings, payments: Payments) -> Fulfilment:
    """Make the refunds owed on payments we cannot honour, exactly once however often
    they are reported or retried."""
    try:
        made = await payment_services.settle_refund_due(payments, order.payment, order.code)
    except ProviderUnavailable:
        log.warning("refund of order %s failed; it stays due", order.code, exc_info=True)
        return Fulfilment.REFUND_DUE
    if not made:
        return Fulfilment.ALREADY_REFUNDED
    for payment in made:
        if order.status == S.PAID:
            # The order is paid through another checkout and keeps its tickets: this
            # money was never the order's, so it is no refund of the order's sales.
            await OrderLog.create(
                order=order,
                from_status=order.status,
                to_status=order.status,
                actor_label="stripe",
                code=OrderNote.SECOND_PAYMENT_REFUNDED,
                details={"reference": payment.refund_ref},
            )
            continue
        # Sold out after the hold ended, or the order was cancelled or refunded.
        why = "sold_out" if order.status == S.EXPIRED else order.status.value
        await Refund.create(
            order=order,
            amount_cents=payment.amount_cents,
            actor_label="system",
            code=OrderNote.LATE_PAYMENT_REFUNDED,
            provider_ref=payment.refund_ref,
        )
        await OrderLog.create(
            order=order,
            from_status=order.status,
            to_status=order.status,
            actor_label="stripe",
            code=OrderNote.LATE_PAYMENT_REFUNDED,
            details={"why": why, "amount_cents": payment.amount_cents},
        )
        await order_mail(order, "order_late_refunded", settings)
    return Fulfilment.REFUNDED_LATE


async def payment_mismatch(
    code: str, *, why: str, settings: Settings, figures: dict | None = None
) -> None:
    """The provider reports a payment that is not what the order asked for: the order
    is not paid, and staff are told to look. ``why`` is for the staff email; ``figures``
    (the checkout's reference, what was paid and expected) for the order log."""
    order = await Order.get_or_none(code=code)
    if order is None:
        return
    await OrderLog.create(
        order=order,
        from_status=order.status,
        to_status=order.status,
        actor_label="stripe",
        code=OrderNote.PAYMENT_MISMATCH,
        details=figures or {},
    )
    await staff_mail(
        "staff_payment_mismatch",
        settings,
        {
            "order": order,
            "why": why,
            "order_link": f"{settings.base_url}/staff/orders/{order.code}",
        },
    )


async def settle_refunds_due(*, settings: Settings, payments: Payments) -> int:
    """Try again every refund owed on a card payment (the background worker's job);
    return how many were made."""
    made = 0
    for code in await payment_services.refunds_due(PaymentMethod.STRIPE):
        order = await Order.get_or_none(code=code)
        if order is None or not payments.offers(order.payment):
            continue
        if (
            await _give_back(order, settings=settings, payments=payments)
            == Fulfilment.REFUNDED_LATE
        ):
            made += 1
    return made


async def payment_failed(code: str, *, kind: str) -> Fulfilment:
    """The checkout ended unpaid (the provider's event ``kind``): a pending order's hold
    ends with it."""
    order = await Order.get_or_none(code=code)
    if order is None or order.status != S.PENDING:
        return Fulfilment.IGNORED
    await states.move(
        order, S.EXPIRED, actor="stripe", code=OrderNote.CHECKOUT_ENDED, details={"kind": kind}
    )
    return Fulfilment.EXPIRED


async def refunded_elsewhere(
    code: str, *, amount_cents: int, reference: str, webhook_event: str, settings: Settings
) -> Fulfilment:
    """A paid order was refunded in full outside this app (the provider's dashboard):
    recorded like our own refunds, so the sales figures stay true."""
    order = await Order.get_or_none(code=code)
    if order is None or order.status != S.PAID:
        return Fulfilment.IGNORED
    await Refund.create(
        order=order,
        amount_cents=amount_cents,
        actor_label="stripe",
        code=OrderNote.REFUNDED_IN_STRIPE,
        provider_ref=reference,
    )
    await states.move(
        order,
        S.REFUNDED,
        actor="stripe",
        code=OrderNote.REFUNDED_IN_STRIPE,
        details={"reference": webhook_event, "amount_cents": amount_cents},
        settings=settings,
    )
    return Fulfilment.REFUNDED
