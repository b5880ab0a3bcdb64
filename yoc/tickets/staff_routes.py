"""Staff: events and ticket types, orders (search, detail, mark paid, refund, cancel),
the sales dashboard and CSV export."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc.errors import DomainError
from yoc.events import services as events
from yoc.events.forms import EventForm, TicketTypeForm
from yoc.events.models import Event
from yoc.forms import parse
from yoc.http import (
    current_user,
    error_page,
    flash,
    forget_shared_pages,
    form_data,
    redirect,
    render,
    render_form,
    requires,
)
from yoc.i18n import gettext
from yoc.members.services.privacy import to_csv
from yoc.permissions import Action
from yoc.tickets.enums import OrderStatus
from yoc.tickets.models import TicketType
from yoc.tickets.services import orders, reports


def _local(value) -> str:
    return (
        value.astimezone(ZoneInfo("America/Los_Angeles")).strftime("%Y-%m-%dT%H:%M")
        if value
        else ""
    )


def _event_values(event: Event) -> dict:
    values = {
        k: getattr(event, k)
        for k in EventForm.model_fields
        if k not in ("starts_at", "ends_at", "sales_start", "sales_end")
    }
    values.update(
        {k: _local(getattr(event, k)) for k in ("starts_at", "ends_at", "sales_start", "sales_end")}
    )
    return {k: ("" if v is None else v) for k, v in values.items()}


def _actor(request: Request) -> str:
    user = current_user(request)
    return f"{user.name} <{user.email}>"


@requires(Action.MANAGE_EVENTS)
async def event_list(request: Request) -> Response:
    return render(
        request, "tickets/staff_events.html", {"events": await Event.all().order_by("-starts_at")}
    )


@requires(Action.MANAGE_EVENTS)
async def event_new(request: Request) -> Response:
    if request.method == "GET":
        return render(
            request, "tickets/staff_event_form.html", {"event": None, "values": {"capacity": "500"}}
        )
    values = await form_data(request)
    try:
        event = await events.create_event(parse(EventForm, values))
    except DomainError as error:
        return render_form(
            request,
            "tickets/staff_event_form.html",
            values=values,
            error=error,
            context={"event": None},
        )
    flash(request, gettext("The event is created. Now add its ticket types."))
    return redirect(f"/staff/events/{event.slug}")


@requires(Action.MANAGE_EVENTS)
async def event_detail(request: Request) -> Response:
    try:
        event = await events.get_event(request.path_params["slug"])
    except DomainError:
        return error_page(request, 404)
    context = {"event": event, "sales": await reports.sales(event)}
    if request.method == "GET":
        return render(
            request, "tickets/staff_event.html", {**context, "values": _event_values(event)}
        )
    values = await form_data(request)
    try:
        event = await events.update_event(event, parse(EventForm, values))
    except DomainError as error:
        return render_form(
            request, "tickets/staff_event.html", values=values, error=error, context=context
        )
    forget_shared_pages(request)
    flash(request, gettext("Saved."))
    return redirect(f"/staff/events/{event.slug}")


async def _type_page(request: Request, event: Event, ticket_type: TicketType | None):
    context = {"event": event, "ticket_type": ticket_type}
    if request.method == "GET":
        values = {"pricing": "fixed", "max_per_order": 10}
        if ticket_type:
            values = {k: getattr(ticket_type, k) for k in TicketTypeForm.model_fields}
            values.update(
                sales_start=_local(ticket_type.sales_start), sales_end=_local(ticket_type.sales_end)
            )
            values = {k: ("" if v is None else v) for k, v in values.items()}
        return render(request, "tickets/staff_ticket_type.html", {**context, "values": values})
    values = await form_data(request)
    try:
        data = parse(TicketTypeForm, values)
        if ticket_type:
            await events.update_ticket_type(ticket_type, data)
        else:
            await events.create_ticket_type(event, data)
    except DomainError as error:
        return render_form(
            request, "tickets/staff_ticket_type.html", values=values, error=error, context=context
        )
    forget_shared_pages(request)
    flash(request, gettext("Saved."))
    return redirect(f"/staff/events/{event.slug}")


@requires(Action.MANAGE_EVENTS)
async def type_new(request: Request) -> Response:
    try:
        event = await events.get_event(request.path_params["slug"])
    except DomainError:
        return error_page(request, 404)
    return await _type_page(request, event, None)


@requires(Action.MANAGE_EVENTS)
async def type_edit(request: Request) -> Response:
    ticket_type = await TicketType.get_or_none(id=request.path_params["id"]).select_related("event")
    if ticket_type is None:
        return error_page(request, 404)
    return await _type_page(request, ticket_type.event, ticket_type)


@requires(Action.MANAGE_EVENTS)
async def order_list(request: Request) -> Response:
    try:
        event = await events.get_event(request.path_params["slug"])
    except DomainError:
        return error_page(request, 404)
    q = request.query_params.get("q", "").strip()[:100]
    status = request.query_params.get("status", "")
    found = await reports.search_orders(event, q=q, status=status)
    return render(
        request,
        "tickets/staff_orders.html",
        {
            "event": event,
            "orders": found,
            "q": q,
            "status": status,
            "statuses": list(OrderStatus),
            "query": request.url.query,
        },
    )


@requires(Action.MANAGE_EVENTS)
async def order_csv(request: Request) -> Response:
    try:
        event = await events.get_event(request.path_params["slug"])
    except DomainError:
        return error_page(request, 404)
    found = await reports.search_orders(
        event, q=request.query_params.get("q", ""), status=request.query_params.get("status", "")
    )
    rows = [
        [
            o.code,
            o.created_at.isoformat(),
            o.status.value,
            o.payment.value,
            o.buyer_name,
            o.buyer_email,
            o.buyer_phone,
            o.language,
            o.tickets_count,
            o.donated_count,
            o.claimed_count,
            f"{o.total_cents / 100:.2f}",
        ]
        for o in found
    ]
    header = [
        "code",
        "created_at",
        "status",
        "payment",
        "name",
        "email",
        "phone",
        "language",
        "seats",
        "donated",
        "claimed",
        "total_usd",
    ]
    name = f"orders-{event.slug}-{date.today().isoformat()}.csv"
    return Response(
        to_csv(header, rows),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@requires(Action.MANAGE_EVENTS)
async def order_detail(request: Request) -> Response:
    try:
        order = await orders.get_order(request.path_params["code"])
    except DomainError:
        return error_page(request, 404)
    return render(request, "tickets/staff_order.html", {"order": order})


@requires(Action.MANAGE_EVENTS)
async def order_action(request: Request) -> Response:
    try:
        order = await orders.get_order(request.path_params["code"])
    except DomainError:
        return error_page(request, 404)
    action = request.path_params["action"]
    form = await request.form()
    reason = str(form.get("reason", "")).strip()[:500]
    if action in ("refund", "cancel") and not reason:
        flash(request, gettext("Write a reason first: it is kept in the order log."), "error")
        return redirect(f"/staff/orders/{order.code}")
    settings, payments = request.app.state.settings, request.app.state.payments
    try:
        if action == "paid":
            await orders.mark_paid_at_door(order, actor=_actor(request), settings=settings)
            flash(request, gettext("Marked as paid."))
        elif action == "refund":
            ticket_ids = [int(v) for v in form.getlist("ticket_ids") if str(v).isdigit()]
            if form.get("scope") == "chosen" and not ticket_ids:
                flash(request, gettext("Choose the tickets to refund first."), "error")
                return redirect(f"/staff/orders/{order.code}")
            if form.get("scope") == "all":
                ticket_ids = []
            await orders.refund(
                order,
                actor=_actor(request),
                reason=reason,
                settings=settings,
                payments=payments,
                ticket_ids=ticket_ids or None,
            )
            flash(request, gettext("Refunded. The buyer is told by email."))
        elif action == "cancel":
            await orders.cancel(
                order, actor=_actor(request), reason=reason, settings=settings, payments=payments
            )
            flash(request, gettext("The order is cancelled. Its tickets are back on sale."))
        else:
            return error_page(request, 404)
    except DomainError as error:
        flash(request, error.translated(), "error")
    forget_shared_pages(request)  # seats may be back on sale
    return redirect(f"/staff/orders/{order.code}")


routes = [
    Route("/staff/events", event_list, name="tickets:staff_events"),
    Route("/staff/events/new", event_new, methods=["GET", "POST"], name="tickets:event_new"),
    Route(
        "/staff/events/{slug:str}",
        event_detail,
        methods=["GET", "POST"],
        name="tickets:staff_event",
    ),
    Route(
        "/staff/events/{slug:str}/types/new",
        type_new,
        methods=["GET", "POST"],
        name="tickets:type_new",
    ),
    Route(
        "/staff/ticket-types/{id:int}", type_edit, methods=["GET", "POST"], name="tickets:type_edit"
    ),
    Route("/staff/events/{slug:str}/orders", order_list, name="tickets:orders"),
    Route("/staff/events/{slug:str}/orders.csv", order_csv, name="tickets:orders_csv"),
    Route("/staff/orders/{code:str}", order_detail, name="tickets:staff_order"),
    Route(
        "/staff/orders/{code:str}/{action:str}",
        order_action,
        methods=["POST"],
        name="tickets:order_action",
    ),
]
