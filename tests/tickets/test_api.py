"""The JSON API (tickets/api.py): published events and their ticket types for anyone,
created by staff; orders placed by a buyer's app; orders listed, read and refunded by
staff."""

from __future__ import annotations

import asyncio

import pytest

from tests.accounts.factories import confirmation_header
from tests.factories import make_user
from tests.tickets.conftest import SOLD_OUT, counters, paid_box_office_order, translated
from tests.tickets.factories import (
    bearer_for,
    make_event,
    make_order,
    make_ticket_type,
    sliding_event,
)
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.events.models import Event
from yoc.tickets.enums import OrderStatus, Pricing
from yoc.tickets.models import Order, OrderLog, Refund, Ticket, TicketType


@pytest.fixture
async def staff_headers(app) -> dict[str, str]:
    staff = await make_user(role=Role.STAFF, name="Sam Staff", email="tablet@example.org")
    return await bearer_for(staff)


@pytest.fixture
async def refund_headers(settings, staff_headers) -> dict[str, str]:
    """The staff tablet's headers for a refund: its token, and a current code from its
    owner's authenticator app."""
    staff = await User.get(email="tablet@example.org")
    return {**staff_headers, **await confirmation_header(staff, settings)}


# Events and ticket types --------------------------------------------------------------


async def test_api_lists_published_events_with_what_is_left_and_no_partner_types(
    client, settings
) -> None:
    event = await make_event(capacity=50)
    general = await make_ticket_type(event, quota=20)
    await make_ticket_type(event, name_en="Partners", access_code="pride")
    await make_event(published=False)
    await make_order(event, settings, {general: 3}, payment=None)

    listing = await client.get("/api/v1/events")
    detail = await client.get(f"/api/v1/events/{event.slug}")

    assert listing.status_code == 200
    assert [e["slug"] for e in listing.json()["events"]] == [event.slug]
    assert detail.status_code == 200
    body = detail.json()
    assert body == listing.json()["events"][0]
    assert (body["capacity"], body["available"], body["published"]) == (50, 47, True)
    assert body["ticket_types"] == [
        {
            "id": general.id,
            "name": {"en": "General admission", "es": "Entrada general"},
            "description": {"en": "", "es": ""},
            "pricing": "free",
            "price_cents": 0,
            "min_cents": 0,
            "suggested_cents": 0,
            "max_cents": 0,
            "quota": 20,
            "max_per_order": 10,
            "available": 17,
            "requires_access_code": False,
        }
    ]


async def test_api_hides_an_unpublished_event(client) -> None:
    draft = await make_event(published=False)

    response = await client.get(f"/api/v1/events/{draft.slug}")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


EVENT_IN = {
    "slug": "pride-2027",
    "name": {"en": "Pride 2027", "es": "Orgullo 2027"},
    "venue": "Coachella Library",
    "starts_at": "2027-06-12T16:00:00-07:00",
    "ends_at": "2027-06-12T22:00:00-07:00",
    "capacity": 300,
    "published": True,
}


async def test_staff_create_an_event_and_its_ticket_type_through_the_api(
    client, staff_headers
) -> None:
    created = await client.post("/api/v1/events", json=EVENT_IN, headers=staff_headers)
    typed = await client.post(
        "/api/v1/events/pride-2027/ticket-types",
        json={
            "name": {"en": "Sliding scale", "es": "Escala"},
            "pricing": "sliding",
            "min_cents": 0,
            "suggested_cents": 1000,
            "max_cents": 3000,
            "quota": 100,
        },
        headers=staff_headers,
    )

    assert created.status_code == 201, created.text
    assert (created.json()["slug"], created.json()["available"]) == ("pride-2027", 300)
    event = await Event.get(slug="pride-2027")
    assert (event.name_es, event.capacity, event.published) == ("Orgullo 2027", 300, True)
    assert event.starts_at.isoformat() == "2027-06-12T23:00:00+00:00"
    assert typed.status_code == 201, typed.text
    ticket_type = await TicketType.get(event=event)
    assert typed.json()["id"] == ticket_type.id
    assert (ticket_type.pricing, ticket_type.price_cents, ticket_type.quota) == (
        Pricing.SLIDING,
        1000,
        100,
    )
    assert typed.json()["available"] == 100


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        pytest.param(
            {"ends_at": "2027-06-12T15:00:00-07:00"},
            {"ends_at": "The end must be after the start."},
            id="ends-before-start",
        ),
        pytest.param(
            {"slug": "Pride 2027!"},
            {"slug": "Use lowercase letters, numbers and dashes, like the-hue-2027."},
            id="bad-slug",
        ),
        pytest.param({"capacity": 0}, {"capacity": "This number is too small."}, id="no-seats"),
        pytest.param(
            {"name": {"en": "Pride", "es": ""}},
            {"name_es": "This field is required."},
            id="no-spanish-name",
        ),
    ],
)
async def test_api_event_input_follows_the_form_rules(
    client, staff_headers, change, fields
) -> None:
    response = await client.post(
        "/api/v1/events", json={**EVENT_IN, **change}, headers=staff_headers
    )

    assert response.status_code == 422
    assert response.json()["error"] == "invalid"
    assert response.json()["fields"] == fields
    assert await Event.all().count() == 0


