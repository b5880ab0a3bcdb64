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
from yoc.payments.models import WebhookEvent
from yoc.tickets.enums import OrderStatus, TicketStatus
from yoc.tickets.models import OrderLog

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
