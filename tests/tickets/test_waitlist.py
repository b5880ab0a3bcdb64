"""Waiting lists: joining a sold-out ticket type, offers made by the jobs worker when
seats come back (a refund, a lapsed reservation), offers that end and move on, an offer's
link that places an order, leaving from the email's link, the staff's list, and offers
that stay fair when workers run at once (PostgreSQL with --database-url)."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest

from tests.conftest import csrf_from
from tests.tickets.conftest import (
    STAFF,
    alerts,
    mails,
    page_text,
    paid_box_office_order,
    translated,
)
from tests.tickets.factories import make_event, make_order, make_ticket_type
from yoc import jobs
from yoc.events.models import Event
from yoc.payments.providers import Payments
from yoc.tickets.enums import OrderChange, OrderStatus, Pricing, TicketStatus, WaitState
from yoc.tickets.models import Order, OrderLog, Ticket, TicketType, WaitlistEntry
from yoc.tickets.services import refunds, waitlist
from yoc.tickets.services.holds import SoldOut
from yoc.timeutil import utcnow

ENDED = (
    "This offer has ended: the time to buy these tickets ran out, or they were already "
    "bought. The tickets went to the next person on the waiting list."
)
ON_SALE = "These tickets are on sale: you can buy them on the event's page."


async def sold_out_event(settings, capacity: int = 2) -> tuple[Event, TicketType, Order]:
    """An event whose only (fixed-price) type is sold out by one paid order."""
    event = await make_event(capacity=capacity, unpaid_limit=capacity)
    general = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await paid_box_office_order(settings, event, {general: capacity})
    return event, general, order


async def join(client, event, ticket_type, *, email: str, quantity: int = 1, language="en"):
    headers = {"Accept-Language": language}
    page = await client.get(f"/events/{event.slug}/waitlist/{ticket_type.id}", headers=headers)
    return await client.post(
        f"/events/{event.slug}/waitlist/{ticket_type.id}",
        data={
            "name": f"Person {email[0].upper()}",
            "email": email,
            "quantity": str(quantity),
            "csrf_token": csrf_from(page.text),
        },
        headers=headers,
    )


async def entry_of(email: str) -> WaitlistEntry:
    return await WaitlistEntry.get(email=email)


async def seats(event: Event, ticket_type: TicketType) -> tuple[int, int]:
    return (await Event.get(id=event.id)).sold, (await TicketType.get(id=ticket_type.id)).sold


async def refund_one(settings, order: Order) -> None:
    [ticket, *_] = await Ticket.filter(order_id=order.id, status=TicketStatus.VALID).order_by("id")
    await refunds.refund(
        order,
        actor=STAFF,
        reason="cannot come",
        settings=settings,
        payments=Payments.from_settings(settings),
        ticket_ids=[ticket.id],
    )


# Joining ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_visitor_joins_the_waiting_list_of_a_sold_out_type(
    client, settings, language
) -> None:
    event, general, _ = await sold_out_event(settings)
    page = page_text(
        await client.get(f"/events/{event.slug}", headers={"Accept-Language": language})
    )
    assert f'href="/events/{event.slug}/waitlist/{general.id}"' in page
    assert translated("Join the waiting list", language) in page

    response = await join(
        client, event, general, email="Bea@Example.org", quantity=2, language=language
    )

    assert response.status_code == 200
    assert "bea@example.org" in page_text(response)
    entry = await entry_of("bea@example.org")
    assert (entry.state, entry.quantity, entry.language) == (WaitState.WAITING, 2, language)
    [mail] = await mails("waitlist_joined")
    assert mail.to_email == "bea@example.org"
    assert mail.language == language
    assert f"http://testserver/waitlist/{entry.key}/leave" in mail.body_text
    if language == "es":
        assert "Hola" in mail.body_text


async def test_joining_a_type_on_sale_is_refused_and_nobody_is_offered_seats_not_freed(
    client, settings
) -> None:
    event = await make_event(capacity=2, unpaid_limit=2)
    general = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)

    response = await join(client, event, general, email="bea@example.org")

    assert ON_SALE in page_text(response)
    assert not await WaitlistEntry.exists()
    # Sold out with someone waiting, but no seat came back: nobody is offered any.
    await paid_box_office_order(settings, event, {general: 2})
    assert (await join(client, event, general, email="bea@example.org")).status_code == 200
    assert await waitlist.offer_round(settings) == 0
    assert (await entry_of("bea@example.org")).state == WaitState.WAITING
    assert not await mails("waitlist_offer")


async def test_one_place_per_email_and_type_and_no_more_than_an_order_may_have(
    client, settings
) -> None:
    event, general, _ = await sold_out_event(settings)

    await join(client, event, general, email="bea@example.org")
    again = await join(client, event, general, email="BEA@example.org ")
    too_many = await join(client, event, general, email="cy@example.org", quantity=11)

    assert again.status_code == 200
    assert await WaitlistEntry.filter(email="bea@example.org").count() == 1
    assert len(await mails("waitlist_joined")) == 1
    assert too_many.status_code == 422
    assert not await WaitlistEntry.filter(email="cy@example.org").exists()


async def test_joining_is_rate_limited_per_connection(client, settings, app) -> None:
    app.state.settings = settings.with_(order_limit=2)
    event, general, _ = await sold_out_event(settings)

    answers = [
        (await join(client, event, general, email=f"{c}@example.org")).status_code for c in "abc"
    ]

    assert answers == [200, 200, 429]
    assert await WaitlistEntry.all().count() == 2


# Offers --------------------------------------------------------------------------------


async def test_a_refunded_seat_is_offered_to_the_first_in_line_and_held_for_them(
    client, settings
) -> None:
    event, general, order = await sold_out_event(settings)
    await join(client, event, general, email="bea@example.org")
    await join(client, event, general, email="cy@example.org")

    await refund_one(settings, order)
    assert await waitlist.offer_round(settings) == 1

    first, second = await entry_of("bea@example.org"), await entry_of("cy@example.org")
    assert (first.state, second.state) == (WaitState.OFFERED, WaitState.WAITING)
    assert first.offer_expires_at - first.offered_at == timedelta(hours=24)
    # The offer holds the seat: the event is still sold out to everyone else.
    assert await seats(event, general) == (2, 2)
    assert waitlist.sold_out(await Event.get(id=event.id), await TicketType.get(id=general.id))
    [offer_mail] = await mails("waitlist_offer")
    assert offer_mail.to_email == "bea@example.org"
    assert f"http://testserver/waitlist/{first.key}" in offer_mail.body_text
    # A second round offers nothing more: nothing else came back.
    assert await waitlist.offer_round(settings) == 0


async def test_a_seat_that_comes_back_is_not_sold_to_others_while_people_wait(
    client, settings
) -> None:
    event, general, order = await sold_out_event(settings)
    await join(client, event, general, email="bea@example.org")
    await refund_one(settings, order)

    # Before the worker's next round, someone else tries to buy the seat that came back.
    with pytest.raises(SoldOut):
        await make_order(event, settings, {general: 1}, buyer_email="cy@example.org")
    page = page_text(await client.get(f"/events/{event.slug}"))
    assert "Sold out" in page

    assert await waitlist.offer_round(settings) == 1
    assert (await entry_of("bea@example.org")).state == WaitState.OFFERED
    # Nobody waits any more: a seat that comes back is on sale to all again.
    await refund_one(settings, await Order.get(id=order.id))
    assert (await make_order(event, settings, {general: 1}, buyer_email="cy@example.org")).id


async def test_a_lapsed_reservation_is_offered_by_the_worker(client, settings) -> None:
    event = await make_event(capacity=2, unpaid_limit=2)
    general = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    reservation = await make_order(event, settings, {general: 2})
    await join(client, event, general, email="bea@example.org", quantity=2, language="es")

    await Order.filter(id=reservation.id).update(hold_expires_at=utcnow() - timedelta(minutes=1))
    await jobs.run_once(settings)

    assert (await Order.get(id=reservation.id)).status == OrderStatus.EXPIRED
    entry = await entry_of("bea@example.org")
    assert entry.state == WaitState.OFFERED
    assert await seats(event, general) == (2, 2)
    [offer_mail] = await mails("waitlist_offer")
    assert offer_mail.language == "es"
    assert "Hola" in offer_mail.body_text


async def test_an_unused_offer_ends_and_moves_to_the_next_person(client, settings) -> None:
    event, general, order = await sold_out_event(settings)
    await join(client, event, general, email="bea@example.org")
    await join(client, event, general, email="cy@example.org")
    await refund_one(settings, order)
    await waitlist.offer_round(settings)

    later = utcnow() + timedelta(hours=24, minutes=1)
    assert await waitlist.offer_round(settings, now=later) == 1

    first, second = await entry_of("bea@example.org"), await entry_of("cy@example.org")
    assert (first.state, second.state) == (WaitState.EXPIRED, WaitState.OFFERED)
    assert await seats(event, general) == (2, 2)
    assert [m.to_email for m in await mails("waitlist_offer")] == [
        "bea@example.org",
        "cy@example.org",
    ]
    # The first person's link says clearly that the offer ended.
    response = await client.get(f"/waitlist/{first.key}")
    assert response.status_code == 410
    assert ENDED in page_text(response)


async def test_the_first_in_line_waits_for_enough_seats_and_nobody_passes_them(
    client, settings
) -> None:
    event, general, order = await sold_out_event(settings, capacity=3)
    await join(client, event, general, email="bea@example.org", quantity=2)
    await join(client, event, general, email="cy@example.org", quantity=1)

    await refund_one(settings, order)
    assert await waitlist.offer_round(settings) == 0
    await refund_one(settings, await Order.get(id=order.id))
    assert await waitlist.offer_round(settings) == 1

    assert (await entry_of("bea@example.org")).state == WaitState.OFFERED
    assert (await entry_of("cy@example.org")).state == WaitState.WAITING


# The offer's link ------------------------------------------------------------------------


async def offered(
    client, settings, *, quantity: int = 2
) -> tuple[Event, TicketType, WaitlistEntry]:
    event = await make_event(capacity=2, unpaid_limit=2)
    general = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await paid_box_office_order(settings, event, {general: 2})
    await join(client, event, general, email="bea@example.org", quantity=quantity)
    await refunds.refund(
        order,
        actor=STAFF,
        reason="cannot come",
        settings=settings,
        payments=Payments.from_settings(settings),
    )
    await waitlist.offer_round(settings)
    return event, general, await entry_of("bea@example.org")


async def test_the_offer_link_completes_an_order_for_the_held_seats(client, settings) -> None:
    event, general, entry = await offered(client, settings)
    page = await client.get(f"/waitlist/{entry.key}")
    assert page.status_code == 200
    assert 'value="bea@example.org"' in page.text

    response = await client.post(
        f"/waitlist/{entry.key}",
        data={
            f"qty_{general.id}": "2",
            "buyer_name": "Bea Ruiz",
            "buyer_email": "bea@example.org",
            "payment": "box_office",
            "csrf_token": csrf_from(page.text),
        },
    )

    assert response.status_code == 303
    code = re.fullmatch(r"/orders/([A-Z0-9-]+)/[A-Z0-9]+", response.headers["location"]).group(1)
    order = await Order.get(code=code)
    assert (order.status, order.tickets_count, order.total_cents) == (
        OrderStatus.PENDING,
        2,
        3000,
    )
    entry = await entry_of("bea@example.org")
    assert (entry.state, entry.order_id) == (WaitState.BOUGHT, order.id)
    # The order took the seats the offer held: none counted twice, none freed.
    assert await seats(event, general) == (2, 2)
    assert await OrderLog.filter(order_id=order.id, change=OrderChange.FROM_WAITING_LIST).exists()
    # The link cannot be used twice.
    again = await client.post(
        f"/waitlist/{entry.key}",
        data={
            f"qty_{general.id}": "2",
            "buyer_name": "Bea",
            "buyer_email": "bea@example.org",
            "payment": "box_office",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert again.status_code == 200
    assert await Order.filter(buyer_email="bea@example.org").count() == 1


async def test_an_offer_cannot_order_more_than_it_holds(client, settings) -> None:
    event, general, entry = await offered(client, settings, quantity=1)
    page = await client.get(f"/waitlist/{entry.key}")

    response = await client.post(
        f"/waitlist/{entry.key}",
        data={
            f"qty_{general.id}": "2",
            "buyer_name": "Bea Ruiz",
            "buyer_email": "bea@example.org",
            "payment": "box_office",
            "csrf_token": csrf_from(page.text),
        },
    )

    assert response.status_code == 422
    assert not await Order.filter(buyer_email="bea@example.org").exists()
    assert (await entry_of("bea@example.org")).state == WaitState.OFFERED


@pytest.mark.parametrize("language", ["en", "es"])
async def test_an_expired_offer_link_says_so_and_orders_nothing(client, settings, language) -> None:
    event, general, entry = await offered(client, settings)
    page = await client.get(f"/waitlist/{entry.key}")
    # The time ran out, before any worker round ended the offer.
    await WaitlistEntry.filter(id=entry.id).update(offer_expires_at=utcnow() - timedelta(seconds=1))

    response = await client.post(
        f"/waitlist/{entry.key}",
        data={
            f"qty_{general.id}": "2",
            "buyer_name": "Bea Ruiz",
            "buyer_email": "bea@example.org",
            "payment": "box_office",
            "csrf_token": csrf_from(page.text),
        },
        headers={"Accept-Language": language},
    )

    assert response.status_code == 410
    assert alerts(response)[:1] == [translated(ENDED, language)]
    assert not await Order.filter(buyer_email="bea@example.org").exists()
    assert await seats(event, general) == (2, 2)  # still held until the worker ends it
    await waitlist.offer_round(settings)
    assert await seats(event, general) == (0, 0)


async def test_leaving_from_the_email_link_gives_the_offer_back(client, settings) -> None:
    event, general, entry = await offered(client, settings)
    page = await client.get(f"/waitlist/{entry.key}/leave")
    assert page.status_code == 200
    assert (await entry_of("bea@example.org")).state == WaitState.OFFERED  # a GET changes nothing

    response = await client.post(
        f"/waitlist/{entry.key}/leave", data={"csrf_token": csrf_from(page.text)}
    )

    assert "You left the waiting list." in page_text(response)
    assert (await entry_of("bea@example.org")).state == WaitState.WITHDRAWN
    assert await seats(event, general) == (0, 0)


async def test_staff_see_the_list_in_order_and_remove_someone(
    client, staff_client, settings
) -> None:
    event, general, order = await sold_out_event(settings)
    for email in ("bea@example.org", "cy@example.org", "di@example.org"):
        await join(client, event, general, email=email)
    await refund_one(settings, order)
    await waitlist.offer_round(settings)

    page = await staff_client.get(f"/staff/events/{event.slug}/waitlist")
    text = page_text(page)
    assert page.status_code == 200
    assert (
        text.index("bea@example.org") < text.index("cy@example.org") < text.index("di@example.org")
    )
    assert "offered" in text and "waiting" in text

    cy = await entry_of("cy@example.org")
    removed = await staff_client.post(
        f"/staff/waitlist/{cy.id}/remove", data={"csrf_token": csrf_from(page.text)}
    )

    assert removed.status_code == 303
    cy = await entry_of("cy@example.org")
    assert (cy.state, cy.ended_by) == (WaitState.WITHDRAWN, "Sam Staff <sam@example.org>")
    assert "withdrawn" in page_text(await staff_client.get(f"/staff/events/{event.slug}/waitlist"))


# Concurrency ---------------------------------------------------------------------------


async def test_workers_at_once_never_offer_a_seat_twice_nor_a_person_twice(
    client, settings
) -> None:
    """Several offer rounds at the same moment, each on its own database connection (on
    PostgreSQL, each transaction takes a pooled connection of its own)."""
    event, general, order = await sold_out_event(settings, capacity=6)
    emails = [f"p{n}@example.org" for n in range(8)]
    for email in emails:
        await join(client, event, general, email=email)
    [*_, last] = await Ticket.filter(order_id=order.id).order_by("id")
    tickets = await Ticket.filter(order_id=order.id).order_by("id").limit(3)
    await refunds.refund(
        order,
        actor=STAFF,
        reason="three cannot come",
        settings=settings,
        payments=Payments.from_settings(settings),
        ticket_ids=[t.id for t in tickets],
    )

    made = await asyncio.gather(*(waitlist.offer_round(settings) for _ in range(4)))

    assert sum(made) == 3
    states = [(await entry_of(e)).state for e in emails]
    assert states == [WaitState.OFFERED] * 3 + [WaitState.WAITING] * 5
    assert await seats(event, general) == (6, 6)
    assert sorted(m.to_email for m in await mails("waitlist_offer")) == emails[:3]


async def test_the_staff_page_counts_seats_held_for_a_waiting_list_offer_as_held(
    client, staff_client, settings
) -> None:
    event, general, order = await sold_out_event(settings)
    await join(client, event, general, email="bea@example.org")
    await refund_one(settings, order)
    assert await waitlist.offer_round(settings) == 1

    page = await staff_client.get(f"/staff/events/{event.slug}")

    assert page.status_code == 200
    row = re.search(
        rf'<tr><td><a href="/staff/ticket-types/{general.id}">.*?</tr>', page.text, re.S
    )
    assert row is not None
    cells = re.findall(r"<td>([^<]*)</td>", row.group(0))
    # Price, then sold, held (the seat offered to Bea) and left.
    assert cells[1:4] == ["1", "1", "0"]