async def test_api_refuses_a_slug_that_is_taken(client, staff_headers) -> None:
    await make_event(slug="pride-2027")

    response = await client.post("/api/v1/events", json=EVENT_IN, headers=staff_headers)

    assert response.status_code == 422
    assert response.json()["fields"] == {"slug": "Another event already has this address."}
    assert await Event.all().count() == 1


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        pytest.param(
            {"pricing": "sliding", "min_cents": 2000, "suggested_cents": 1000, "max_cents": 3000},
            {
                "suggested_cents": "The lowest price must not be above the suggested one, "
                "nor that above the highest."
            },
            id="sliding-out-of-order",
        ),
        pytest.param(
            {"pricing": "fixed", "price_cents": 0},
            {"price_cents": "A fixed price must be more than zero."},
            id="fixed-at-zero",
        ),
        pytest.param(
            {"pricing": "barter"}, {"pricing": "Choose one of the options."}, id="bad-pricing"
        ),
    ],
)
async def test_api_ticket_type_input_follows_the_form_rules(
    client, staff_headers, body, fields
) -> None:
    event = await make_event()

    response = await client.post(
        f"/api/v1/events/{event.slug}/ticket-types",
        json={"name": {"en": "Adult", "es": "Adulto"}, **body},
        headers=staff_headers,
    )

    assert response.status_code == 422
    assert response.json()["fields"] == fields
    assert await TicketType.all().count() == 0


# Orders -------------------------------------------------------------------------------


async def test_api_order_answers_with_its_code_status_total_and_tickets(client) -> None:
    event, scale = await sliding_event()

    response = await client.post(
        f"/api/v1/events/{event.slug}/orders",
        json={
            "buyer": {"name": "Ana Pérez", "email": "Ana@Example.org", "language": "es"},
            "items": [{"ticket_type": scale.id, "quantity": 2, "price_cents": 1250}],
            "payment": "box_office",
        },
    )

    assert response.status_code == 201, response.text
    body = response.json()
    order = await Order.get(code=body["code"])
    tickets = await Ticket.filter(order=order).order_by("id")
    assert body == {
        "code": order.code,
        "status": "pending",
        "payment": "box_office",
        "total_cents": 2500,
        "buyer": {"name": "Ana Pérez", "email": "ana@example.org"},
        "tickets": [
            {"id": t.id, "secret": t.secret, "label": "Pay what you can", "status": "valid"}
            for t in tickets
        ],
    }
    assert (order.total_cents, order.language) == (2500, "es")


async def test_api_order_for_more_than_is_left_is_409_sold_out(client) -> None:
    event = await make_event(capacity=1)
    general = await make_ticket_type(event)

    response = await client.post(
        f"/api/v1/events/{event.slug}/orders",
        json={
            "buyer": {"name": "Ana", "email": "ana@example.org"},
            "items": [{"ticket_type": general.id, "quantity": 2}],
        },
    )

    assert response.status_code == 409
    assert response.json() == {"error": "sold_out", "message": SOLD_OUT}
    assert await Order.all().count() == 0
    assert await counters(event, general) == (0, 0)


