"""Public pages: checkout from the festival page (works without JavaScript), the order
page, and each ticket's own page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from yoc import qrcodes
from yoc.errors import DomainError, NotFound
from yoc.forms import parse, whole_number
from yoc.http import flash, form_data, limit_mail, redirect, render, render_form
from yoc.i18n import gettext
from yoc.settings import PROJECT_DIR
from yoc.tickets import forms
from yoc.tickets.services import (
    calendar,
    checkout,
    manage,
    notify,
    orders,
    receipts,
    signing,
)


async def _order_context(request: Request, order) -> dict:
    return {
        "order": order,
        "tickets": [t for t in order.tickets if t.status == "valid"],
        "receipt": await receipts.receipt(
            order, request.app.state.settings, items=list(order.items)
        ),
        "renaming": None,
    }


async def order_page(request: Request) -> Response:
    order = await orders.get_order(request.path_params["code"], request.path_params["key"])
    returned = request.query_params.get("checkout")
    if returned == "done" and await checkout.confirm_on_return(
        order, settings=request.app.state.settings, payments=request.app.state.payments
    ):
        order = await orders.get_order(order.code, order.key)
    context = await _order_context(request, order)
    return render(request, "tickets/order.html", {**context, "checkout": returned})


async def rename_ticket(request: Request) -> Response:
    """The buyer puts the name of who will use a ticket on it."""
    order = await orders.get_order(request.path_params["code"], request.path_params["key"])
    values = await form_data(request)
    ticket_id = whole_number(request.path_params["ticket"])
    try:
        data = parse(forms.TicketNameIn, values)
        await manage.rename_ticket(order, ticket_id or 0, data.holder_name, actor="buyer")
    except NotFound:
        raise
    except DomainError as error:
        context = await _order_context(request, order)
        return render_form(
            request,
            "tickets/order.html",
            values=values,
            error=error,
            context={**context, "renaming": ticket_id},
        )
    flash(request, gettext("The name on the ticket is changed."))
    return redirect(f"/orders/{order.code}/{order.key}")


async def ticket_calendar(request: Request) -> Response:
    """The event of a ticket, to add to a calendar."""
    ticket = await orders.get_ticket(request.path_params["secret"])
    settings = request.app.state.settings
    body = calendar.event_ics(
        ticket.order.event,
        timezone=settings.timezone,
        language=request.scope["language"],
        link=f"{settings.base_url}/tickets/{ticket.secret}",
    )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{ticket.order.event.slug}.ics"',
            "Cache-Control": "private, no-cache",
        },
    )


async def pay_again(request: Request) -> Response:
    """Back to card checkout for a pending order (the same Stripe session)."""
    order = await orders.get_order(request.path_params["code"], request.path_params["key"])
    url = await checkout.start(
        order, settings=request.app.state.settings, payments=request.app.state.payments
    )
    if url is None:
        return redirect(f"/orders/{order.code}/{order.key}")
    return RedirectResponse(url, status_code=303)


async def ticket_page(request: Request) -> Response:
    """A ticket's own page: QR code and code as text; it keeps working offline once
    opened (a service worker keeps a copy), and can be added to the home screen."""
    ticket = await orders.get_ticket(request.path_params["secret"])
    event = ticket.order.event
    code = await signing.code_for(ticket, event)
    response = render(
        request,
        "tickets/ticket.html",
        {"ticket": ticket, "order": ticket.order, "event": event, "qr_svg": qrcodes.svg(code)},
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


async def ticket_manifest(request: Request) -> Response:
    ticket = await orders.get_ticket(request.path_params["secret"])
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
    order = await orders.get_order(request.path_params["code"], request.path_params["key"])
    tickets = [t for t in order.tickets if t.status == "valid"]
    items = [(t, qrcodes.svg(await signing.code_for(t, order.event))) for t in tickets]
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
        await limit_mail(request, "resend", data.email)
    except DomainError as error:
        return render_form(
            request, "tickets/resend.html", values=values, error=error, context={"sent": False}
        )
    await notify.resend_tickets(data.email, settings=request.app.state.settings)
    return render(request, "tickets/resend.html", {"sent": True, "email": data.email})


routes = [
    Route("/orders/{code:str}/{key:str}", order_page, name="tickets:order"),
    Route("/orders/{code:str}/{key:str}/pay", pay_again, methods=["POST"], name="tickets:pay"),
    Route(
        "/orders/{code:str}/{key:str}/tickets/{ticket:str}/name",
        rename_ticket,
        methods=["POST"],
        name="tickets:rename",
    ),
    Route("/tickets/resend", resend, methods=["GET", "POST"], name="tickets:resend"),
    Route("/tickets/{secret:str}", ticket_page, name="tickets:ticket"),
    Route("/tickets/{secret:str}/event.ics", ticket_calendar, name="tickets:calendar"),
    Route("/tickets/{secret:str}/manifest.webmanifest", ticket_manifest, name="tickets:manifest"),
    Route("/orders/{code:str}/{key:str}/print", print_order, name="tickets:print"),
    Route("/sw.js", service_worker, name="tickets:sw"),
]
