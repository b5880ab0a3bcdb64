"""Public pages: the festival page and checkout (works without JavaScript), the order
page, and each ticket's own page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from yoc import qrcodes as qr
from yoc.errors import DomainError
from yoc.events import services as events
from yoc.events.models import Event
from yoc.forms import parse
from yoc.http import error_page, form_data, redirect, render, render_form, render_shared
from yoc.settings import PROJECT_DIR
from yoc.soapbox.services import public as soapbox_public
from yoc.tickets import forms
from yoc.tickets.enums import OrderStatus, PaymentMethod
from yoc.tickets.models import Ticket, TicketType
from yoc.tickets.services import availability, orders, signing
from yoc.timeutil import utcnow


async def event_list(request: Request) -> Response:
    events = await Event.filter(published=True, ends_at__gte=utcnow()).order_by("starts_at")
    return render(request, "events/list.html", {"events": events})


async def _event_context(request: Request, event: Event, access_code: str) -> dict:
    settings = request.app.state.settings
    return {
        "event": event,
        "offers": await availability.offers(event, access_code),
        "donated_left": availability.donated_available(event),
        "access_code": access_code,
        "stripe_enabled": settings.stripe_enabled,
        "sales_open": orders.in_window(event.sales_start, event.sales_end, utcnow()),
        "code_error": False,
        "lineup": await soapbox_public.teaser(event),
    }


async def event_page(request: Request) -> Response:
    """Anonymous visitors share one copy per language, at most a couple of seconds old
    (settings.public_page_seconds): a ticket drop does not become a database load."""

    async def build() -> Response:
        try:
            event = await events.public_event(request.path_params["slug"])
        except DomainError:
            return error_page(request, 404)
        code = request.query_params.get("code", "").strip()[:40]
        context = await _event_context(request, event, code)
        if code and not any(o.ticket_type.access_code for o in context["offers"]):
            context["code_error"] = True
        return render(request, "events/event.html", context)

    return await render_shared(request, ("event", request.path_params["slug"]), build)


async def _read(request: Request, event: Event, values: dict[str, str]):
    type_ids = await TicketType.filter(event=event).values_list("id", flat=True)
    return forms.order_request(values, list(type_ids), request.scope["language"])


async def review(request: Request) -> Response:
    """The buyer sees exactly what they will be charged before confirming."""
    try:
        event = await events.public_event(request.path_params["slug"])
    except DomainError:
        return error_page(request, 404)
    values = await form_data(request)
    settings = request.app.state.settings
    try:
        order_request = await _read(request, event, values)
        quote = await orders.quote(event, order_request, stripe_enabled=settings.stripe_enabled)
    except DomainError as error:
        context = await _event_context(request, event, values.get("access_code", ""))
        return render_form(
            request, "events/event.html", values=values, error=error, context=context
        )
    hidden = {k: v for k, v in values.items() if k != "csrf_token"}
    return render(
        request,
        "events/review.html",
        {"event": event, "quote": quote, "hidden": hidden, "request_": order_request},
    )


async def place(request: Request) -> Response:
    try:
        event = await events.public_event(request.path_params["slug"])
    except DomainError:
        return error_page(request, 404)
    values = await form_data(request)
    settings = request.app.state.settings
    payments = request.app.state.payments
    try:
        order_request = await _read(request, event, values)
        order = await orders.place_order(event, order_request, settings=settings, payments=payments)
    except DomainError as error:
        context = await _event_context(request, event, values.get("access_code", ""))
        return render_form(
            request, "events/event.html", values=values, error=error, context=context
        )
    page = f"/orders/{order.code}/{order.key}"
    if order.payment == PaymentMethod.STRIPE:
        url = await payments.for_order(order).begin(order)
        return RedirectResponse(url, status_code=303)
    return redirect(page)


async def order_page(request: Request) -> Response:
    try:
        order = await orders.get_order(request.path_params["code"], request.path_params["key"])
    except DomainError:
        return error_page(request, 404)
    checkout = request.query_params.get("checkout")
    payments = request.app.state.payments
    if (
        checkout == "done"
        and order.payment == PaymentMethod.STRIPE
        and order.status in (OrderStatus.PENDING, OrderStatus.EXPIRED)
        and await payments.for_order(order).paid(order)
    ):
        # The webhook is the source of truth; this only saves the buyer a wait.
        await orders.fulfil_payment(
            order, settings=request.app.state.settings, payments=payments, note="success page"
        )
        order = await orders.get_order(order.code, order.key)
    return render(
        request,
        "tickets/order.html",
        {
            "order": order,
            "checkout": checkout,
            "tickets": [t for t in order.tickets if t.status == "valid"],
        },
    )


async def pay_again(request: Request) -> Response:
    """Back to card checkout for a pending order (the same Stripe session)."""
    try:
        order = await orders.get_order(request.path_params["code"], request.path_params["key"])
    except DomainError:
        return error_page(request, 404)
    if order.status != OrderStatus.PENDING or order.payment != PaymentMethod.STRIPE:
        return redirect(f"/orders/{order.code}/{order.key}")
    url = await request.app.state.payments.for_order(order).begin(order)
    return RedirectResponse(url, status_code=303)


async def _ticket(secret: str) -> Ticket | None:
    return await Ticket.get_or_none(secret=secret).select_related(
        "order", "order__event", "ticket_type"
    )


async def ticket_page(request: Request) -> Response:
    """A ticket's own page: QR code and code as text; it keeps working offline once
    opened (a service worker keeps a copy), and can be added to the home screen."""
    ticket = await _ticket(request.path_params["secret"])
    if ticket is None:
        return error_page(request, 404)
    event = ticket.order.event
    code = await signing.code_for(ticket, event)
    response = render(
        request,
        "tickets/ticket.html",
        {"ticket": ticket, "order": ticket.order, "event": event, "qr_svg": qr.svg(code)},
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


async def ticket_manifest(request: Request) -> Response:
    ticket = await _ticket(request.path_params["secret"])
    if ticket is None:
        return error_page(request, 404)
    event = ticket.order.event
    name = event.name_es if request.scope["language"] == "es" else event.name_en
    return JSONResponse(
        {
            "name": name,
            "short_name": "YO-C",
            "start_url": f"/tickets/{ticket.secret}",
            "scope": f"/tickets/{ticket.secret}",
            "display": "standalone",
            "background_color": "#fffdf9",
            "theme_color": "#8a2b06",
            "icons": [{"src": "/static/img/favicon.svg", "sizes": "any", "type": "image/svg+xml"}],
        },
        media_type="application/manifest+json",
    )


async def print_order(request: Request) -> Response:
    """Every ticket of an order, one per page, readable in black and white."""
    try:
        order = await orders.get_order(request.path_params["code"], request.path_params["key"])
    except DomainError:
        return error_page(request, 404)
    tickets = [t for t in order.tickets if t.status == "valid"]
    items = [(t, qr.svg(await signing.code_for(t, order.event))) for t in tickets]
    return render(request, "tickets/print.html", {"order": order, "items": items})


async def service_worker(request: Request) -> Response:
    # Served from the root so that it may keep ticket pages for offline use.
    return FileResponse(
        PROJECT_DIR / "static" / "js" / "sw.js",
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache"},
    )


async def resend(request: Request) -> Response:
    """Send a buyer all their tickets again; the page says the same whether or not the
    email has orders."""
    if request.method == "GET":
        return render(request, "tickets/resend.html", {"sent": False})
    values = await form_data(request)
    try:
        data = parse(forms.ResendForm, values)
    except DomainError as error:
        return render_form(
            request, "tickets/resend.html", values=values, error=error, context={"sent": False}
        )
    await orders.resend_tickets(data.email, settings=request.app.state.settings)
    return render(request, "tickets/resend.html", {"sent": True, "email": data.email})


routes = [
    Route("/events", event_list, name="tickets:events"),
    Route("/events/{slug:str}", event_page, name="tickets:event"),
    Route("/events/{slug:str}/review", review, methods=["POST"], name="tickets:review"),
    Route("/events/{slug:str}/orders", place, methods=["POST"], name="tickets:place"),
    Route("/orders/{code:str}/{key:str}", order_page, name="tickets:order"),
    Route("/orders/{code:str}/{key:str}/pay", pay_again, methods=["POST"], name="tickets:pay"),
    Route("/tickets/resend", resend, methods=["GET", "POST"], name="tickets:resend"),
    Route("/tickets/{secret:str}", ticket_page, name="tickets:ticket"),
    Route("/tickets/{secret:str}/manifest.webmanifest", ticket_manifest, name="tickets:manifest"),
    Route("/orders/{code:str}/{key:str}/print", print_order, name="tickets:print"),
    Route("/sw.js", service_worker, name="tickets:sw"),
]
