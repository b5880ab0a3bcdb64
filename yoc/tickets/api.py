"""JSON API: events and ticket types (public to read), orders (public to place)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from yoc import paging
from yoc.accounts.guards import api_confirmation_required
from yoc.apidoc import Param, documented
from yoc.events import services as events
from yoc.events.forms import EventForm, EventQuery
from yoc.forms import json_object, parse
from yoc.http import (
    api_error,
    api_public,
    api_requires,
    client_ip,
    current_user,
    forget_shared_pages,
)
from yoc.permissions import Action, can
from yoc.tickets.enums import OrderStatus
from yoc.tickets.forms import OrderIn, OrderQuery, RefundIn, TicketTypeForm
from yoc.tickets.schemas import EventList, EventOut, OrderList, OrderOut, TicketTypeOut
from yoc.tickets.services import (
    checkout,
    guard,
    holds,
    orders,
    placing,
    refunds,
    reports,
    types,
)

if TYPE_CHECKING:
    from yoc.events.models import Event


def _json(model: BaseModel, status_code: int = 200) -> JSONResponse:
    return JSONResponse(model.model_dump(mode="json", exclude_none=True), status_code=status_code)


async def _event_out(event: Event, *, staff: bool = False) -> EventOut:
    return EventOut.of(event, await types.on_sale(event, with_hidden=staff))


@documented(
    "Published events, soonest first, with their ticket types and available counts, a page "
    "at a time; when=upcoming (not ended yet) or past",
    EventList,
    auth=False,
    errors=(422,),
    query=(*paging.PARAMS, Param("when", {"type": "string", "enum": ["upcoming", "past"]})),
)
@api_public
async def event_list(request: Request) -> Response:
    window = paging.requested(request)
    when = parse(EventQuery, dict(request.query_params)).when
    page = await events.published_page(window, when=when)
    on_sale = await types.on_sale_at(page.items, with_hidden=False)
    found = [
        EventOut.of(e, on_sale[e.id]).model_dump(mode="json", exclude_none=True) for e in page.items
    ]
    return JSONResponse({"events": found, "next": paging.next_link(request, page)})


@documented("One published event", EventOut, auth=False, errors=(404,))
@api_public
async def event_detail(request: Request) -> Response:
    event = await events.public_event(request.path_params["slug"])
    return _json(await _event_out(event))


@documented(
    "Create an event (staff); name, description, accessibility and cost_note may also be "
    "sent as {en, es} objects",
    EventOut,
    body=EventForm,
    errors=(403, 422),
)
@api_requires(Action.MANAGE_EVENTS)
async def event_create(request: Request) -> Response:
    event = await events.create_event(parse(EventForm, await json_object(request)))
    return _json(await _event_out(event, staff=True), 201)


@documented(
    "Add a ticket type (staff); name and description may also be sent as {en, es} objects",
    TicketTypeOut,
    body=TicketTypeForm,
    errors=(403, 404, 422),
)
@api_requires(Action.MANAGE_EVENTS)
async def type_create(request: Request) -> Response:
    event = await events.get_event(request.path_params["slug"])
    data = parse(TicketTypeForm, await json_object(request))
    ticket_type = await types.create_ticket_type(event, data)
    forget_shared_pages(request)
    return _json(TicketTypeOut.of(event, ticket_type), 201)


@documented(
    "Place an order; a card order answers with checkout_url; 409 sold_out when capacity is "
    "short; 503 payment_unavailable when card payment cannot start (the seats are let go). "
    "With an Idempotency-Key header, a retry answers the same order (200), and the key "
    "sent with another request is 422 idempotency_key_reused",
    OrderOut,
    body=OrderIn,
    auth=False,
    errors=(404, 409, 422, 429, 503),
    also=((200, "A retry with the same Idempotency-Key: the order placed the first time"),),
)
@api_public
async def order_create(request: Request) -> Response:
    settings, payments = request.app.state.settings, request.app.state.payments
    limiter, ip = request.app.state.rate_limiter, client_ip(request)
    if not can(current_user(request), Action.MANAGE_EVENTS):  # staff at the box office
        await guard.count_order(limiter, settings, ip=ip)
    body = await json_object(request)
    data = parse(OrderIn, body)
    if not can(current_user(request), Action.MANAGE_EVENTS):
        await guard.count_order_to(limiter, settings, email=data.buyer.email)
    event = await events.public_event(request.path_params["slug"])
    await guard.check_access_code(limiter, settings, event, data.access_code, ip=ip)
    key = request.headers.get("idempotency-key", "").strip()[:255]
    new = True
    try:
        if key:
            order, new = await placing.place_once(
                event,
                data.to_request(),
                placing.RetryKey.of(key, event, body),
                settings=settings,
                payments=payments,
            )
        else:
            order = await placing.place_order(
                event, data.to_request(), settings=settings, payments=payments
            )
    except holds.SoldOut as sold_out:
        return api_error(409, "sold_out", sold_out.translated())
    url = await checkout.start(order, settings=settings, payments=payments, placed_now=new)
    tickets = [t async for t in order.tickets]  # fetched with the order
    return _json(OrderOut.of(order, tickets, checkout_url=url), 201 if new else 200)


ORDER_FILTERS = (
    *paging.PARAMS,
    Param(
        "q",
        {"type": "string", "maxLength": 100},
        "A part of the buyer's name or email, or of the order's code.",
    ),
    Param("status", {"type": "string", "enum": [s.value for s in OrderStatus]}),
    Param(
        "email", {"type": "string", "maxLength": 254}, "The buyer's whole email address (any case)."
    ),
    Param(
        "from",
        {"type": "string", "format": "date"},
        "Placed on or after this day (in the app's time zone).",
    ),
    Param("to", {"type": "string", "format": "date"}, "Placed on or before this day."),
)


@documented(
    "Orders of an event (staff), newest first, a page at a time; filters by status, the "
    "buyer's email and the day placed, and q searches name, email and code",
    OrderList,
    errors=(403, 404, 422),
    query=ORDER_FILTERS,
)
@api_requires(Action.MANAGE_EVENTS)
async def order_list(request: Request) -> Response:
    window = paging.requested(request)
    filters = parse(OrderQuery, dict(request.query_params)).filters()
    event = await events.get_event(request.path_params["slug"])
    page = await reports.orders_page(event, filters, window)
    return JSONResponse(
        {
            "orders": [
                OrderOut.of(o).model_dump(mode="json", exclude_none=True) for o in page.items
            ],
            "next": paging.next_link(request, page),
        }
    )


def _log(order: Any) -> list[dict[str, Any]]:
    return [
        {
            "from": e.from_status,
            "to": e.to_status,
            "by": e.actor_label,
            "code": e.code,
            "details": e.details,
            "note": e.note,
            "at": e.created_at.isoformat(),
        }
        for e in order.log
    ]


@documented("One order with its tickets and log (staff)", OrderOut, errors=(403, 404))
@api_requires(Action.MANAGE_EVENTS)
async def order_detail(request: Request) -> Response:
    order = await orders.get_order(request.path_params["code"])
    return _json(OrderOut.of(order, list(order.tickets), log=_log(order)))


@documented(
    "Refund an order (staff): the tickets named, or all of them. A token alone is not "
    "enough: X-Confirm-Code carries a current code from the token owner's authenticator "
    "app (401 confirmation_required without it, 403 two_factor_required when they have "
    "none)",
    OrderOut,
    body=RefundIn,
    errors=(403, 404, 409, 422, 429),
    status="200",
    headers=("X-Confirm-Code",),
)
@api_requires(Action.MANAGE_EVENTS)
@api_confirmation_required
async def order_refund(request: Request) -> Response:
    order = await orders.get_order(request.path_params["code"])
    data = parse(RefundIn, await json_object(request))
    user = current_user(request)
    refund = await refunds.refund(
        order,
        actor=f"{user.name} <{user.email}> (API)",
        reason=data.reason,
        settings=request.app.state.settings,
        payments=request.app.state.payments,
        ticket_ids=data.tickets or None,
    )
    forget_shared_pages(request)  # seats may be back on sale
    order = await orders.get_order(order.code)
    return _json(
        OrderOut.of(
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
