"""Staff: ticket types of an event, orders (search, detail, mark paid, refund, cancel),
the sales dashboard and CSV export."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc import paging
from yoc.accounts.guards import recent_sign_in_required
from yoc.errors import DomainError, ValidationFailed
from yoc.events import services as events
from yoc.events.forms import local_input
from yoc.forms import dollars, parse, whole_number
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
from yoc.tickets.forms import (
    TYPE_PRICES,
    OrderMoveIn,
    OrderQuery,
    RefundIn,
    TicketTypeForm,
    type_from_form,
)
from yoc.tickets.services import manage, orders, refunds, reports, states, types

if TYPE_CHECKING:
    from yoc.events.models import Event
    from yoc.tickets.models import TicketType


# Order actions that give money back: they need a recent password or code.
MONEY_ACTIONS = ("refund", "cancel")


def _actor(request: Request) -> str:
    user = current_user(request)
    return f"{user.name} <{user.email}>"


async def _type_page(request: Request, event: Event, ticket_type: TicketType | None):
    context = {"event": event, "ticket_type": ticket_type}
    if request.method == "GET":
        values = {"pricing": "fixed", "max_per_order": 10}
        if ticket_type:
            values = {
                k: getattr(ticket_type, k)
                for k in TicketTypeForm.model_fields
                if not k.endswith("_cents")
            }
            values.update(
                {
                    name: dollars(getattr(ticket_type, field))
                    for name, field in TYPE_PRICES[ticket_type.pricing].items()
                },
                sales_start=local_input(ticket_type.sales_start),
                sales_end=local_input(ticket_type.sales_end),
            )
            values = {k: ("" if v is None else v) for k, v in values.items()}
        return render(request, "tickets/staff_ticket_type.html", {**context, "values": values})
    values = await form_data(request)
    try:
        data = type_from_form(values)
        if ticket_type:
            await types.update_ticket_type(ticket_type, data)
        else:
            await types.create_ticket_type(event, data)
    except DomainError as error:
        return render_form(
            request, "tickets/staff_ticket_type.html", values=values, error=error, context=context
        )
    forget_shared_pages(request)
    flash(request, gettext("Saved."))
    return redirect(f"/staff/events/{event.slug}")


@requires(Action.MANAGE_EVENTS)
async def type_new(request: Request) -> Response:
    event = await events.get_event(request.path_params["slug"])
    return await _type_page(request, event, None)


@requires(Action.MANAGE_EVENTS)
async def type_edit(request: Request) -> Response:
    ticket_type = await types.get_ticket_type(request.path_params["id"])
    return await _type_page(request, ticket_type.event, ticket_type)


@requires(Action.MANAGE_EVENTS)
async def order_list(request: Request) -> Response:
    event = await events.get_event(request.path_params["slug"])
    values = dict(request.query_params)
    context = {
        "event": event,
        "statuses": list(OrderStatus),
        "csv_query": paging.filters_only(request),
        "orders": [],
        "pager_links": {},
    }
    try:
        window = paging.requested(request)
        filters = parse(OrderQuery, values).filters()
    except ValidationFailed as error:
        return render_form(
            request, "tickets/staff_orders.html", values=values, error=error, context=context
        )
    page = await reports.orders_page(event, filters, window)
    return render(
        request,
        "tickets/staff_orders.html",
        {
            **context,
            "values": values,
            "orders": page.items,
            "pager_links": paging.links(request, page),
        },
    )


@requires(Action.MANAGE_EVENTS)
async def order_csv(request: Request) -> Response:
    event = await events.get_event(request.path_params["slug"])
    filters = parse(OrderQuery, dict(request.query_params)).filters()
    found = await reports.search_orders(event, filters)
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
    order = await orders.get_order(request.path_params["code"])
    return render(request, "tickets/staff_order.html", {"order": order, "moving": False})


@requires(Action.MANAGE_EVENTS)
async def order_move(request: Request) -> Response:
    """Give the order to another buyer (a ticket sold on, a name typed wrong)."""
    order = await orders.get_order(request.path_params["code"])
    values = await form_data(request)
    try:
        data = parse(OrderMoveIn, values)
        await manage.move_order(
            order,
            buyer_name=data.buyer_name,
            buyer_email=data.buyer_email,
            language=data.language,
            actor=_actor(request),
            settings=request.app.state.settings,
        )
    except DomainError as error:
        return render_form(
            request,
            "tickets/staff_order.html",
            values=values,
            error=error,
            context={"order": order, "moving": True},
        )
    flash(request, gettext("The order is moved. The new buyer gets the tickets by email."))
    return redirect(f"/staff/orders/{order.code}")


@requires(Action.MANAGE_EVENTS)
@recent_sign_in_required(when=lambda request: request.path_params["action"] in MONEY_ACTIONS)
async def order_action(request: Request) -> Response:
    order = await orders.get_order(request.path_params["code"])
    action = request.path_params["action"]
    form = await request.form()
    chosen = [n for v in form.getlist("ticket_ids") if (n := whole_number(v)) is not None]
    if action in ("refund", "cancel"):
        try:
            data = parse(RefundIn, {"reason": form.get("reason", ""), "tickets": chosen})
        except ValidationFailed:
            flash(request, gettext("Write a reason first: it is kept in the order log."), "error")
            return redirect(f"/staff/orders/{order.code}")
        reason = data.reason
    settings, payments = request.app.state.settings, request.app.state.payments
    try:
        if action == "paid":
            await states.mark_paid_at_door(order, actor=_actor(request), settings=settings)
            flash(request, gettext("Marked as paid."))
        elif action == "refund":
            ticket_ids = data.tickets
            if form.get("scope") == "chosen" and not ticket_ids:
                flash(request, gettext("Choose the tickets to refund first."), "error")
                return redirect(f"/staff/orders/{order.code}")
            if form.get("scope") == "all":
                ticket_ids = []
            await refunds.refund(
                order,
                actor=_actor(request),
                reason=reason,
                settings=settings,
                payments=payments,
                ticket_ids=ticket_ids or None,
            )
            flash(request, gettext("Refunded. The buyer is told by email."))
        elif action == "cancel":
            await refunds.cancel(
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
    Route(
        "/staff/events/{slug:str}/types/new",
        type_new,
        methods=["GET", "POST"],
        name="tickets:type_new",
    ),
    Route(
        "/staff/ticket-types/{id:id}", type_edit, methods=["GET", "POST"], name="tickets:type_edit"
    ),
    Route("/staff/events/{slug:str}/orders", order_list, name="tickets:orders"),
    Route("/staff/events/{slug:str}/orders.csv", order_csv, name="tickets:orders_csv"),
    Route("/staff/orders/{code:str}", order_detail, name="tickets:staff_order"),
    Route("/staff/orders/{code:str}/move", order_move, methods=["POST"], name="tickets:order_move"),
    Route(
        "/staff/orders/{code:str}/{action:str}",
        order_action,
        methods=["POST"],
        name="tickets:order_action",
    ),
]