# Retries of one order (Idempotency-Key) ----------------------------------------------


def _box_office_order(ticket_type: TicketType, quantity: int = 2) -> dict:
    return {
        "buyer": {"name": "Ana", "email": "ana@example.org"},
        "items": [{"ticket_type": ticket_type.id, "quantity": quantity}],
        "payment": "box_office",
    }


async def test_api_order_retried_with_its_idempotency_key_answers_the_same_order(client) -> None:
    event = await make_event(capacity=10)
    general = await make_ticket_type(event)
    url, key = f"/api/v1/events/{event.slug}/orders", {"Idempotency-Key": "4b1c-retry-1"}

    first = await client.post(url, json=_box_office_order(general), headers=key)
    # The answer was lost on the way: the client sends the same request again.
    again = await client.post(url, json=_box_office_order(general), headers=key)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert await Order.all().count() == 1
    assert await counters(event, general) == (2, 2)


async def test_api_order_retried_at_once_with_one_key_places_one_order(client) -> None:
    event = await make_event(capacity=10)
    general = await make_ticket_type(event)
    url, key = f"/api/v1/events/{event.slug}/orders", {"Idempotency-Key": "4b1c-retry-2"}

    answers = await asyncio.gather(
        *(client.post(url, json=_box_office_order(general), headers=key) for _ in range(3))
    )

    assert sorted(a.status_code for a in answers) == [200, 200, 201]
    assert len({a.json()["code"] for a in answers}) == 1
    assert await Order.all().count() == 1
    assert await counters(event, general) == (2, 2)


async def test_api_idempotency_key_reused_for_another_order_is_422(client) -> None:
    event = await make_event(capacity=10)
    general = await make_ticket_type(event)
    url, key = f"/api/v1/events/{event.slug}/orders", {"Idempotency-Key": "4b1c-retry-3"}
    first = await client.post(url, json=_box_office_order(general), headers=key)

    other = await client.post(url, json=_box_office_order(general, quantity=3), headers=key)

    assert (first.status_code, other.status_code) == (201, 422)
    assert other.json()["error"] == "idempotency_key_reused"
    assert await Order.all().count() == 1
    assert await counters(event, general) == (2, 2)


async def test_api_orders_without_an_idempotency_key_are_each_placed(client) -> None:
    event = await make_event(capacity=10)
    general = await make_ticket_type(event)
    url = f"/api/v1/events/{event.slug}/orders"

    answers = [await client.post(url, json=_box_office_order(general)) for _ in range(2)]

    assert [a.status_code for a in answers] == [201, 201]
    assert await Order.all().count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"buyer": {"name": "Ana", "email": "ana@"}}, "buyer", id="bad-email"),
        pytest.param({"items": [{"ticket_type": 0, "quantity": -1}]}, "items", id="negative"),
        # No field on the page shows these two: the message comes as the general one.
        pytest.param({"items": [{"ticket_type": 0, "quantity": 1}]}, "__all__", id="unknown-type"),
        pytest.param({"items": []}, "__all__", id="nothing"),
        pytest.param({"donate": 3}, "__all__", id="event-takes-no-donations"),
    ],
)
async def test_api_bad_order_input_is_422_and_stores_nothing(client, change, field) -> None:
    event = await make_event()
    general = await make_ticket_type(event)
    body = {
        "buyer": {"name": "Ana", "email": "ana@example.org"},
        "items": [{"ticket_type": general.id, "quantity": 1}],
        **change,
    }

    response = await client.post(f"/api/v1/events/{event.slug}/orders", json=body)

    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid"
    assert set(response.json()["fields"]) == {field}
    assert await Order.all().count() == 0


