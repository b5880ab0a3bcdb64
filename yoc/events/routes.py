"""Public event pages: what is coming up, and each event's page with its tickets and a
few speeches of its Soapbox lineup; its checkout form (review, then place the order)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from yoc.errors import DomainError, TooManyRequests, ValidationFailed
from yoc.events import services as events
from yoc.http import (
    client_ip,
    current_user,
    form_data,
    redirect,
    render,
    render_form,
    render_shared,
)
from yoc.i18n import N_, gettext
from yoc.permissions import Action, can
from yoc.tickets import forms
from yoc.tickets.forms import OrderIn
from yoc.tickets.services import checkout, guard, placing, pricing, types

if TYPE_CHECKING:
    from yoc.events.models import Event

WRONG_CODE = N_("That code does not open any tickets. Check it with your group.")


async def event_list(request: Request) -> Response:
    return render(request, "events/list.html", {"events": await events.upcoming()})


async def page_context(request: Request, event: Event, access_code: str) -> dict:
    """What the event page shows; the checkout form shows it again after a failed post."""
    shown = await events.showcase(event, access_code)
    return {
        "event": event,
        "offers": shown.offers,
        "donated_left": shown.donated_left,
        "access_code": access_code,
        "stripe_enabled": request.app.state.settings.stripe_enabled,
        "sales_open": shown.sales_open,
        # Only on the page as opened: a failed checkout keeps its own messages.
        "errors": {"code": gettext(WRONG_CODE)}
        if shown.code_error and request.method == "GET"
        else {},
        "lineup": shown.lineup,
        "open_shifts": shown.open_shifts,
    }


async def event_page(request: Request) -> Response:
    """Anonymous visitors share one copy per language, at most a couple of seconds old
    (settings.public_page_seconds): a ticket drop does not become a database load."""

    async def build() -> Response:
        event = await events.public_event(request.path_params["slug"])
        code = request.query_params.get("code", "").strip()[:40]
        await _access_code(request, event, code)
        return render(request, "events/event.html", await page_context(request, event, code))

    return await render_shared(request, ("event", request.path_params["slug"]), build)


async def _access_code(request: Request, event: Event, code: str) -> None:
    """Partner codes cannot be guessed: wrong ones are counted per address."""
    state = request.app.state
    await guard.check_access_code(
        state.rate_limiter, state.settings, event, code, ip=client_ip(request)
    )


async def _count_order(request: Request, email: str | None = None) -> None:
    """Orders placed per client address, and (with ``email``) per buyer's email, are
    limited; staff (at the box office) are not."""
    if can(current_user(request), Action.MANAGE_EVENTS):
        return
    state = request.app.state
    if email is None:
        await guard.count_order(state.rate_limiter, state.settings, ip=client_ip(request))
    else:
        await guard.count_order_to(state.rate_limiter, state.settings, email=email)


async def _order_in(request: Request, event: Event, values: dict[str, str]) -> OrderIn:
    type_ids = await types.ids_of(event)
    try:
        return forms.order_from_form(values, type_ids, request.scope["language"])
    except ValidationFailed as refused:
        # Every problem at once: what the order's lines and way to pay would be refused
        # for too, with the buyer's details, not on the next try.
        try:
            await pricing.quote(
                event,
                forms.lines_to_check(values, type_ids),
                stripe_enabled=request.app.state.settings.stripe_enabled,
            )
        except ValidationFailed as more:
            raise ValidationFailed({**more.fields, **refused.fields}) from None
        raise


async def _form_again(request: Request, event: Event, values: dict, error: DomainError):
    context = await page_context(request, event, values.get("access_code", ""))
    return render_form(request, "events/event.html", values=values, error=error, context=context)


async def review(request: Request) -> Response:
    """The buyer sees exactly what they will be charged before confirming."""
    event = await events.public_event(request.path_params["slug"])
    values = await form_data(request)
    settings = request.app.state.settings
    try:
        await _access_code(request, event, values.get("access_code", ""))
        order_request = (await _order_in(request, event, values)).to_request()
        quote = await pricing.quote(event, order_request, stripe_enabled=settings.stripe_enabled)
    except DomainError as error:
        return await _form_again(request, event, values, error)
    hidden = {k: v for k, v in values.items() if k != "csrf_token"}
    return render(
        request,
        "events/review.html",
        {"event": event, "quote": quote, "hidden": hidden, "request_": order_request},
    )


async def place(request: Request) -> Response:
    event = await events.public_event(request.path_params["slug"])
    values = await form_data(request)
    settings = request.app.state.settings
    payments = request.app.state.payments
    try:
        await _count_order(request)
        await _access_code(request, event, values.get("access_code", ""))
        order_request = (await _order_in(request, event, values)).to_request()
        await _count_order(request, order_request.buyer_email)
        order = await placing.place_order(
            event, order_request, settings=settings, payments=payments
        )
        url = await checkout.start(order, settings=settings, payments=payments, placed_now=True)
    except DomainError as error:
        response = await _form_again(request, event, values, error)
        if isinstance(error, TooManyRequests):
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    if url:
        return RedirectResponse(url, status_code=303)
    return redirect(f"/orders/{order.code}/{order.key}")


routes = [
    Route("/events", event_list, name="events:list"),
    Route("/events/{slug:str}", event_page, name="events:event"),
    Route("/events/{slug:str}/review", review, methods=["POST"], name="events:review"),
    Route("/events/{slug:str}/orders", place, methods=["POST"], name="events:place"),
]
