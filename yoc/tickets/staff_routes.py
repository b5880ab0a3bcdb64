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
    Confirmation,
    confirm_first,
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
from yoc.i18n import format_money, gettext, ngettext
from yoc.members.services.privacy import to_csv
from yoc.permissions import Action
from yoc.tickets.enums import OrderStatus, PaymentMethod
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


async def _sent(request: Request) -> tuple[str, list[int], str]:
    """The money form's reason, chosen tickets and scope, from a post or a link."""
    sent = request.query_params if request.method == "GET" else await request.form()
    chosen = [n for v in sent.getlist("ticket_ids") if (n := whole_number(str(v))) is not None]
    return str(sent.get("reason", "")), chosen, str(sent.get("scope", ""))


async def _giving_money_back(request: Request, values: dict[str, str]) -> Confirmation | Response:
    """What a refund or a cancellation will do, before staff confirm it."""
    order = await orders.get_order(request.path_params["code"])
    back = f"/staff/orders/{order.code}"
    reason, chosen, scope = await _sent(request)
    try:
        reason = parse(RefundIn, {"reason": reason, "tickets": chosen}).reason
    except ValidationFailed:
        flash(request, gettext("Write a reason first: it is kept in the order log."), "error")
        return redirect(back)
    refunding = request.path_params["action"] == "refund" or (
        order.status == OrderStatus.PAID and order.total_cents
    )
    lines: list[str] = []
    try:
        if refunding:
            if request.path_params["action"] == "refund" and scope == "chosen" and not chosen:
                flash(request, gettext("Choose the tickets to refund first."), "error")
                return redirect(back)
            planned = await refunds.plan(order, [] if scope == "all" else chosen)
            amount = format_money(planned.amount_cents)
            lines.append(
                ngettext(
                    "%(num)d ticket stops working at the door.",
                    "%(num)d tickets stop working at the door.",
                    len(planned.tickets),
                )
            )
            if planned.amount_cents and order.payment == PaymentMethod.STRIPE:
                lines.append(
                    gettext(
                        "%(amount)s goes back to the card %(name)s paid with.",
                        amount=amount,
                        name=order.buyer_name,
                    )
                )
            elif planned.amount_cents:
                lines.append(
                    gettext(
                        "%(amount)s was paid at the door: give it back to %(name)s in person.",
                        amount=amount,
                        name=order.buyer_name,
                    )
                )
        elif order.status in (OrderStatus.PENDING, OrderStatus.PAID):
            lines.append(gettext("Its tickets stop working, and their seats go back on sale."))
        else:
            flash(request, gettext("This order cannot change that way."), "error")
            return redirect(back)
    except DomainError as error:
        flash(request, error.translated(), "error")
        return redirect(back)
    lines += [
        gettext("%(name)s is told by email.", name=order.buyer_name),
        gettext("This cannot be undone."),
    ]
    if request.path_params["action"] == "cancel":
        title = gettext("Cancel order %(code)s?", code=order.code)
        button = gettext("Cancel the order")
    elif planned.whole:
        title = gettext("Refund the whole order %(code)s?", code=order.code)
        button = gettext("Refund %(amount)s", amount=amount)
    else:
        title = ngettext(
            "Refund %(num)d ticket of order %(code)s?",
            "Refund %(num)d tickets of order %(code)s?",
            len(planned.tickets),
            code=order.code,
        )
        button = gettext("Refund %(amount)s", amount=amount)
    return Confirmation(
        title=title,
        consequences=lines,
        button=button,
        cancel_url=back,
        details=[(gettext("Buyer"), order.buyer_name), (gettext("Reason"), reason)],
    )


@requires(Action.MANAGE_EVENTS)
@confirm_first(
    _giving_money_back, needed=lambda request, _: request.path_params["action"] in MONEY_ACTIONS
)
@recent_sign_in_required(when=lambda request: request.path_params["action"] in MONEY_ACTIONS)
async def order_action(request: Request) -> Response:
    order = await orders.get_order(request.path_params["code"])
    action = request.path_params["action"]
    reason, chosen, scope = await _sent(request)
    if action in MONEY_ACTIONS:
        try:
            data = parse(RefundIn, {"reason": reason, "tickets": chosen})
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
            if scope == "chosen" and not ticket_ids:
                flash(request, gettext("Choose the tickets to refund first."), "error")
                return redirect(f"/staff/orders/{order.code}")
            if scope == "all":
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
        methods=["GET", "POST"],
        name="tickets:order_action",
    ),
]
