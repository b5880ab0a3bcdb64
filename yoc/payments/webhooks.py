"""Stripe webhooks: verified by the route, recorded once by event id, tolerant of
retries and of events that arrive out of order. What an event means for an order is the
order services' business: this module records the payment and tells them."""

from __future__ import annotations

import logging
from typing import Any

from tortoise.transactions import in_transaction

from yoc.payments import services
from yoc.payments.enums import WebhookOutcome
from yoc.payments.providers import STRIPE, Payments
from yoc.settings import Settings
from yoc.tickets.services import checkout

log = logging.getLogger("yoc.payments")


async def handle(event: dict[str, Any], *, settings: Settings, payments: Payments) -> str:
    """Process one verified event; return what happened (for logs and tests)."""
    event_id, kind = event["id"], event["type"]
    # Recorded in the transaction of its effect: a failure (or a crash) records nothing,
    # and Stripe's next delivery is processed anew.
    async with in_transaction():
        if not await services.first_delivery(event_id, kind):
            return WebhookOutcome.DUPLICATE
        return await _process(kind, event["data"]["object"], event_id, settings, payments)


async def _process(
    kind: str, obj: dict[str, Any], event_id: str, settings: Settings, payments: Payments
) -> str:
    # Our checkouts carry their subject; anything else is someone else's.
    subject = (obj.get("metadata") or {}).get(services.SUBJECT_KEY)
    if not subject:
        return WebhookOutcome.IGNORED
    match kind:
        case "checkout.session.completed" | "checkout.session.async_payment_succeeded":
            # A bank debit completes the checkout unpaid; async_payment_succeeded follows.
            if obj.get("payment_status") != "paid":
                return WebhookOutcome.NOT_PAID_YET
            return await _paid(obj, subject, event_id, settings, payments)
        case "checkout.session.expired" | "checkout.session.async_payment_failed":
            if await services.closed(STRIPE, reference=str(obj.get("id", "")), subject=subject):
                return await checkout.payment_failed(subject, kind=kind)
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
                webhook_event=event_id,
                settings=settings,
            )
    return WebhookOutcome.IGNORED


async def _paid(
    obj: dict[str, Any], subject: str, event_id: str, settings: Settings, payments: Payments
) -> str:
    """A checkout paid: only what its Payment asked for, in its currency, pays."""
    reference = str(obj.get("id", ""))
    payment = await services.checkout_of(STRIPE, reference=reference, subject=subject)
    if payment is None and not await services.has_checkouts(STRIPE, subject):
        return WebhookOutcome.IGNORED
    amount, currency = obj.get("amount_total"), str(obj.get("currency", "")).lower()
    figures: dict[str, Any] = {"reference": reference}
    if payment is None:
        why = f"checkout session {reference} is not one of the order's"
    elif (amount, currency) != (payment.amount_cents, payment.currency):
        why = (
            f"paid {amount} {currency} in {reference}, "
            f"expected {payment.amount_cents} {payment.currency}"
        )
        figures.update(
            paid_cents=amount,
            paid_currency=currency,
            expected_cents=payment.amount_cents,
            expected_currency=payment.currency,
        )
    else:
        await services.confirmed(
            STRIPE, reference=reference, subject=subject, charge_ref=obj.get("payment_intent") or ""
        )
        return await checkout.payment_confirmed(
            subject,
            settings=settings,
            payments=payments,
            reference=reference,
            webhook_event=event_id,
        )
    log.error("stripe event %s for %s does not match its payment: %s", event_id, subject, why)
    await checkout.payment_mismatch(subject, why=why, settings=settings, figures=figures)
    return WebhookOutcome.MISMATCH
