"""No seat is sold twice: many buyers at once, through two real server processes on one
database (PostgreSQL when the suite runs on it, SQLite otherwise); holds that end; and
staff at several desks refunding one order at the same moment."""

from __future__ import annotations

import asyncio
import html
import re
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from tests.accounts.factories import confirmation_header
from tests.conftest import csrf_from as csrf_token_in
from tests.factories import make_user
from tests.payments.conftest import IGNORE_STRIPE_HTTPX_WARNING, deliver, session_of
from tests.servers import running_server
from tests.tickets.factories import (
    bearer_for,
    card_order,
    make_event,
    make_festival,
    make_order,
    make_ticket_type,
)
from yoc.accounts.enums import Role
from yoc.events.models import Event
from yoc.tickets.enums import OrderStatus, PaymentMethod, Pricing, TicketStatus
from yoc.tickets.models import Order, Refund, Ticket, TicketType
from yoc.tickets.services import states
from yoc.timeutil import utcnow

BUYERS = 200
IN_FLIGHT = 50


@pytest.fixture(scope="module")
def servers(database_url: str) -> Iterator[tuple[str, str]]:
    """Two `yoc serve` processes on the suite's database, like two app machines. Every
    buyer comes from this one address: the limit of orders per address is lifted."""
    lifted = {"YOC_ORDER_LIMIT": "100000"}
    with (
        running_server(database_url, **lifted) as first,
        running_server(database_url, **lifted) as second,
    ):
        yield first, second


async def rush(
    servers: tuple[str, str], slug: str, type_ids: list[int], buyers: int = BUYERS
) -> list[httpx.Response]:
    """``buyers`` people each order one ticket at the same moment, alternating between the
    servers (and between ``type_ids``), with at most IN_FLIGHT requests open at once."""
    gate = asyncio.Semaphore(IN_FLIGHT)
    limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:

        async def buy(n: int) -> httpx.Response:
            body = {
                "buyer": {"name": f"Buyer {n}", "email": f"buyer{n}@example.org"},
                "items": [{"ticket_type": type_ids[n % len(type_ids)], "quantity": 1}],
            }
            async with gate:
                return await http.post(f"{servers[n % 2]}/api/v1/events/{slug}/orders", json=body)

        return list(await asyncio.gather(*(buy(n) for n in range(buyers))))


def assert_answers(responses: list[httpx.Response], *, sold: int) -> None:
    """Exactly ``sold`` buyers got 201 and every other one 409 sold_out (never a 500)."""
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: sold, 409: len(responses) - sold}, [
        (r.status_code, r.text[:200]) for r in responses if r.status_code not in (201, 409)
    ][:5]
    assert {r.json()["error"] for r in responses if r.status_code == 409} == {"sold_out"}
    assert {r.json()["status"] for r in responses if r.status_code == 201} == {"paid"}


async def assert_database(event: Event, responses: list[httpx.Response], *, sold: int) -> None:
    """The counters, the orders and the tickets all tell the same story."""
    await event.refresh_from_db()
    assert event.sold == sold
    codes = {r.json()["code"] for r in responses if r.status_code == 201}
    assert len(codes) == sold
    assert set(await Order.filter(event=event).values_list("code", flat=True)) == codes
    assert await Order.filter(event=event, status=OrderStatus.PAID).count() == sold
    secrets = await Ticket.filter(order__event=event, status=TicketStatus.VALID).values_list(
        "secret", flat=True
    )
    assert len(secrets) == sold
    assert len(set(secrets)) == sold
    for ticket_type in await TicketType.filter(event=event):
        tickets = await Ticket.filter(ticket_type=ticket_type, status=TicketStatus.VALID).count()
        assert ticket_type.sold == tickets, ticket_type.name_en


async def test_two_servers_sell_exactly_the_event_capacity(app, servers) -> None:
    event = await make_event(capacity=50)
    general = await make_ticket_type(event)

    responses = await rush(servers, event.slug, [general.id])

    assert_answers(responses, sold=50)
    await assert_database(event, responses, sold=50)
    await general.refresh_from_db()
    assert general.sold == 50


