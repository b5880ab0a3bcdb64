"""Refunds and cancellations by staff (tickets/services/refunds.py): a whole order or some
of its tickets, each seat released once, and always with a reason for the order log."""

from __future__ import annotations

import pytest

from tests.tickets.conftest import (
    STAFF,
    counters,
    page_text,
    paid_box_office_order,
    refund_tickets,
    refund_whole,
    staff_action,
)
from tests.tickets.factories import make_event, make_order, make_ticket_type
from yoc.mail import OutboxMessage
from yoc.tickets.enums import OrderStatus, Pricing, TicketStatus
from yoc.tickets.models import Order, OrderLog, Refund, Ticket


async def test_a_full_refund_releases_the_seats_and_logs_who_and_why(
    app, settings, staff_client
) -> None:
    event = await make_event(capacity=10)
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500, quota=5)
    order = await paid_box_office_order(settings, event, {adult: 2})
    assert await counters(event, adult) == (2, 2)

    response = await refund_whole(staff_client, order, "Family emergency")

    assert response.status_code == 303
    order = await Order.get(id=order.id)
    assert order.status == OrderStatus.REFUNDED
    assert await counters(event, adult) == (0, 0)
    assert await Ticket.filter(order=order, status=TicketStatus.VALID).count() == 0
    [refund] = await Refund.filter(order=order)
    assert (refund.amount_cents, refund.actor_label, refund.reason) == (
        3000,
        STAFF,
        "Family emergency",
    )
    last = await OrderLog.filter(order=order).order_by("-id").first()
    assert (last.from_status, last.to_status, last.actor_label, last.note) == (
        "paid",
        "refunded",
        STAFF,
        "Family emergency",
    )
    assert (await OutboxMessage.all().order_by("-id").first()).template == "order_refunded"


async def test_refunding_one_ticket_voids_only_that_ticket(app, settings, staff_client) -> None:
    event = await make_event(capacity=10)
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500, quota=5)
    order = await paid_box_office_order(settings, event, {adult: 2})
    first, second = await Ticket.filter(order=order).order_by("id")

    response = await refund_tickets(staff_client, order, [first], "one is sick")

    assert response.status_code == 303
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    await first.refresh_from_db()
    await second.refresh_from_db()
    assert (first.status, second.status) == (TicketStatus.VOID, TicketStatus.VALID)
    assert await counters(event, adult) == (1, 1)
    [refund] = await Refund.filter(order=order)
    assert (refund.amount_cents, refund.tickets) == (1500, [first.id])


async def test_refunding_the_rest_after_one_ticket_releases_each_seat_once(
    app, settings, staff_client
) -> None:
    event = await make_event(capacity=10)
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500, quota=5)
    order = await paid_box_office_order(settings, event, {adult: 2})
    first, second = await Ticket.filter(order=order).order_by("id")
    await refund_tickets(staff_client, order, [first], "one is sick")

    response = await refund_whole(staff_client, order, "both sick")

    assert response.status_code == 303
    assert (await Order.get(id=order.id)).status == OrderStatus.REFUNDED
    assert await counters(event, adult) == (0, 0)
    assert await Refund.filter(order=order).values_list("amount_cents", flat=True) == [1500, 1500]


async def test_cancelling_a_pending_order_puts_its_seats_back_on_sale(
    app, settings, staff_client
) -> None:
    event = await make_event(capacity=2, unpaid_limit=2)
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await make_order(event, settings, {adult: 2})
    assert await counters(event, adult) == (2, 2)

    response = await staff_action(staff_client, order, "cancel", {"reason": "no show"})

    assert response.status_code == 303
    assert (await Order.get(id=order.id)).status == OrderStatus.CANCELLED
    assert await counters(event, adult) == (0, 0)
    assert await Ticket.filter(order=order, status=TicketStatus.VALID).count() == 0
    last = await OrderLog.filter(order=order).order_by("-id").first()
    assert (last.to_status, last.actor_label, last.note) == ("cancelled", STAFF, "no show")
    again = await make_order(event, settings, {adult: 2}, buyer_email="beto@example.org")
    assert again.status == OrderStatus.PENDING


@pytest.mark.parametrize("action", ["refund", "cancel"])
async def test_refunding_or_cancelling_needs_a_reason(app, settings, staff_client, action) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await paid_box_office_order(settings, event, {adult: 1})

    response = await staff_action(staff_client, order, action, {"reason": "  ", "scope": "all"})

    assert response.status_code == 303
    page = await staff_client.get(response.headers["location"])
    assert "Write a reason first: it is kept in the order log." in page_text(page)
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    assert await Refund.all().count() == 0
    assert await counters(event, adult) == (1, 1)
