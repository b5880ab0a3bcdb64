"""Stripe webhooks: verified by the route, recorded once by event id, tolerant of
retries and of events that arrive out of order. What an event means for an order is the
order services' business: this module records the payment and tells them."""

from __future__ import annotations

import logging
from typing import Any

from yoc.payments import services
from yoc.payments.enums import WebhookOutcome
from yoc.payments.providers import STRIPE, Payments
from yoc.settings import Settings
from yoc.tickets.services import checkout

log = logging.getLogger("yoc.payments")


async def handle(event: dict[str, Any], *, settings: Settings, payments: Payments) -> str:
    """Process one verified event; return what happened (for logs and tests)."""
    event_id, kind = event["id"], event["type"]
    if not await services.first_delivery(event_id, kind):
        return WebhookOutcome.DUPLICATE
    try:
        return await _process(kind, event["data"]["object"], event_id, settings, payments)
    except Exception:
        await services.forget_delivery(event_id)
        raise


async def _process(
    kind: str, obj: dict[str, Any], event_id: str, settings: Settings, payments: Payments
) -> str:
    # Our checkouts carry their subject; anything else is someone else's.
    subject = (obj.get("metadata") or {}).get(services.SUBJECT_KEY)
    if not subject:
        return WebhookOutcome.IGNORED
    match kind:
        case "checkout.session.completed":
            if obj.get("payment_status") != "paid":
                return WebhookOutcome.NOT_PAID_YET
            payment = await services.confirmed(
                STRIPE,
                reference=str(obj.get("id", "")),
                subject=subject,
                charge_ref=obj.get("payment_intent") or "",
            )
            if payment is None:
                return WebhookOutcome.IGNORED
            return await checkout.payment_confirmed(
                subject, note=f"webhook {event_id}", settings=settings, payments=payments
            )
        case "checkout.session.expired":
            if await services.closed(STRIPE, reference=str(obj.get("id", "")), subject=subject):
                return await checkout.payment_failed(subject, note="checkout session expired")
            return WebhookOutcome.IGNORED
        case "charge.refunded":
            # Refunds we made are already recorded; one made in Stripe's dashboard is not.
            amount = int(obj.get("amount_refunded", 0))
            if amount < int(obj.get("amount", 1)):
                return WebhookOutcome.IGNORED
            await services.refunded_elsewhere(
                STRIPE,
                subject=subject,
                charge_ref=obj.get("payment_intent") or "",
                amount_cents=amount,
            )
            return await checkout.refunded_elsewhere(
                subject,
                amount_cents=amount,
                reference=str(obj.get("id", "")),
                note=f"refunded in Stripe ({event_id})",
                settings=settings,
            )
    return WebhookOutcome.IGNORED
