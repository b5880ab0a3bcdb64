"""Stripe's webhook (payments/routes.py, payments/webhooks.py): only a correctly signed
event is read; one event is processed once however often, and however many at once, it
arrives; events out of order, or not for one of our orders, are acknowledged and change
nothing they should not."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import stripe

from tests.factories import make_user
from tests.payments.conftest import (
    IGNORE_STRIPE_HTTPX_WARNING,
    WEBHOOK,
    WEBHOOK_SECRET,
    deliver,
    outcome,
    session_of,
)
from tests.tickets.conftest import mails, paid_lines, seats, status_of, ticket_statuses
from tests.tickets.factories import card_order, make_festival
from yoc.accounts.enums import Role
from yoc.payments.enums import PaymentState
from yoc.payments.models import Payment, WebhookEvent
from yoc.tickets.enums import OrderStatus, TicketStatus
from yoc.tickets.models import Order, OrderLog
from yoc.tickets.services import checkout

pytestmark = IGNORE_STRIPE_HTTPX_WARNING


# Webhook signatures and repeats ----------------------------------------------------


@pytest.mark.parametrize(
    "how",
    [
        pytest.param("wrong_secret", id="bad-signature"),
        pytest.param("no_header", id="missing-signature"),
        pytest.param("stale", id="timestamp-older-than-5-minutes"),
        pytest.param("tampered", id="body-changed-after-signing"),
    ],
)
async def test_webhook_without_a_valid_signature_is_refused_and_changes_nothing(
    stripe_client, fake_stripe, how
) -> None:
    event, general = await make_festival()
    order = await card_order(stripe_client, event, general)
    completed = fake_stripe.complete(await session_of(order))
    payload = json.dumps(completed)
    headers = {"Content-Type": "application/json"}
    if how == "wrong_secret":
        headers["Stripe-Signature"] = stripe.WebhookSignature.generate_signature_header(
            payload, "whsec_someone_else"
        )
    elif how == "stale":
        headers["Stripe-Signature"] = stripe.WebhookSignature.generate_signature_header(
            payload, WEBHOOK_SECRET, timestamp=int(time.time()) - 6 * 60
        )
    elif how == "tampered":
        headers["Stripe-Signature"] = stripe.WebhookSignature.generate_signature_header(
            payload, WEBHOOK_SECRET
        )
        payload = payload.replace('"paid"', '"paid" ', 1)

    response = await stripe_client.post(WEBHOOK, content=payload, headers=headers)

    assert (response.status_code, response.json()) == (400, {"error": "invalid_signature"})
    assert await status_of(order) == OrderStatus.PENDING
    assert await WebhookEvent.all().count() == 0
    assert await paid_lines(order) == 0
    assert await mails("order_confirmed") == []


async def test_the_same_event_delivered_five_times_is_fulfilled_once(
    stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()
    order = await card_order(stripe_client, event, general)
    completed = fake_stripe.complete(await session_of(order))

    answers = [(await deliver(stripe_client, completed)).json() for _ in range(5)]

    assert answers == [outcome("paid")] + [outcome("duplicate")] * 4
    assert await status_of(order) == OrderStatus.PAID
    assert await paid_lines(order) == 1
    assert len(await mails("order_confirmed")) == 1
    assert await WebhookEvent.all().values_list("event_id", flat=True) == [completed["id"]]
    assert await seats(event, general) == (2, 2)


async def test_the_same_event_delivered_five_times_at_once_is_fulfilled_once(
    stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()
    order = await card_order(stripe_client, event, general)
    completed = fake_stripe.complete(await session_of(order))

    responses = await asyncio.gather(*(deliver(stripe_client, completed) for _ in range(5)))

    assert sorted(r.json()["outcome"] for r in responses) == ["duplicate"] * 4 + ["paid"]
    assert await paid_lines(order) == 1
    assert len(await mails("order_confirmed")) == 1
    assert await WebhookEvent.all().count() == 1


# Events out of order, and events that are not ours ----------------------------------


async def test_expired_event_after_completed_leaves_the_order_paid(
    stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()
    order = await card_order(stripe_client, event, general)
    session_id = await session_of(order)
    completed = fake_stripe.complete(session_id)
    await deliver(stripe_client, completed)

    response = await deliver(stripe_client, fake_stripe.expire_event(session_id))

    assert (response.status_code, response.json()) == (200, outcome("ignored"))
    assert await status_of(order) == OrderStatus.PAID
    assert await ticket_statuses(order) == [TicketStatus.VALID, TicketStatus.VALID]
    assert await seats(event, general) == (2, 2)
    assert await OrderLog.filter(order_id=order.id).values_list("to_status", flat=True) == [
        "pending",
        "paid",
    ]


async def test_expired_event_for_a_pending_order_expires_it_and_releases_seats(
    stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()
    order = await card_order(stripe_client, event, general)

    response = await deliver(stripe_client, fake_stripe.expire_event(await session_of(order)))

    assert (response.status_code, response.json()) == (200, outcome("expired"))
    assert await status_of(order) == OrderStatus.EXPIRED
    assert await ticket_statuses(order) == [TicketStatus.VOID, TicketStatus.VOID]
    assert await seats(event, general) == (0, 0)


@pytest.mark.parametrize(
    "metadata",
    [
        pytest.param({"order_code": "YOC-NOTOURS1"}, id="unknown-order"),
        pytest.param({}, id="no-metadata"),
        pytest.param({"shop_order": "1234"}, id="someone-elses-metadata"),
    ],
)
async def test_completed_event_that_is_not_for_one_of_our_orders_is_ignored(
    stripe_client, fake_stripe, metadata
) -> None:
    event, general = await make_festival()
    order = await card_order(stripe_client, event, general)
    foreign = fake_stripe.complete(await session_of(order))
    foreign["data"]["object"]["metadata"] = metadata

    response = await deliver(stripe_client, foreign)

    assert (response.status_code, response.json()) == (200, outcome("ignored"))
    assert await status_of(order) == OrderStatus.PENDING
    assert await mails("order_confirmed") == []


async def test_event_type_we_do_not_handle_is_acknowledged_and_ignored(
    stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()
    order = await card_order(stripe_client, event, general)
    other = fake_stripe.complete(await session_of(order))
    other["type"] = "payment_intent.created"

    response = await deliver(stripe_client, other)

    assert (response.status_code, response.json()) == (200, outcome("ignored"))
    assert await status_of(order) == OrderStatus.PENDING


# Checking what Stripe says was paid ------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"amount_total": 1}, id="amount"),
        pytest.param({"currency": "eur"}, id="currency"),
        pytest.param({"id": "cs_test_not_ours"}, id="session"),
    ],
)
async def test_completed_event_that_differs_from_the_payment_pays_nothing_and_alerts_staff(
    stripe_client, fake_stripe, caplog, change
) -> None:
    staff = await make_user(role=Role.STAFF, email="sam@example.org", language="es")
    await make_user(role=Role.MEMBER, email="member@example.org")
    event, general = await make_festival()
    order = await card_order(stripe_client, event, general)
    completed = fake_stripe.complete(await session_of(order))
    completed["data"]["object"].update(change)

    response = await deliver(stripe_client, completed)

    assert (response.status_code, response.json()) == (200, outcome("mismatch"))
    assert await status_of(order) == OrderStatus.PENDING
    assert await mails("order_confirmed") == []
    assert (await Payment.get(subject=order.code)).state == PaymentState.PENDING
    [alert] = await mails("staff_payment_mismatch")
    assert (alert.to_email, alert.language) == (staff.email, "es")
    assert order.code in alert.body_text
    assert [r.levelname for r in caplog.records if r.name == "yoc.payments"] == ["ERROR", "INFO"]


async def test_a_second_paid_checkout_for_a_paid_order_is_refunded(
    stripe_app, stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()
    order = await card_order(stripe_client, event, general)
    first = await session_of(order)
    # The buyer left the first checkout open in a tab and started another one.
    await Payment.filter(reference=first).update(state=PaymentState.CLOSED)
    await asyncio.sleep(1.1)
    await checkout.start(
        order, settings=stripe_app.state.settings, payments=stripe_app.state.payments
    )
    second = await session_of(order)
    assert second != first
    paid_first = fake_stripe.complete(first)
    paid_second = fake_stripe.complete(second)

    answers = [await deliver(stripe_client, e) for e in (paid_first, paid_second)]

    assert [a.json()["outcome"] for a in answers] == ["paid", "refunded_late"]
    assert await status_of(order) == OrderStatus.PAID
    assert await ticket_statuses(order) == [TicketStatus.VALID, TicketStatus.VALID]
    [refund] = fake_stripe.refunds
    assert refund["payment_intent"] == paid_second["data"]["object"]["payment_intent"]
    states = await Payment.filter(subject=order.code).order_by("id").values_list("state", flat=True)
    assert states == [PaymentState.PAID, PaymentState.REFUNDED]
    assert len(await mails("order_confirmed")) == 1
    again = await deliver(stripe_client, {**paid_second, "id": paid_second["id"] + "_again"})
    assert again.json() == outcome("already_refunded")
    assert len(fake_stripe.refunds) == 1


# Payments that settle later (bank debits) --------------------------------------------


def _as(event: dict, kind: str, **session: object) -> dict:
    obj = {**event["data"]["object"], **session}
    return {**event, "id": f"{event['id']}_{kind}", "type": kind, "data": {"object": obj}}


async def test_async_payment_succeeded_pays_an_order_whose_checkout_completed_unpaid(
    stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()
    order = await card_order(stripe_client, event, general)
    completed = fake_stripe.complete(await session_of(order))
    waiting = _as(completed, "checkout.session.completed", payment_status="unpaid")
    succeeded = _as(completed, "checkout.session.async_payment_succeeded")

    answers = [await deliver(stripe_client, e) for e in (waiting, succeeded)]

    assert [a.json()["outcome"] for a in answers] == ["not_paid_yet", "paid"]
    assert await status_of(order) == OrderStatus.PAID
    assert len(await mails("order_confirmed")) == 1


async def test_async_payment_failed_ends_the_order_and_releases_its_seats(
    stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()
    order = await card_order(stripe_client, event, general)
    completed = fake_stripe.complete(await session_of(order))
    failed = _as(completed, "checkout.session.async_payment_failed", payment_status="unpaid")

    response = await deliver(stripe_client, failed)

    assert response.json() == outcome("expired")
    assert await status_of(order) == OrderStatus.EXPIRED
    assert await seats(event, general) == (0, 0)
    assert (await Payment.get(subject=order.code)).state == PaymentState.CLOSED


async def test_an_event_whose_effect_fails_is_not_recorded_and_its_redelivery_is_processed(
    stripe_client, fake_stripe
) -> None:
    event, general = await make_festival(capacity=2)
    order = await card_order(stripe_client, event, general)
    completed = fake_stripe.complete(await session_of(order))
    await Order.filter(id=order.id).update(status=OrderStatus.CANCELLED)
    # Stripe refuses the refund outright (not a failure worth retrying later).
    fake_stripe.fail("POST", "/v1/refunds", status=400)

    failed = await deliver(stripe_client, completed)

    assert failed.status_code == 500
    assert await WebhookEvent.all().count() == 0
    assert (await Payment.get(subject=order.code)).refund_due_cents == 0
    again = await deliver(stripe_client, completed)
    assert again.json() == outcome("refunded_late")
    assert await WebhookEvent.all().values_list("event_id", flat=True) == [completed["id"]]
    assert len(fake_stripe.refunds) == 1