async def test_api_sliding_price_outside_the_scale_is_422(client) -> None:
    event, scale = await sliding_event()

    response = await client.post(
        f"/api/v1/events/{event.slug}/orders",
        json={
            "buyer": {"name": "Ana", "email": "ana@example.org"},
            "items": [{"ticket_type": scale.id, "quantity": 1, "price_cents": 100}],
            "payment": "box_office",
        },
        headers={"Accept-Language": "es"},
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {
        f"price_{scale.id}": translated(
            "Choose a price between the lowest and the highest shown.", "es"
        )
    }


# Staff --------------------------------------------------------------------------------


async def test_staff_list_read_and_refund_orders_through_the_api(
    app, client, settings, staff_headers, refund_headers
) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await paid_box_office_order(settings, event, {adult: 2})
    other = await make_order(event, settings, {adult: 1}, buyer_email="beto@example.org")

    listing = await client.get(f"/api/v1/events/{event.slug}/orders", headers=staff_headers)
    found = await client.get(
        f"/api/v1/events/{event.slug}/orders", params={"q": "beto"}, headers=staff_headers
    )
    detail = await client.get(f"/api/v1/orders/{order.code}", headers=staff_headers)
    refunded = await client.post(
        f"/api/v1/orders/{order.code}/refund", json={"reason": "rain"}, headers=refund_headers
    )

    assert listing.status_code == 200
    assert {o["code"] for o in listing.json()["orders"]} == {order.code, other.code}
    assert [o["code"] for o in found.json()["orders"]] == [other.code]
    assert detail.status_code == 200
    assert (detail.json()["status"], detail.json()["total_cents"]) == ("paid", 3000)
    assert [(e["from"], e["to"]) for e in detail.json()["log"]] == [
        ("", "pending"),
        ("pending", "paid"),
    ]
    assert refunded.status_code == 200, refunded.text
    assert refunded.json()["status"] == "refunded"
    assert refunded.json()["refund"]["amount_cents"] == 3000
    assert {t["status"] for t in refunded.json()["tickets"]} == {"void"}
    assert await counters(event, adult) == (1, 1)
    last = await OrderLog.filter(order=order).order_by("-id").first()
    assert (last.to_status, last.actor_label, last.note) == (
        "refunded",
        "Sam Staff <tablet@example.org> (API)",
        "rain",
    )


async def test_api_refund_of_an_unpaid_order_is_409(app, client, settings, refund_headers) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await make_order(event, settings, {adult: 1})

    response = await client.post(
        f"/api/v1/orders/{order.code}/refund", json={"reason": "rain"}, headers=refund_headers
    )

    assert response.status_code == 409
    assert response.json()["error"] == "not_paid"
    assert (await Order.get(id=order.id)).status == OrderStatus.PENDING
    assert await Refund.all().count() == 0


async def test_api_refund_of_chosen_tickets_voids_only_those(
    app, client, settings, refund_headers
) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await paid_box_office_order(settings, event, {adult: 2})
    first, second = await Ticket.filter(order=order).order_by("id")

    response = await client.post(
        f"/api/v1/orders/{order.code}/refund",
        json={"tickets": [first.id], "reason": "one is sick"},
        headers=refund_headers,
    )

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "paid"
    assert response.json()["refund"] == {"amount_cents": 1500, "tickets": [first.id]}
    assert {t["id"]: t["status"] for t in response.json()["tickets"]} == {
        first.id: "void",
        second.id: "valid",
    }
    assert await counters(event, adult) == (1, 1)


async def test_api_refund_without_a_reason_is_422_like_the_staff_form(
    app, client, settings, refund_headers
) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await paid_box_office_order(settings, event, {adult: 2})

    response = await client.post(
        f"/api/v1/orders/{order.code}/refund", json={"reason": "  "}, headers=refund_headers
    )

    assert response.status_code == 422, response.text
    assert set(response.json()["fields"]) == {"reason"}
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    assert await Refund.all().count() == 0


@pytest.mark.parametrize(
    "tickets", [["first"], "all of them", [None], [True]], ids=["word", "string", "null", "bool"]
)
async def test_api_refund_with_unreadable_ticket_ids_refunds_nothing(
    app, client, settings, refund_headers, tickets
) -> None:
    event = await make_event()
    adult = await make_ticket_type(event, pricing=Pricing.FIXED, price_cents=1500)
    order = await paid_box_office_order(settings, event, {adult: 2})

    response = await client.post(
        f"/api/v1/orders/{order.code}/refund",
        json={"tickets": tickets, "reason": "typo"},
        headers=refund_headers,
    )

    assert response.status_code == 422, response.text
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    assert await Refund.all().count() == 0
    assert await counters(event, adult) == (2, 2)
