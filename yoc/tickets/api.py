"""JSON API: events and ticket types (public to read), orders (public to place)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from yoc.accounts.forms import Email, Language, Name
from yoc.errors import ValidationFailed
from yoc.events import services as events
from yoc.events.forms import EventForm, TicketTypeForm
from yoc.events.models import Event
from yoc.forms import Form, parse
from yoc.http import api_error, api_public, api_requires, current_user, forget_shared_pages
from yoc.i18n import N_
from yoc.members.forms import Phone
from yoc.permissions import Action
from yoc.tickets.enums import PaymentMethod
from yoc.tickets.models import Order, TicketType
from yoc.tickets.services import availability, checkout, holds, orders, placing, refunds, reports
from yoc.tickets.services.pricing import Line, OrderRequest


def type_out(event: Event, t: TicketType) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": {"en": t.name_en, "es": t.name_es},
        "description": {"en": t.description_en, "es": t.description_es},
        "pricing": t.pricing.value,
        "price_cents": t.price_cents,
        "min_cents": t.min_cents,
        "suggested_cents": t.suggested_cents,
        "max_cents": t.max_cents,
        "quota": t.quota,
        "max_per_order": t.max_per_order,
        "available": availability.available(event, t),
        "requires_access_code": bool(t.access_code),
    }


async def event_out(event: Event, *, staff: bool = False) -> dict[str, Any]:
    types = await TicketType.filter(event=event, active=True)
    if not staff:
        types = [t for t in types if not t.access_code]
    return {
        "slug": event.slug,
        "name": {"en": event.name_en, "es": event.name_es},
        "description": {"en": event.description_en, "es": event.description_es},
        "venue": event.venue,
        "address": event.address,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "capacity": event.capacity,
        "available": max(0, event.capacity - event.sold),
        "published": event.published,
        "donated_available": availability.donated_available(event),
        "ticket_types": [type_out(event, t) for t in types],
    }


def order_out(order: Order, tickets: list | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "code": order.code,
        "status": order.status.value,
        "payment": order.payment.value,
        "total_cents": order.total_cents,
        "buyer": {"name": order.buyer_name, "email": order.buyer_email},
        "tickets": [
            {"id": t.id, "secret": t.secret, "label": t.label_en, "status": t.status.value}
            for t in (tickets or [])
        ],
        **extra,
    }


@api_public
async def event_list(request: Request) -> Response:
    found = await Event.filter(published=True).order_by("starts_at")
    return JSONResponse({"events": [await event_out(e) for e in found]})


@api_public
async def event_detail(request: Request) -> Response:
    event = await events.public_event(request.path_params["slug"])
    return JSONResponse(await event_out(event))


async def _json(request: Request) -> dict:
    try:
        body = await request.json()
    except ValueError:
        raise ValidationFailed({"__all__": N_("Send a JSON object.")}) from None
    if not isinstance(body, dict):
        raise ValidationFailed({"__all__": N_("Send a JSON object.")})
    return body


def _bilingual(body: dict, *names: str) -> dict:
    flat = {k: v for k, v in body.items() if k not in names}
    for name in names:
        value = body.get(name) or {}
        if isinstance(value, dict):
            flat[f"{name}_en"] = value.get("en", "")
            flat[f"{name}_es"] = value.get("es", "")
    return flat


@api_requires(Action.MANAGE_EVENTS)
async def event_create(request: Request) -> Response:
    body = _bilingual(await _json(request), "name", "description", "accessibility", "cost_note")
    event = await events.create_event(parse(EventForm, body))
    return JSONResponse(await event_out(event, staff=True), status_code=201)


@api_requires(Action.MANAGE_EVENTS)
async def type_create(request: Request) -> Response:
    event = await events.get_event(request.path_params["slug"])
    body = _bilingual(await _json(request), "name", "description")
    ticket_type = await events.create_ticket_type(event, parse(TicketTypeForm, body))
    forget_shared_pages(request)
    return JSONResponse(type_out(event, ticket_type), status_code=201)


class BuyerIn(Form):
    name: Name
    email: Email
    phone: Phone = ""
    language: Language = "en"


class ItemIn(BaseModel):
    ticket_type: int
    quantity: Annotated[int, Field(ge=0, le=50)]
    price_cents: int | None = None


class OrderIn(Form):
    buyer: BuyerIn
    items: list[ItemIn] = []
    donate: Annotated[int, Field(ge=0, le=20)] = 0
    claim: Annotated[int, Field(ge=0, le=4)] = 0
    payment: PaymentMethod | None = None
    access_code: str = ""


@api_public
async def order_create(request: Request) -> Response:
    data = parse(OrderIn, await _json(request))
    event = await events.public_event(request.path_params["slug"])
    settings, payments = request.app.state.settings, request.app.state.payments
    order_request = OrderRequest(
        buyer_name=data.buyer.name,
        buyer_email=data.buyer.email,
        buyer_phone=data.buyer.phone,
        language=data.buyer.language,
        donate=data.donate,
        claim=data.claim,
        payment=data.payment,
        access_code=data.access_code,
        lines=[Line(i.ticket_type, i.quantity, i.price_cents) for i in data.items],
    )
    try:
        order = await placing.place_order(
            event, order_request, settings=settings, payments=payments
        )
    except holds.SoldOut as sold_out:
        return api_error(409, "sold_out", sold_out.translated())
    extra = {}
    url = await checkout.start(order, settings=settings, payments=payments)
    if url:
        extra["checkout_url"] = url
    tickets = [t async for t in order.tickets]  # fetched with the order
    return JSONResponse(order_out(order, tickets, **extra), status_code=201)


@api_requires(Action.MANAGE_EVENTS)
async def order_list(request: Request) -> Response:
    event = await events.get_event(request.path_params["slug"])
    found = await reports.search_orders(
        event, q=request.query_params.get("q", ""), status=request.query_params.get("status", "")
    )
    return JSONResponse({"orders": [order_out(o) for o in found]})


@api_requires(Action.MANAGE_EVENTS)
async def order_detail(request: Request) -> Response:
    order = await orders.get_order(request.path_params["code"])
    return JSONResponse(
        order_out(
            order,
            list(order.tickets),
            log=[
                {
                    "from": e.from_status,
                    "to": e.to_status,
                    "by": e.actor_label,
                    "note": e.note,
                    "at": e.created_at.isoformat(),
                }
                for e in order.log
            ],
        )
    )


@api_requires(Action.MANAGE_EVENTS)
async def order_refund(request: Request) -> Response:
    """Body (optional): {"tickets": [ids], "reason": "..."}; no tickets means all."""
    order = await orders.get_order(request.path_params["code"])
    try:
        body = await request.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    tickets = body.get("tickets", [])
    if not isinstance(tickets, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in tickets
    ):
        raise ValidationFailed({"tickets": N_("Send ticket ids as a list of numbers.")})
    user = current_user(request)
    refund = await refunds.refund(
        order,
        actor=f"{user.name} <{user.email}> (API)",
        reason=str(body.get("reason", ""))[:500],
        settings=request.app.state.settings,
        payments=request.app.state.payments,
        ticket_ids=tickets or None,
    )
    forget_shared_pages(request)  # seats may be back on sale
    order = await orders.get_order(order.code)
    return JSONResponse(
        order_out(
            order,
            list(order.tickets),
            refund={"amount_cents": refund.amount_cents, "tickets": refund.tickets},
        )
    )


routes = [
    Route("/api/v1/events", event_list, name="api:events"),
    Route("/api/v1/events", event_create, methods=["POST"], name="api:event_create"),
    Route("/api/v1/events/{slug:str}", event_detail, name="api:event"),
    Route(
        "/api/v1/events/{slug:str}/ticket-types",
        type_create,
        methods=["POST"],
        name="api:type_create",
    ),
    Route(
        "/api/v1/events/{slug:str}/orders", order_create, methods=["POST"], name="api:order_create"
    ),
    Route("/api/v1/events/{slug:str}/orders", order_list, name="api:orders"),
    Route("/api/v1/orders/{code:str}", order_detail, name="api:order"),
    Route("/api/v1/orders/{code:str}/refund", order_refund, methods=["POST"], name="api:refund"),
]
