"""Waiting lists: joining one from a sold-out event page, the offer's page (order the
seats it holds, or read that it ended), leaving, and the staff's view of the lists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from yoc.errors import DomainError, TooManyRequests, ValidationFailed
from yoc.events import services as events
from yoc.forms import parse, whole_number
from yoc.http import (
    client_ip,
    current_user,
    flash,
    form_data,
    redirect,
    render,
    render_form,
    requires,
)
from yoc.i18n import gettext
from yoc.permissions import Action, can
from yoc.tickets import forms
from yoc.tickets.enums import WaitState
from yoc.tickets.services import checkout, guard, placing, waitlist

if TYPE_CHECKING:
    from yoc.tickets.models import WaitlistEntry


async def _limit(request: Request, email: str | None = None) -> None:
    """Joining is limited as placing orders is (per client address, per email)."""
    if can(current_user(request), Action.MANAGE_EVENTS):
        return
    state = request.app.state
    if email is None:
        await guard.count_order(state.rate_limiter, state.settings, ip=client_ip(request))
    else:
        await guard.count_order_to(state.rate_limiter, state.settings, email=email)


async def join(request: Request) -> Response:
    event = await events.public_event(request.path_params["slug"])
    ticket_type = await waitlist.open_type(whole_number(request.path_params["type"]) or 0, event)
    context = {
        "event": event,
        "ticket_type": ticket_type,
        "sold_out": waitlist.sold_out(event, ticket_type),
        "joined": False,
    }
    if request.method == "GET":
        return render(request, "tickets/waitlist_join.html", context)
    values = await form_data(request)
    try:
        await _limit(request)
        data = parse(
            forms.WaitlistJoinIn,
            {**values, "language": values.get("language") or request.scope["language"]},
        )
        await _limit(request, data.email)
        await waitlist.join(
            event,
            ticket_type,
            name=data.name,
            email=data.email,
            language=data.language,
            quantity=data.quantity,
            settings=request.app.state.settings,
        )
    except DomainError as error:
        context["sold_out"] = waitlist.sold_out(event, ticket_type)
        response = render_form(
            request, "tickets/waitlist_join.html", values=values, error=error, context=context
        )
        if isinstance(error, TooManyRequests):
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    # The same page whether or not the email was on the list already.
    return render(
        request, "tickets/waitlist_join.html", {**context, "joined": True, "email": data.email}
    )


async def _offer_context(request: Request, entry: WaitlistEntry) -> dict:
    ahead = await waitlist.ahead_of(entry)
    return {
        "entry": entry,
        "event": entry.event,
        "ticket_type": entry.ticket_type,
        "open": waitlist.offer_open(entry),
        "ahead": ahead,
        "stripe_enabled": request.app.state.settings.stripe_enabled,
    }


async def offer(request: Request) -> Response:
    """The link in the offer's email: order the seats it holds, while it lasts."""
    entry = await waitlist.get_entry(request.path_params["key"])
    context = await _offer_context(request, entry)
    if request.method == "GET":
        values = {"buyer_name": entry.name, "buyer_email": entry.email}
        ended = entry.state in (WaitState.OFFERED, WaitState.EXPIRED) and not context["open"]
        status = 410 if ended else 200
        return render(request, "tickets/waitlist_offer.html", {**context, "values": values}, status)
    values = await form_data(request)
    settings, payments = request.app.state.settings, request.app.state.payments
    try:
        if not context["open"]:
            raise waitlist.OfferGone()
        order_in = forms.order_from_form(values, [entry.ticket_type_id], request.scope["language"])
        order_request = order_in.to_request()
        order_request.access_code = entry.ticket_type.access_code
        if sum(line.quantity for line in order_request.lines) > entry.quantity:
            raise ValidationFailed({f"qty_{entry.ticket_type_id}": waitlist.TOO_MANY_FOR_OFFER})
        order = await placing.place_order(
            entry.event, order_request, settings=settings, payments=payments, offer=entry
        )
        url = await checkout.start(order, settings=settings, payments=payments, placed_now=True)
    except DomainError as error:
        entry = await waitlist.get_entry(entry.key)
        context = await _offer_context(request, entry)
        if isinstance(error, waitlist.OfferGone):
            # The page says what became of the place (ended, bought, left).
            status = 410 if entry.state in (WaitState.OFFERED, WaitState.EXPIRED) else 200
            return render(request, "tickets/waitlist_offer.html", context, status)
        return render_form(
            request, "tickets/waitlist_offer.html", values=values, error=error, context=context
        )
    if url:
        return RedirectResponse(url, status_code=303)
    return redirect(f"/orders/{order.code}/{order.key}")


async def leave(request: Request) -> Response:
    """Leave the waiting list (a button, so that a mail scanner opening the link does
    not take anyone off the list)."""
    entry = await waitlist.get_entry(request.path_params["key"])
    left = False
    if request.method == "POST":
        left = await waitlist.leave(entry, actor=entry.email)
        entry = await waitlist.get_entry(entry.key)
    return render(
        request,
        "tickets/waitlist_leave.html",
        {"entry": entry, "event": entry.event, "ticket_type": entry.ticket_type, "left": left},
    )


@requires(Action.MANAGE_EVENTS)
async def staff_list(request: Request) -> Response:
    event = await events.get_event(request.path_params["slug"])
    return render(
        request,
        "tickets/staff_waitlist.html",
        {"event": event, "lists": await waitlist.lists(event)},
    )


@requires(Action.MANAGE_EVENTS)
async def staff_remove(request: Request) -> Response:
    entry = await waitlist.get_by_id(whole_number(request.path_params["id"]) or 0)
    user = current_user(request)
    if await waitlist.leave(entry, actor=f"{user.name} <{user.email}>"):
        flash(request, gettext("Removed from the waiting list."))
    return redirect(f"/staff/events/{entry.event.slug}/waitlist")


routes = [
    Route(
        "/events/{slug:str}/waitlist/{type:str}",
        join,
        methods=["GET", "POST"],
        name="tickets:waitlist_join",
    ),
    Route("/waitlist/{key:str}", offer, methods=["GET", "POST"], name="tickets:waitlist_offer"),
    Route(
        "/waitlist/{key:str}/leave",
        leave,
        methods=["GET", "POST"],
        name="tickets:waitlist_leave",
    ),
    Route("/staff/events/{slug:str}/waitlist", staff_list, name="tickets:waitlist_staff"),
    Route(
        "/staff/waitlist/{id:str}/remove",
        staff_remove,
        methods=["POST"],
        name="tickets:waitlist_remove",
    ),
]
