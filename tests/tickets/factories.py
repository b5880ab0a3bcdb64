"""Events, ticket types and orders as real rows, made through the same services and
input rules (EventForm, TicketTypeForm) that staff pages and the API use; card orders
through the JSON API, as a buyer's app places them."""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from yoc.accounts import services as accounts
from yoc.accounts.models import User
from yoc.events import services as events
from yoc.events.forms import EventForm
from yoc.events.models import Event
from yoc.forms import parse
from yoc.payments.providers import Payments
from yoc.settings import Settings
from yoc.tickets.enums import PaymentMethod, Pricing
from yoc.tickets.forms import TicketTypeForm
from yoc.tickets.models import Order, TicketType
from yoc.tickets.services import placing, types
from yoc.tickets.services.pricing import Line, OrderRequest
from yoc.timeutil import utcnow

_counter = itertools.count(1)
VALLEY = ZoneInfo("America/Los_Angeles")


def days_from_now(days: float) -> datetime:
    return utcnow() + timedelta(days=days)


async def make_event(**overrides: Any) -> Event:
    """A published event a month away, from 16:00 to 22:00 in the Eastern Coachella
    Valley (whatever the time the tests run: a minor's curfew, the end of the event's day
    and the like must not depend on it), for 100 people, on sale now, without donations."""
    n = next(_counter)
    day = (datetime.now(VALLEY) + timedelta(days=30)).date()
    starts = datetime.combine(day, time(16), VALLEY)
    values: dict[str, Any] = {
        "slug": f"the-hue-{n}",
        "name_en": f"The Hue {n}",
        "name_es": f"El Matiz {n}",
        "description_en": "Music, food and art from the East Coachella Valley.",
        "description_es": "Música, comida y arte del este del Valle de Coachella.",
        "venue": "Mecca Community Park",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=6),
        "capacity": 100,
        "published": True,
        "donation_price_cents": 0,
    }
    values.update(overrides)
    return await events.create_event(parse(EventForm, values))


async def make_ticket_type(event: Event, **overrides: Any) -> TicketType:
    """A free general-admission type without a quota of its own, on sale whenever the
    event is. Pass ``pricing`` with its prices for fixed or sliding-scale types."""
    values: dict[str, Any] = {
        "name_en": "General admission",
        "name_es": "Entrada general",
        "pricing": Pricing.FREE,
    }
    values.update(overrides)
    return await types.create_ticket_type(event, parse(TicketTypeForm, values))


async def sliding_event() -> tuple[Event, TicketType]:
    event = await make_event()
    scale = await make_ticket_type(
        event,
        name_en="Pay what you can",
        name_es="Paga lo que puedas",
        pricing=Pricing.SLIDING,
        min_cents=500,
        suggested_cents=1500,
        max_cents=5000,
    )
    return event, scale


async def make_order(
    event: Event,
    settings: Settings,
    items: dict[TicketType, int] | None = None,
    *,
    payment: PaymentMethod | None = PaymentMethod.BOX_OFFICE,
    donate: int = 0,
    claim: int = 0,
    buyer_name: str = "Ana Buyer",
    buyer_email: str = "ana@example.org",
    language: str = "en",
    access_code: str = "",
) -> Order:
    """An order placed through the order service, as the checkout places it."""
    request = OrderRequest(
        buyer_name=buyer_name,
        buyer_email=buyer_email,
        language=language,
        lines=[Line(t.id, quantity) for t, quantity in (items or {}).items()],
        donate=donate,
        claim=claim,
        payment=payment,
        access_code=access_code,
    )
    return await placing.place_order(
        event, request, settings=settings, payments=Payments.from_settings(settings)
    )


async def bearer_for(user: User) -> dict[str, str]:
    """Request headers with a fresh API token of ``user``."""
    _, secret = await accounts.create_api_token(user, "Box office tablet")
    return {"Authorization": f"Bearer {secret}"}


# Card orders through the JSON API, for a festival with one fixed-price type -------


PRICE = 2500
NAME_EN, NAME_ES = "Desert Festival", "Festival del Desierto"


async def make_festival(
    *, capacity: int = 100, price: int = PRICE, unpaid_limit: int | None = None
) -> tuple[Event, TicketType]:
    starts = utcnow() + timedelta(days=30)
    event = await events.create_event(
        EventForm(
            slug="desert-festival",
            name_en=NAME_EN,
            name_es=NAME_ES,
            venue="Mecca Community Park",
            starts_at=starts,
            ends_at=starts + timedelta(hours=6),
            capacity=capacity,
            published=True,
            unpaid_limit=unpaid_limit,
        )
    )
    return event, await add_type(event, "General", price)


async def add_type(event: Event, name: str, price: int) -> TicketType:
    return await types.create_ticket_type(
        event, TicketTypeForm(name_en=name, name_es=name, pricing=Pricing.FIXED, price_cents=price)
    )


async def order_via_api(
    client: httpx.AsyncClient,
    event: Event,
    lines: dict[TicketType, int],
    *,
    payment: str = "stripe",
    email: str = "ana@example.org",
    language: str = "en",
) -> Order:
    response = await client.post(
        f"/api/v1/events/{event.slug}/orders",
        json={
            "buyer": {"name": "Ana Flores", "email": email, "language": language},
            "items": [{"ticket_type": t.id, "quantity": n} for t, n in lines.items()],
            "payment": payment,
        },
    )
    assert response.status_code == 201, response.text
    return await Order.get(code=response.json()["code"])


async def card_order(
    client: httpx.AsyncClient, event: Event, ticket_type: TicketType, quantity: int = 2
) -> Order:
    return await order_via_api(client, event, {ticket_type: quantity})