async def test_a_type_quota_below_the_capacity_is_the_limit(app, servers) -> None:
    event = await make_event(capacity=50)
    students = await make_ticket_type(event, name_en="Students", name_es="Estudiantes", quota=30)

    responses = await rush(servers, event.slug, [students.id])

    assert_answers(responses, sold=30)
    await assert_database(event, responses, sold=30)
    await students.refresh_from_db()
    assert students.sold == 30


async def test_the_event_capacity_limits_two_types_together(app, servers) -> None:
    event = await make_event(capacity=50)
    general = await make_ticket_type(event, quota=40)
    youth = await make_ticket_type(event, name_en="Youth", name_es="Jóvenes", quota=40)

    responses = await rush(servers, event.slug, [general.id, youth.id])

    assert_answers(responses, sold=50)
    await assert_database(event, responses, sold=50)
    await general.refresh_from_db()
    await youth.refresh_from_db()
    assert general.sold + youth.sold == 50
    assert general.sold <= 40
    assert youth.sold <= 40


async def test_orders_of_two_types_listed_in_either_order_never_deadlock(app, servers) -> None:
    """Each buyer takes one seat of each type; half list the types the other way round.
    The seats are taken in one order whatever the listing, so no two buyers ever wait
    for each other: every answer is a sale or a polite sold out, never a 500."""
    event = await make_event(capacity=60)
    general = await make_ticket_type(event)
    youth = await make_ticket_type(event, name_en="Youth", name_es="Jóvenes", max_per_order=4)
    gate = asyncio.Semaphore(IN_FLIGHT)
    async with httpx.AsyncClient(timeout=60) as http:

        async def buy(n: int) -> httpx.Response:
            pair = [general.id, youth.id] if n % 2 else [youth.id, general.id]
            body = {
                "buyer": {"name": f"Buyer {n}", "email": f"buyer{n}@example.org"},
                "items": [{"ticket_type": t, "quantity": 1} for t in pair],
            }
            async with gate:
                return await http.post(
                    f"{servers[n % 2]}/api/v1/events/{event.slug}/orders", json=body
                )

        responses = list(await asyncio.gather(*(buy(n) for n in range(100))))

    assert_answers(responses, sold=30)  # 30 orders of two seats fill the 60
    await event.refresh_from_db()
    await general.refresh_from_db()
    await youth.refresh_from_db()
    assert (event.sold, general.sold, youth.sold) == (60, 30, 30)
    assert await Ticket.filter(order__event=event, status=TicketStatus.VALID).count() == 60


async def test_two_servers_never_hold_more_unpaid_seats_than_the_limit(app, servers) -> None:
    """100 buyers ask at once to pay at the door for one ticket each: exactly the event's
    unpaid limit get a reservation, and every other one is refused as such."""
    event = await make_event(capacity=200, unpaid_limit=30)
    general = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=2000)
    gate = asyncio.Semaphore(IN_FLIGHT)
    async with httpx.AsyncClient(timeout=60) as http:

        async def buy(n: int) -> httpx.Response:
            body = {
                "buyer": {"name": f"Buyer {n}", "email": f"buyer{n}@example.org"},
                "items": [{"ticket_type": general.id, "quantity": 1}],
                "payment": "box_office",
            }
            async with gate:
                return await http.post(
                    f"{servers[n % 2]}/api/v1/events/{event.slug}/orders", json=body
                )

        responses = list(await asyncio.gather(*(buy(n) for n in range(100))))

    assert Counter(r.status_code for r in responses) == {201: 30, 409: 70}
    assert {r.json()["error"] for r in responses if r.status_code == 409} == {"unpaid_limit"}
    await event.refresh_from_db()
    assert (event.sold, event.unpaid_held) == (30, 30)
    assert await Order.filter(event=event, status=OrderStatus.PENDING).count() == 30


# Holds ---------------------------------------------------------------------------


async def hold_the_last_seats(settings, *, seats: int, expires_in: timedelta) -> tuple:
    """An event whose every seat is held by one pending order ending ``expires_in`` from
    now (a pay-at-the-door order given a card-like hold)."""
    event = await make_event(capacity=seats, unpaid_limit=seats)
    general = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    pending = await make_order(event, settings, {general: seats}, payment=PaymentMethod.BOX_OFFICE)
    await Order.filter(id=pending.id).update(hold_expires_at=utcnow() + expires_in)
    return event, general, pending


