"""Seats (tickets/services/holds.py): more tickets than are left is sold out, and the
donated pool: donations join it when paid, anyone may take one free, and a refunded donor
takes back only the donations nobody has claimed."""

from __future__ import annotations

import pytest

from tests.tickets.conftest import (
    SOLD_OUT,
    STAFF,
    alerts,
    counters,
    page_text,
    placed_order,
    refund_whole,
    staff_action,
    submit,
    translated,
)
from tests.tickets.factories import make_event, make_order, make_ticket_type
from yoc.i18n import ngettext
from yoc.tickets.enums import OrderStatus, PaymentMethod, Pricing, TicketStatus
from yoc.tickets.models import Order, Ticket
from yoc.tickets.services import states

# Sold out -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
async def test_more_tickets_than_are_left_is_sold_out_in_the_buyers_language(
    client, language
) -> None:
    event = await make_event(capacity=3)
    general = await make_ticket_type(event)

    response = await submit(client, event, {f"qty_{general.id}": "4"}, language=language)

    assert response.status_code == 409
    assert alerts(response) == [translated(SOLD_OUT, language)]
    assert '<option value="4" selected>4</option>' not in response.text  # only 3 are offered
    assert await Order.all().count() == 0
    assert await counters(event, general) == (0, 0)


# The donated pool ------------------------------------------------------------------


async def test_donated_tickets_join_the_pool_when_paid_and_anyone_can_take_one_free(
    client, staff_client
) -> None:
    event = await make_event(capacity=10, donation_price_cents=1000)
    await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)

    donor = await placed_order(
        await submit(client, event, {"donate": "2", "payment": "box_office"})
    )
    assert (donor.status, donor.total_cents, donor.donated_count) == (
        OrderStatus.PENDING,
        2000,
        2,
    )
    assert await counters(event) == (2, 0, 0)  # seats held, not yet in the pool
    assert (await staff_action(staff_client, donor, "paid")).status_code == 303
    assert await counters(event) == (2, 2, 0)
    page = await client.get(f"/events/{event.slug}")
    assert ngettext(
        "%(num)d donated ticket is waiting for someone. Take one if you need it: it is free.",
        "%(num)d donated tickets are waiting for someone. Take one if you need it: they are free.",
        2,
    ) in page_text(page)

    taker = await placed_order(
        await submit(
            client,
            event,
            {"claim": "1"},
            buyer={"buyer_name": "Beto Ruiz", "buyer_email": "beto@example.org"},
        )
    )

    assert (taker.status, taker.payment, taker.total_cents, taker.claimed_count) == (
        OrderStatus.PAID,
        PaymentMethod.FREE,
        0,
        1,
    )
    [ticket] = await Ticket.filter(order=taker)
    assert (ticket.label_en, ticket.status, ticket.price_cents) == (
        "Donated ticket",
        TicketStatus.VALID,
        0,
    )
    assert await counters(event) == (2, 2, 1)  # the seat was the donor's


async def test_taking_more_donated_tickets_than_the_pool_has_is_sold_out(
    app, client, settings
) -> None:
    event = await make_event(donation_price_cents=1000)
    donor = await make_order(event, settings, donate=1)
    await states.mark_paid_at_door(donor, actor=STAFF, settings=settings)

    response = await submit(client, event, {"claim": "2"})

    assert response.status_code == 409
    assert alerts(response) == [SOLD_OUT]
    assert await Order.all().count() == 1
    assert await counters(event) == (1, 1, 0)


async def test_refunding_a_donor_takes_only_the_unclaimed_donations_out_of_the_pool(
    app, client, settings, staff_client
) -> None:
    event = await make_event(capacity=3, donation_price_cents=1000, unpaid_limit=3)
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    donor = await make_order(event, settings, donate=2)
    await states.mark_paid_at_door(donor, actor=STAFF, settings=settings)
    taker = await make_order(event, settings, claim=1, payment=None, buyer_email="beto@example.org")

    response = await refund_whole(staff_client, donor, "changed plans")

    assert response.status_code == 303
    assert (await Order.get(id=donor.id)).status == OrderStatus.REFUNDED
    # One donated seat is Beto's now: it stays taken, and the pool is empty.
    assert await counters(event) == (1, 1, 1)
    [ticket] = await Ticket.filter(order=taker)
    assert ticket.status == TicketStatus.VALID
    page = await client.get(f"/events/{event.slug}")
    assert 'name="claim"' not in page.text
    too_many = await client.post(
        f"/api/v1/events/{event.slug}/orders",
        json={
            "buyer": {"name": "Cata", "email": "cata@example.org"},
            "items": [{"ticket_type": adult.id, "quantity": 3}],
            "payment": "box_office",
        },
    )
    assert too_many.status_code == 409
