"""Card payments with Stripe Checkout, end to end: the app talks over real HTTP to a
local stand-in for Stripe's API (tests/payments/stripe_fake.py), and Stripe's webhooks
reach the app signed with the library's own helper. How the webhook itself reads events
(signatures, repeats, events out of order or not ours) is in
tests/payments/test_webhooks.py."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import httpx

from tests.conftest import confirm, csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.payments.conftest import IGNORE_STRIPE_HTTPX_WARNING, deliver, outcome, session_of
from tests.tickets.conftest import (
    alerts,
    mails,
    paid_lines,
    seats,
    status_of,
    submit,
    ticket_statuses,
    translated,
)
from tests.tickets.factories import (
    NAME_EN,
    NAME_ES,
    PRICE,
    add_type,
    card_order,
    make_festival,
    order_via_api,
)
from yoc import i18n, jobs
from yoc.accounts.enums import Role
from yoc.events.models import Event
from yoc.payments.models import Payment
from yoc.tickets.enums import OrderStatus, TicketStatus
from yoc.tickets.models import Order, Refund, Ticket, TicketType
from yoc.tickets.services import reports, states
from yoc.timeutil import utcnow

pytestmark = IGNORE_STRIPE_HTTPX_WARNING


# Helpers -------------------------------------------------------------------------


async def intent_of(order: Order) -> str:
    """The PaymentIntent Stripe paid the order's latest card payment with."""
    return (await Payment.filter(subject=order.code).order_by("-id").first()).charge_ref


async def log_in_staff(client: httpx.AsyncClient) -> None:
    staff = await make_user(role=Role.STAFF, name="Sam Staff")
    await log_in(client, staff.email, PASSWORD)


async def staff_action(
    client: httpx.AsyncClient, order: Order, action: str, **data: str
) -> httpx.Response:
    page = f"/staff/orders/{order.code}"
    # Refunds and cancellations need a reason for the order log, and ask first on a page
    # of their own, whose button is pressed too.
    data = {"reason": "test", **data}
    response = await post_form(client, page, data, action=f"{page}/{action}")
    if action in ("refund", "cancel") and response.status_code == 200:
        return await confirm(client, response)
    return response


async def expire_hold(order: Order) -> None:
    """Time passes: the order's hold ended a minute ago."""
    await Order.filter(id=order.id).update(hold_expires_at=utcnow() - timedelta(minutes=1))


# Paying --------------------------------------------------------------------------