def order_body(ticket_type: TicketType, quantity: int) -> dict:
    return {
        "buyer": {"name": "Beto Late", "email": "beto@example.org"},
        "items": [{"ticket_type": ticket_type.id, "quantity": quantity}],
        "payment": "box_office",
    }


async def test_an_expired_hold_frees_its_seats_for_the_next_buyer(client, settings) -> None:
    event, general, pending = await hold_the_last_seats(
        settings, seats=2, expires_in=-timedelta(minutes=1)
    )

    response = await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(general, 2))

    assert response.status_code == 201, response.text
    assert response.json()["status"] == "pending"
    expired = await Order.get(id=pending.id)
    assert expired.status == OrderStatus.EXPIRED
    assert await Ticket.filter(order=expired, status=TicketStatus.VALID).count() == 0
    assert [e.to_status for e in await expired.log.all()] == ["pending", "expired"]
    await event.refresh_from_db()
    await general.refresh_from_db()
    assert (event.sold, general.sold) == (2, 2)


async def test_a_hold_that_has_not_ended_keeps_its_seats(client, settings) -> None:
    event, general, pending = await hold_the_last_seats(
        settings, seats=2, expires_in=timedelta(minutes=10)
    )

    response = await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(general, 1))

    assert response.status_code == 409
    assert response.json()["error"] == "sold_out"
    assert (await Order.get(id=pending.id)).status == OrderStatus.PENDING
    assert await Order.filter(event=event).count() == 1
    await event.refresh_from_db()
    assert event.sold == 2


# Staff at several desks ------------------------------------------------------------------

DESKS = 4  # staff pressing "refund" on one order at the same moment


async def refund_headers(settings) -> dict[str, str]:
    """One desk: a staff member's token, and a code from their authenticator app."""
    staff = await make_user(role=Role.STAFF)
    return {**await bearer_for(staff), **await confirmation_header(staff, settings)}


async def test_simultaneous_refunds_of_one_order_refund_it_once(client, settings) -> None:
    event = await make_event(capacity=10)
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await make_order(event, settings, {adult: 2})
    await states.mark_paid_at_door(order, actor="Door", settings=settings)
    desks = [await refund_headers(settings) for _ in range(DESKS)]

    answers = await asyncio.gather(
        *(
            client.post(
                f"/api/v1/orders/{order.code}/refund", json={"reason": "rain"}, headers=headers
            )
            for headers in desks
        )
    )

    assert sorted(r.status_code for r in answers) == [200] + [409] * (DESKS - 1)
    assert await Refund.filter(order=order).values_list("amount_cents", flat=True) == [3000]
    assert (await Order.get(id=order.id)).status == OrderStatus.REFUNDED
    await event.refresh_from_db()
    await adult.refresh_from_db()
    assert (event.sold, adult.sold) == (0, 0)


async def test_simultaneous_refunds_of_one_ticket_release_its_seat_once(client, settings) -> None:
    event = await make_event(capacity=10, unpaid_limit=10)
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await make_order(event, settings, {adult: 3})
    await states.mark_paid_at_door(order, actor="Door", settings=settings)
    first = await Ticket.filter(order=order).order_by("id").first()
    desks = [await refund_headers(settings) for _ in range(DESKS)]

    answers = await asyncio.gather(
        *(
            client.post(
                f"/api/v1/orders/{order.code}/refund",
                json={"tickets": [first.id], "reason": "sick"},
                headers=headers,
            )
            for headers in desks
        )
    )

    # The others are refused: 409 (refunded a moment ago) or 422 (no longer valid),
    # depending on whether they looked before or after the winner.
    statuses = sorted(r.status_code for r in answers)
    assert statuses[0] == 200 and statuses.count(200) == 1
    assert set(statuses[1:]) <= {409, 422}
    assert await Refund.filter(order=order).values_list("amount_cents", flat=True) == [1500]
    await event.refresh_from_db()
    await adult.refresh_from_db()
    assert (event.sold, adult.sold) == (2, 2)


# One card payment told to two servers at once ----------------------------------------------


