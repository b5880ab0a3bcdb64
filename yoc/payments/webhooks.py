"""Stripe webhooks: verified, recorded once by event id, tolerant of retries and of
events that arrive out of order (an order's state only moves forward)."""

from __future__ import annotations

import logging
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from yoc.settings import Settings
from yoc.tickets.enums import OrderStatus
from yoc.tickets.models import Order, Refund, StripeEvent
from yoc.tickets.services import orders

log = logging.getLogger("yoc.payments")


async def handle(event: dict[str, Any], *, settings: Settings, payments) -> str:
    """Process one verified event; return what happened (for logs and tests)."""
    event_id, kind = event["id"], event["type"]
    obj = event["data"]["object"]
    code = (obj.get("metadata") or {}).get("order_code")
    try:
        async with in_transaction():
            await StripeEvent.create(event_id=event_id, type=kind)
    except IntegrityError:
        return "duplicate"
    try:
        return await _process(kind, obj, code, event_id, settings=settings, payments=payments)
    except Exception:
        # Forget the event, so Stripe's retry of it is processed again.
        await StripeEvent.filter(event_id=event_id).delete()
        raise


async def _process(
    kind: str, obj: dict[str, Any], code: str | None, event_id: str, *, settings: Settings, payments
) -> str:
    if not code:
        return "ignored"
    order = await Order.get_or_none(code=code)
    if order is None:
        return "ignored"  # not ours
    if kind == "checkout.session.completed":
        if obj.get("payment_status") != "paid":
            return "not_paid_yet"
        await Order.filter(id=order.id).update(
            stripe_payment_intent=obj.get("payment_intent"),
            stripe_session_id=obj.get("id") or order.stripe_session_id,
        )
        order = await Order.get(id=order.id)
        return await orders.fulfil_payment(
            order, settings=settings, payments=payments, note=f"webhook {event_id}"
        )
    if kind == "checkout.session.expired":
        if order.status == OrderStatus.PENDING:
            await orders.move(
                order, OrderStatus.EXPIRED, actor="stripe", note="checkout session expired"
            )
            return "expired"
        return "ignored"
    if kind in ("charge.refunded", "refund.updated"):
        # Refunds we made are already recorded; one made in Stripe's dashboard is not.
        fully = kind == "charge.refunded" and obj.get("amount_refunded", 0) >= obj.get("amount", 1)
        if fully and order.status == OrderStatus.PAID:
            # Recorded like our own refunds, so the sales figures stay true.
            await Refund.create(
                order=order,
                amount_cents=obj.get("amount_refunded", 0),
                actor_label="stripe",
                reason="refunded in Stripe",
                provider_ref=str(obj.get("id", "")),
            )
            await orders.move(
                order,
                OrderStatus.REFUNDED,
                actor="stripe",
                note=f"refunded in Stripe ({event_id})",
                settings=settings,
            )
            return "refunded"
        return "ignored"
    return "ignored"