async def test_card_checkout_form_sends_buyer_to_stripe_and_webhook_pays_in_their_language(
    stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()

    response = await post_form(
        stripe_client,
        f"/events/{event.slug}",
        {
            "buyer_name": "Ana Flores",
            "buyer_email": "ana@example.org",
            "language": "es",
            f"qty_{general.id}": "2",
            "payment": "stripe",
        },
        action=f"/events/{event.slug}/orders",
    )

    session = fake_stripe.only_session()
    assert response.status_code == 303
    assert response.headers["location"] == session["url"]
    order = await Order.get(buyer_email="ana@example.org")
    assert (order.status, await session_of(order), order.total_cents) == (
        OrderStatus.PENDING,
        session["id"],
        2 * PRICE,
    )
    assert session["amount_total"] == 2 * PRICE
    assert session["metadata"] == {"order_code": order.code}
    assert session["locale"] == "es"
    assert session["success_url"] == (
        f"http://testserver/orders/{order.code}/{order.key}?checkout=done"
    )
    assert await seats(event, general) == (2, 2)

    paid = await deliver(stripe_client, fake_stripe.complete(session["id"]))

    assert (paid.status_code, paid.json()) == (200, outcome("paid"))
    order = await Order.get(id=order.id)
    assert order.status == OrderStatus.PAID
    assert await intent_of(order) == fake_stripe.session(session["id"])["payment_intent"]
    assert await ticket_statuses(order) == [TicketStatus.VALID, TicketStatus.VALID]
    assert await seats(event, general) == (2, 2)
    [mail] = await mails("order_confirmed")
    with i18n.use_language("es"):
        subject = i18n.gettext("Your tickets: %(event)s", event=NAME_ES)
    assert (mail.to_email, mail.language, mail.subject) == ("ana@example.org", "es", subject)
    assert NAME_ES in mail.body_text


async def test_card_order_through_the_api_answers_with_stripes_checkout_url(
    stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()

    response = await stripe_client.post(
        f"/api/v1/events/{event.slug}/orders",
        json={
            "buyer": {"name": "Ana Flores", "email": "ana@example.org"},
            "items": [{"ticket_type": general.id, "quantity": 1}],
            "payment": "stripe",
        },
    )

    session = fake_stripe.only_session()
    body = response.json()
    assert response.status_code == 201
    assert (body["status"], body["payment"], body["total_cents"]) == ("pending", "stripe", PRICE)
    assert body["checkout_url"] == session["url"]
    order = await Order.get(code=body["code"])
    assert (order.status, await session_of(order)) == (
        OrderStatus.PENDING,
        session["id"],
    )
    [create] = fake_stripe.received("POST", "/v1/checkout/sessions")
    assert create.params["line_items"] == [
        {
            "quantity": "1",
            "price_data": {
                "currency": "usd",
                "unit_amount": str(PRICE),
                "product_data": {"name": f"{NAME_EN} · {order.code}"},
            },
        }
    ]
    assert create.params["payment_intent_data"] == {"metadata": {"order_code": order.code}}

    paid = await deliver(stripe_client, fake_stripe.complete(session["id"]))

    assert (paid.status_code, paid.json()) == (200, outcome("paid"))
    assert await status_of(order) == OrderStatus.PAID
    assert [m.language for m in await mails("order_confirmed")] == ["en"]


async def test_checkout_session_lives_stripes_minimum_while_the_hold_is_shorter(
    stripe_client, stripe_settings, fake_stripe
) -> None:
    event, general = await make_festival()

    order = await card_order(stripe_client, event, general)

    session = fake_stripe.only_session()
    assert stripe_settings.hold_minutes * 60 < session["expires_at"] - session["created"]
    assert session["expires_at"] - session["created"] >= 30 * 60 - 5
    hold = order.hold_expires_at - order.created_at
    assert timedelta(minutes=14) < hold <= timedelta(minutes=stripe_settings.hold_minutes)


# Holds that end before Stripe's session does ---------------------------------------


async def test_when_the_hold_ends_the_sweep_expires_the_order_and_the_stripe_session(
    stripe_app, stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()
    order = await card_order(stripe_client, event, general)
    session_id = await session_of(order)
    await expire_hold(order)

    expired = await states.sweep_expired(payments=stripe_app.state.payments)

    assert expired == 1
    assert await status_of(order) == OrderStatus.EXPIRED
    assert await ticket_statuses(order) == [TicketStatus.VOID, TicketStatus.VOID]
    assert await seats(event, general) == (0, 0)
    assert len(fake_stripe.received("POST", f"/v1/checkout/sessions/{session_id}/expire")) == 1
    assert fake_stripe.session(session_id)["status"] == "expired"
    # Stripe then tells us the session expired: nothing more to do.
    response = await deliver(stripe_client, fake_stripe.expire_event(session_id))
    assert response.json() == outcome("ignored")
    assert await seats(event, general) == (0, 0)


async def test_a_hold_that_has_not_ended_is_kept(stripe_app, stripe_client, fake_stripe) -> None:
    event, general = await make_festival()
    order = await card_order(stripe_client, event, general)

    expired = await states.sweep_expired(payments=stripe_app.state.payments)

    assert expired == 0
    assert await status_of(order) == OrderStatus.PENDING
    assert await seats(event, general) == (2, 2)
    assert fake_stripe.session(await session_of(order))["status"] == "open"


async def test_the_background_job_expires_ended_holds_at_stripe_too(
    stripe_settings, stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()
    order = await card_order(stripe_client, event, general)
    await expire_hold(order)

    await jobs.run_once(stripe_settings)

    assert await status_of(order) == OrderStatus.EXPIRED
    assert await seats(event, general) == (0, 0)
    assert fake_stripe.session(await session_of(order))["status"] == "expired"


async def _paid_just_as_the_hold_ended(stripe_app, client, fake_stripe, event, ticket_type):
    """The buyer pays on Stripe's page in the last second of the hold; the sweep runs
    before Stripe's webhook arrives (so Stripe refuses to expire the paid session)."""
    order = await card_order(client, event, ticket_type)
    completed = fake_stripe.complete(await session_of(order))
    await expire_hold(order)
    assert await states.sweep_expired(payments=stripe_app.state.payments) == 1
    assert await status_of(order) == OrderStatus.EXPIRED
    return order, completed


async def test_late_payment_with_seats_left_pays_the_order(
    stripe_app, stripe_client, fake_stripe
) -> None:
    event, general = await make_festival(capacity=10)
    order, completed = await _paid_just_as_the_hold_ended(
        stripe_app, stripe_client, fake_stripe, event, general
    )
    assert await seats(event, general) == (0, 0)

    response = await deliver(stripe_client, completed)

    assert (response.status_code, response.json()) == (200, outcome("paid_late"))
    assert await status_of(order) == OrderStatus.PAID
    assert await ticket_statuses(order) == [TicketStatus.VALID, TicketStatus.VALID]
    assert await seats(event, general) == (2, 2)
    assert len(await mails("order_confirmed")) == 1
    assert fake_stripe.received("POST", "/v1/refunds") == []
    assert await Refund.all().count() == 0


async def test_late_payment_when_sold_out_is_refunded_in_full_and_the_buyer_told(
    stripe_app, stripe_client, fake_stripe
) -> None:
    event, general = await make_festival(capacity=2, unpaid_limit=2)
    order, completed = await _paid_just_as_the_hold_ended(
        stripe_app, stripe_client, fake_stripe, event, general
    )
    other = await order_via_api(
        stripe_client, event, {general: 2}, payment="box_office", email="ben@example.org"
    )
    assert await seats(event, general) == (2, 2)

    response = await deliver(stripe_client, completed)

    assert (response.status_code, response.json()) == (200, outcome("refunded_late"))
    assert await status_of(order) == OrderStatus.EXPIRED
    assert await ticket_statuses(order) == [TicketStatus.VOID, TicketStatus.VOID]
    assert await ticket_statuses(other) == [TicketStatus.VALID, TicketStatus.VALID]
    assert await seats(event, general) == (2, 2)
    [refund_call] = fake_stripe.received("POST", "/v1/refunds")
    intent = completed["data"]["object"]["payment_intent"]
    assert (refund_call.params["payment_intent"], refund_call.params["amount"]) == (
        intent,
        str(2 * PRICE),
    )
    [refund] = await Refund.filter(order_id=order.id)
    assert (refund.amount_cents, refund.provider_ref) == (
        2 * PRICE,
        fake_stripe.refunds[0]["id"],
    )
    [mail] = await mails("order_late_refunded")
    assert mail.to_email == "ana@example.org"
    assert await mails("order_confirmed") == []


async def test_late_refund_is_made_once_when_the_buyer_also_returns_to_the_success_page(
    stripe_app, stripe_client, fake_stripe
) -> None:
    event, general = await make_festival(capacity=2, unpaid_limit=2)
    order, completed = await _paid_just_as_the_hold_ended(
        stripe_app, stripe_client, fake_stripe, event, general
    )
    await order_via_api(
        stripe_client, event, {general: 2}, payment="box_office", email="ben@example.org"
    )
    await deliver(stripe_client, completed)

    page = await stripe_client.get(f"/orders/{order.code}/{order.key}?checkout=done")

    assert page.status_code == 200
    assert await status_of(order) == OrderStatus.EXPIRED
    assert len(fake_stripe.received("POST", "/v1/refunds")) == 1
    assert await Refund.filter(order_id=order.id).count() == 1
    assert len(await mails("order_late_refunded")) == 1


async def test_late_refund_that_stripe_fails_stays_due_until_the_worker_makes_it_once(
    stripe_app, stripe_client, stripe_settings, fake_stripe
) -> None:
    event, general = await make_festival(capacity=2, unpaid_limit=2)
    order, completed = await _paid_just_as_the_hold_ended(
        stripe_app, stripe_client, fake_stripe, event, general
    )
    await order_via_api(
        stripe_client, event, {general: 2}, payment="box_office", email="ben@example.org"
    )
    # Stripe's API is down for both deliveries' refunds, and the client's own retries.
    fake_stripe.fail("POST", "/v1/refunds", times=6)

    first = await deliver(stripe_client, completed)
    again = await deliver(stripe_client, {**completed, "id": completed["id"] + "_retry"})

    assert (first.status_code, first.json()) == (200, outcome("refund_due"))
    assert (again.status_code, again.json()) == (200, outcome("refund_due"))
    assert fake_stripe.refunds == []
    assert await Refund.filter(order_id=order.id).count() == 0
    payment = await Payment.get(subject=order.code)
    assert payment.refund_due_cents == 2 * PRICE

    fake_stripe.fail("POST", "/v1/refunds", times=1)
    await jobs.run_once(stripe_settings)
    await jobs.run_once(stripe_settings)
    await jobs.run_once(stripe_settings)

    [made] = fake_stripe.refunds
    assert made["amount"] == 2 * PRICE
    keys = {r.idempotency_key for r in fake_stripe.received("POST", "/v1/refunds")}
    assert keys == {f"refund-due-{payment.reference}"}
    payment = await Payment.get(id=payment.id)
    assert (payment.refund_due_cents, payment.refunded_cents, payment.state) == (
        0,
        2 * PRICE,
        "refunded",
    )
    [refund] = await Refund.filter(order_id=order.id)
    assert (refund.amount_cents, refund.provider_ref) == (2 * PRICE, made["id"])
    assert len(await mails("order_late_refunded")) == 1
    assert await status_of(order) == OrderStatus.EXPIRED
    late = await deliver(stripe_client, {**completed, "id": completed["id"] + "_late"})
    assert late.json() == outcome("already_refunded")
    assert len(fake_stripe.refunds) == 1


async def test_payment_arriving_for_a_cancelled_order_is_given_back(
    stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()
    order = await card_order(stripe_client, event, general)
    # The buyer pays while staff cancel the order; Stripe's webhook comes after.
    completed = fake_stripe.complete(await session_of(order))
    await log_in_staff(stripe_client)
    cancelled = await staff_action(stripe_client, order, "cancel", reason="duplicate order")
    assert cancelled.status_code == 303
    assert await status_of(order) == OrderStatus.CANCELLED

    await deliver(stripe_client, completed)

    assert await status_of(order) == OrderStatus.CANCELLED
    [refund_call] = fake_stripe.received("POST", "/v1/refunds")
    assert refund_call.params["amount"] == str(2 * PRICE)
    assert await Refund.filter(order_id=order.id).count() == 1


# The same payment told twice at once -----------------------------------------------


def _told_again(completed: dict) -> dict:
    """The same payment in a second event (Stripe sends several kinds for one payment)."""
    return {**completed, "id": completed["id"] + "_again"}


async def _assert_paid_once_and_nothing_refunded(order, event, general, fake_stripe) -> None:
    assert await status_of(order) == OrderStatus.PAID
    assert await ticket_statuses(order) == [TicketStatus.VALID, TicketStatus.VALID]
    assert await seats(event, general) == (2, 2)
    assert fake_stripe.received("POST", "/v1/refunds") == []
    assert await Refund.filter(order_id=order.id).count() == 0
    assert len(await mails("order_confirmed")) == 1
    assert await mails("order_late_refunded") == []
    assert await paid_lines(order) == 1


async def test_late_payment_told_by_the_success_page_and_the_webhook_at_once_pays_once(
    stripe_app, stripe_client, fake_stripe
) -> None:
    event, general = await make_festival(capacity=10)
    order, completed = await _paid_just_as_the_hold_ended(
        stripe_app, stripe_client, fake_stripe, event, general
    )

    webhook, page = await asyncio.gather(
        deliver(stripe_client, completed),
        stripe_client.get(f"/orders/{order.code}/{order.key}?checkout=done"),
    )

    assert (webhook.status_code, page.status_code) == (200, 200)
    await _assert_paid_once_and_nothing_refunded(order, event, general, fake_stripe)


async def test_late_payment_told_by_two_webhooks_at_once_pays_once(
    stripe_app, stripe_client, fake_stripe
) -> None:
    event, general = await make_festival(capacity=10)
    order, completed = await _paid_just_as_the_hold_ended(
        stripe_app, stripe_client, fake_stripe, event, general
    )

    answers = await asyncio.gather(
        deliver(stripe_client, completed), deliver(stripe_client, _told_again(completed))
    )

    assert sorted(a.json()["outcome"] for a in answers) == ["already_paid", "paid_late"]
    await _assert_paid_once_and_nothing_refunded(order, event, general, fake_stripe)


async def test_staff_cancelling_a_pending_card_order_closes_its_checkout_session(
    stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()
    order = await card_order(stripe_client, event, general)
    await log_in_staff(stripe_client)

    response = await staff_action(stripe_client, order, "cancel", reason="asked by phone")

    assert response.status_code == 303
    assert await status_of(order) == OrderStatus.CANCELLED
    assert await seats(event, general) == (0, 0)
    path = f"/v1/checkout/sessions/{await session_of(order)}/expire"
    assert len(fake_stripe.received("POST", path)) == 1
    assert fake_stripe.session(await session_of(order))["status"] == "expired"


# Refunds -------------------------------------------------------------------------


async def _paid_card_order(client, fake_stripe, event, lines: dict[TicketType, int]) -> Order:
    order = await order_via_api(client, event, lines)
    response = await deliver(client, fake_stripe.complete(await session_of(order)))
    assert response.json() == outcome("paid")
    return await Order.get(id=order.id)


async def test_staff_full_refund_goes_through_stripe_and_releases_the_seats(
    stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()
    order = await _paid_card_order(stripe_client, fake_stripe, event, {general: 2})
    await log_in_staff(stripe_client)

    response = await staff_action(stripe_client, order, "refund", reason="cannot come")

    assert response.status_code == 303
    assert response.headers["location"] == f"/staff/orders/{order.code}"
    [call] = fake_stripe.received("POST", "/v1/refunds")
    assert call.params == {
        "payment_intent": await intent_of(order),
        "amount": str(2 * PRICE),
        "metadata": {"order_code": order.code},
    }
    assert await status_of(order) == OrderStatus.REFUNDED
    assert await ticket_statuses(order) == [TicketStatus.VOID, TicketStatus.VOID]
    assert await seats(event, general) == (0, 0)
    [refund] = await Refund.filter(order_id=order.id)
    assert (refund.amount_cents, refund.provider_ref) == (2 * PRICE, fake_stripe.refunds[0]["id"])
    assert [m.to_email for m in await mails("order_refunded")] == ["ana@example.org"]
    # Stripe then reports the refund we made; it is already recorded.
    echo = await deliver(stripe_client, fake_stripe.charge_refunded_event(await session_of(order)))
    assert echo.json() == outcome("ignored")
    assert await Refund.filter(order_id=order.id).count() == 1


async def test_staff_refund_of_one_ticket_refunds_its_price_and_keeps_the_order_paid(
    stripe_client, fake_stripe
) -> None:
    event, adult = await make_festival(price=2500)
    youth = await add_type(event, "Youth", 1000)
    order = await _paid_card_order(stripe_client, fake_stripe, event, {adult: 1, youth: 1})
    youth_ticket = await Ticket.get(order_id=order.id, ticket_type_id=youth.id)
    await log_in_staff(stripe_client)

    response = await staff_action(
        stripe_client,
        order,
        "refund",
        reason="one friend cannot come",
        ticket_ids=str(youth_ticket.id),
    )

    assert response.status_code == 303
    [call] = fake_stripe.received("POST", "/v1/refunds")
    assert (call.params["payment_intent"], call.params["amount"]) == (
        await intent_of(order),
        "1000",
    )
    assert await status_of(order) == OrderStatus.PAID
    tickets = {t.ticket_type_id: t.status for t in await Ticket.filter(order_id=order.id)}
    assert tickets == {adult.id: TicketStatus.VALID, youth.id: TicketStatus.VOID}
    assert await seats(event, adult, youth) == (1, 1, 0)
    [refund] = await Refund.filter(order_id=order.id)
    assert (refund.amount_cents, refund.tickets) == (1000, [youth_ticket.id])


async def test_refunding_one_ticket_and_then_the_rest_gives_every_seat_back_once(
    stripe_client, fake_stripe
) -> None:
    event, adult = await make_festival(price=2500)
    youth = await add_type(event, "Youth", 1000)
    order = await _paid_card_order(stripe_client, fake_stripe, event, {adult: 1, youth: 1})
    youth_ticket = await Ticket.get(order_id=order.id, ticket_type_id=youth.id)
    await log_in_staff(stripe_client)
    await staff_action(stripe_client, order, "refund", ticket_ids=str(youth_ticket.id))

    response = await staff_action(stripe_client, order, "refund", reason="whole group out")

    assert response.status_code == 303
    amounts = [c.params["amount"] for c in fake_stripe.received("POST", "/v1/refunds")]
    assert amounts == ["1000", "2500"]
    assert await status_of(order) == OrderStatus.REFUNDED
    assert await seats(event, adult, youth) == (0, 0, 0)


async def test_full_refund_in_stripes_dashboard_marks_the_paid_order_refunded(
    stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()
    order = await _paid_card_order(stripe_client, fake_stripe, event, {general: 2})

    response = await deliver(
        stripe_client, fake_stripe.charge_refunded_event(await session_of(order))
    )

    assert (response.status_code, response.json()) == (200, outcome("refunded"))
    assert await status_of(order) == OrderStatus.REFUNDED
    assert await ticket_statuses(order) == [TicketStatus.VOID, TicketStatus.VOID]
    assert await seats(event, general) == (0, 0)
    assert [m.to_email for m in await mails("order_refunded")] == ["ana@example.org"]
    assert fake_stripe.received("POST", "/v1/refunds") == []


async def test_full_refund_in_stripes_dashboard_leaves_no_revenue_in_the_sales_report(
    stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()
    order = await _paid_card_order(stripe_client, fake_stripe, event, {general: 2})
    assert (await reports.sales(event))["revenue_cents"] == 2 * PRICE

    await deliver(stripe_client, fake_stripe.charge_refunded_event(await session_of(order)))

    sales = await reports.sales(await Event.get(id=event.id))
    assert (sales["revenue_cents"], sales["refunded_cents"]) == (0, 2 * PRICE)


async def test_partial_refund_in_stripes_dashboard_leaves_the_order_paid(
    stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()
    order = await _paid_card_order(stripe_client, fake_stripe, event, {general: 2})

    response = await deliver(
        stripe_client,
        fake_stripe.charge_refunded_event(await session_of(order), amount=500),
    )

    assert (response.status_code, response.json()) == (200, outcome("ignored"))
    assert await status_of(order) == OrderStatus.PAID
    assert await seats(event, general) == (2, 2)


# The success page ----------------------------------------------------------------


async def test_success_page_pays_before_the_webhook_and_the_webhook_does_not_pay_again(
    stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()
    order = await card_order(stripe_client, event, general)
    success = f"/orders/{order.code}/{order.key}?checkout=done"
    not_yet = await stripe_client.get(success)
    assert not_yet.status_code == 200
    assert await status_of(order) == OrderStatus.PENDING
    completed = fake_stripe.complete(await session_of(order))

    page = await stripe_client.get(success)

    assert page.status_code == 200
    assert await status_of(order) == OrderStatus.PAID
    assert await ticket_statuses(order) == [TicketStatus.VALID, TicketStatus.VALID]
    session_checks = fake_stripe.received("GET", f"/v1/checkout/sessions/{await session_of(order)}")
    assert len(session_checks) == 2
    late = await deliver(stripe_client, completed)
    assert (late.status_code, late.json()) == (200, outcome("already_paid"))
    assert await paid_lines(order) == 1
    assert len(await mails("order_confirmed")) == 1
    assert await intent_of(order) == (completed["data"]["object"]["payment_intent"])
    assert await seats(event, general) == (2, 2)


async def test_pay_again_sends_the_buyer_back_to_a_payable_checkout(
    stripe_client, fake_stripe
) -> None:
    event, general = await make_festival()
    order = await card_order(stripe_client, event, general)
    page = f"/orders/{order.code}/{order.key}"
    # The buyer comes back a little later (Stripe's idempotency keys compare parameters).
    await asyncio.sleep(1.1)

    response = await post_form(stripe_client, page, {}, action=f"{page}/pay")

    assert response.status_code == 303
    order = await Order.get(id=order.id)
    session = fake_stripe.session(await session_of(order))
    assert response.headers["location"] == session["url"]
    assert (session["status"], session["metadata"]) == ("open", {"order_code": order.code})


# Stripe down at checkout ----------------------------------------------------------

UNAVAILABLE = (
    "Card payment is not available right now, and nothing was charged. Please try "
    "again in a few minutes, or choose another way to pay."
)


async def test_stripe_failing_at_checkout_answers_503_in_the_buyers_language_and_frees_the_seats(
    stripe_client, fake_stripe
) -> None:
    event, general = await make_festival(capacity=2)
    fake_stripe.fail("POST", "/v1/checkout/sessions", times=2)

    response = await stripe_client.post(
        f"/api/v1/events/{event.slug}/orders",
        json={
            "buyer": {"name": "Ana Flores", "email": "ana@example.org", "language": "es"},
            "items": [{"ticket_type": general.id, "quantity": 2}],
            "payment": "stripe",
        },
        headers={"Accept-Language": "es"},
    )

    assert response.status_code == 503
    assert response.json()["error"] == "payment_unavailable"
    assert response.json()["message"] == translated(UNAVAILABLE, "es")
    # One try and one retry, no more.
    assert len(fake_stripe.received("POST", "/v1/checkout/sessions")) == 2
    assert await seats(event, general) == (0, 0)
    [order] = await Order.all()
    assert order.status == OrderStatus.EXPIRED
    assert await ticket_statuses(order) == [TicketStatus.VOID, TicketStatus.VOID]
    # Stripe is back: the next buyer gets the seats.
    await card_order(stripe_client, event, general)
    assert await seats(event, general) == (2, 2)


async def test_stripe_hanging_at_checkout_gives_the_form_back_soon_with_what_to_do(
    stripe_client, stripe_settings, fake_stripe
) -> None:
    event, general = await make_festival(capacity=2)
    fake_stripe.hang("POST", "/v1/checkout/sessions", seconds=4, times=2)
    started = time.monotonic()

    response = await submit(
        stripe_client, event, {f"qty_{general.id}": "2", "payment": "stripe"}, language="es"
    )

    took = time.monotonic() - started
    assert took < 4 * stripe_settings.stripe_timeout_seconds
    assert response.status_code == 503
    assert alerts(response) == [translated(UNAVAILABLE, "es")]
    assert 'value="ana@example.org"' in response.text
    assert await seats(event, general) == (0, 0)
    assert [o.status for o in await Order.all()] == [OrderStatus.EXPIRED]


# Without Stripe keys --------------------------------------------------------------


async def test_without_stripe_keys_the_event_page_offers_pay_at_the_door_only(client) -> None:
    event, _ = await make_festival()

    response = await client.get(f"/events/{event.slug}")

    assert response.status_code == 200
    assert "Card payment is not set up yet: you can reserve now and pay at the door." in (
        response.text
    )
    assert 'value="stripe"' not in response.text
    assert 'name="payment" value="box_office" checked' in response.text


async def test_without_stripe_keys_choosing_card_gets_the_field_error(client) -> None:
    event, general = await make_festival()
    page = await client.get(f"/events/{event.slug}")

    response = await client.post(
        f"/events/{event.slug}/orders",
        data={
            "buyer_name": "Ana Flores",
            "buyer_email": "ana@example.org",
            f"qty_{general.id}": "1",
            "payment": "stripe",
            "csrf_token": csrf_from(page.text),
        },
    )

    assert response.status_code == 422
    assert (
        '<p class="field-error" id="payment-error">'
        "Card payment is not set up yet. Choose to pay at the door.</p>" in (response.text)
    )
    assert await Order.all().count() == 0
    assert await seats(event, general) == (0, 0)