@IGNORE_STRIPE_HTTPX_WARNING
async def test_a_late_payment_told_to_two_servers_at_once_pays_the_order_once(
    stripe_app, stripe_settings, fake_stripe
) -> None:
    stripe_env = {
        "YOC_STRIPE_SECRET_KEY": stripe_settings.stripe_secret_key,
        "YOC_STRIPE_WEBHOOK_SECRET": stripe_settings.stripe_webhook_secret,
        "YOC_STRIPE_API_BASE": fake_stripe.url,
    }
    event, general = await make_festival(capacity=10)
    url = stripe_settings.database_url
    with running_server(url, **stripe_env) as first, running_server(url, **stripe_env) as second:
        async with (
            httpx.AsyncClient(base_url=first, timeout=30) as one,
            httpx.AsyncClient(base_url=second, timeout=30) as two,
        ):
            order = await card_order(one, event, general)
            completed = fake_stripe.complete(await session_of(order))
            await Order.filter(id=order.id).update(hold_expires_at=utcnow() - timedelta(minutes=1))
            assert await states.sweep_expired(payments=stripe_app.state.payments) == 1

            answers = await asyncio.gather(
                deliver(one, completed), deliver(two, {**completed, "id": completed["id"] + "_2"})
            )

    assert sorted(a.json()["outcome"] for a in answers) == ["already_paid", "paid_late"]
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    assert fake_stripe.received("POST", "/v1/refunds") == []
    assert await Refund.filter(order=order).count() == 0
    await general.refresh_from_db()
    assert general.sold == 2


# The box office at the door against the online sale ------------------------------------

LAST_SEAT_ROUNDS = 8
SOLD_OUT = "Sorry, there are not enough tickets left for this order."


async def test_the_door_and_an_online_buyer_never_both_get_the_last_seat(app, servers) -> None:
    """At each of several events one seat is left. A volunteer at the door sells it to
    someone who walked up (through one server) while an online buyer orders it (through
    the other), at the same moment: each time exactly one of them gets it, and the other
    is told plainly that it is sold out."""
    outcomes = []
    async with (
        httpx.AsyncClient(timeout=60) as volunteer,
        httpx.AsyncClient(timeout=60) as online,
    ):
        for n in range(LAST_SEAT_ROUNDS):
            door, web = servers[n % 2], servers[(n + 1) % 2]
            event = await make_event(capacity=1, unpaid_limit=1)
            general = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=2000)
            code = f"DOOR{n:04d}"
            await Event.filter(id=event.id).update(door_code=code)
            start = await volunteer.get(f"{door}/door")
            entered = await volunteer.post(
                f"{door}/door",
                data={"door_code": code, "csrf_token": csrf_token_in(start.text)},
            )
            assert entered.status_code == 303, entered.text[:300]
            form = await volunteer.get(f"{door}/door/{event.slug}/sell?gate=North")
            sale = {
                "csrf_token": csrf_token_in(form.text),
                "sale_key": re.search(r'name="sale_key" value="([^"]*)"', form.text).group(1),
                "gate": "North",
                "ticket_type": str(general.id),
                "quantity": "1",
                "payment": "door_cash",
            }
            order = {
                "buyer": {"name": "Online Buyer", "email": f"online{n}@example.org"},
                "items": [{"ticket_type": general.id, "quantity": 1}],
                "payment": "box_office",
            }
            at_door, on_line = await asyncio.gather(
                volunteer.post(f"{door}/door/{event.slug}/sell", data=sale),
                online.post(f"{web}/api/v1/events/{event.slug}/orders", json=order),
            )
            door_won = at_door.status_code == 303 and "/sold/" in at_door.headers["location"]
            online_won = on_line.status_code == 201
            outcomes.append((door_won, online_won))
            if door_won:
                assert (on_line.status_code, on_line.json()["error"]) == (409, "sold_out")
            else:
                assert at_door.status_code == 409, at_door.text[:300]
                assert SOLD_OUT in html.unescape(at_door.text)
            await event.refresh_from_db()
            await general.refresh_from_db()
            assert (event.sold, general.sold) == (1, 1)
            assert await Ticket.filter(order__event=event, status=TicketStatus.VALID).count() == 1

    assert [door + web for door, web in outcomes] == [1] * LAST_SEAT_ROUNDS, outcomes
