"""The door: a scanner page for staff and door volunteers (camera, typed code, an
order's code, or a search by name), the box office (walk-up sales and each person's
shift summary), live counts, and the check-in API."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from yoc.accounts.guards import recent_sign_in_required
from yoc.apidoc import documented
from yoc.errors import DomainError, NotFound, ValidationFailed
from yoc.events import services as events
from yoc.forms import json_object, parse
from yoc.http import (
    api_error,
    client_ip,
    current_user,
    error_page,
    flash,
    form_data,
    login_redirect,
    redirect,
    render,
    render_form,
    render_part,
    requires,
    scope_refused,
    session,
    token_allows,
)
from yoc.i18n import gettext
from yoc.payments.providers import Payments
from yoc.permissions import Action, TokenScope, can
from yoc.qrcodes import svg as qr_svg
from yoc.security import csrf_token
from yoc.tickets.forms import CheckinIn, ScanIn, SyncIn, walk_up_from_form
from yoc.tickets.schemas import CheckinOut
from yoc.tickets.services import (
    availability,
    box_office,
    checkin,
    door,
    door_conflicts,
    guard,
    orders,
    signing,
    states,
)
from yoc.tickets.services.box_office import Seller, Then
from yoc.tickets.services.secrets import random_code
from yoc.volunteers.services import door as shift_door

if TYPE_CHECKING:
    from yoc.events.models import Event

# How often the live counts page fetches fresh numbers.
LIVE_COUNTS_SECONDS = 15


async def door_event(request: Request, slug: str) -> Event | None:
    """The event, if this browser may scan for it (staff; someone signed in whose door
    shift at it is on now; or a volunteer whose access, granted with its door code,
    still holds)."""
    user = current_user(request)
    if can(user, Action.MANAGE_EVENTS):
        try:
            return await events.get_event(slug)
        except NotFound:
            return None
    if user is not None:
        on_shift = await shift_door.door_event(user.id, slug)
        if on_shift is not None:
            return on_shift
    granted = await door.granted_event(session(request).door_grant)
    return granted if granted is not None and granted.slug == slug else None


def _limits(request: Request) -> tuple:
    """The rate limiter, the settings and the client's address: door codes cannot be
    guessed, as wrong ones are counted per address."""
    return request.app.state.rate_limiter, request.app.state.settings, client_ip(request)


async def door_home(request: Request) -> Response:
    """Staff choose an event; volunteers enter the event's door code."""
    user = current_user(request)
    staff = can(user, Action.MANAGE_EVENTS)
    if request.method == "POST":
        values = await form_data(request)
        limiter, settings, ip = _limits(request)
        await guard.before_code(limiter, settings, kind="door", ip=ip)
        event = await door.event_for_code(values.get("door_code", ""))
        if event is None:
            await guard.wrong_code(limiter, settings, kind="door", ip=ip)
            return render(
                request,
                "tickets/door_home.html",
                {
                    "events": [],
                    "staff": staff,
                    "errors": {
                        "door_code": gettext(
                            "That door code does not work. "
                            "Ask the staff at the gate for today's code."
                        )
                    },
                    "values": values,
                },
                status_code=400,
            )
        name = " ".join(values.get("volunteer_name", "").split())[:80]
        session(request).door_grant = await door.grant(event, timezone=settings.timezone, name=name)
        session(request).dirty = True
        return redirect(f"/door/{event.slug}")
    if staff:
        choices = await events.all_events()
    elif user is not None:
        # Whoever works a door shift now finds its event here, without a code.
        choices = await shift_door.door_events_now(user.id)
    else:
        choices = []
    return render(request, "tickets/door_home.html", {"events": choices, "staff": staff})


def _gate(request: Request) -> str:
    """The gate this phone scans at, as stored ("" for the main gate)."""
    return checkin.gate_key(request.query_params.get("gate", request.cookies.get("yoc_gate", "")))


async def scanner(request: Request) -> Response:
    event = await door_event(request, request.path_params["slug"])
    if event is None:
        if current_user(request) is not None:
            return error_page(request, 403)
        if await door.granted_event(session(request).door_grant) is None:
            # Never let in, or the day is over, or staff made a new code: ask for it.
            session(request).door_grant = None
            session(request).dirty = True
            return redirect("/door")
        return error_page(request, 404)
    q = request.query_params.get("q", "").strip()[:80]
    settings = request.app.state.settings
    seller = await door_seller(request, event.slug)
    shift = await box_office.shift_summary(event, seller=seller[1].key) if seller else []
    typed_order = request.query_params.get("order", "")[:40]
    code = box_office.order_code_in(typed_order) if typed_order else None
    context = {
        "event": event,
        "gate": _gate(request),
        "q": q,
        "found": await checkin.search(event, q) if q else [],
        "public_key": await signing.public_key(event),
        "token": csrf_token(settings.secret_key, session(request).ensure_key()),
        "result": None,
        "shift": shift,
        **await _order_lookup(event, code),
    }
    # Nothing typed, searched or said only once: the page the door's service worker may
    # keep, to open the scanner again without signal (static/js/door-sw.js).
    shell = not q and not typed_order and not session(request).flashes
    context["keep"] = shell
    response = render(request, "tickets/scanner.html", context)
    if shell:
        response.headers["X-Door-Shell"] = "1"
    return response


async def _order_lookup(event: Event, code: str | None) -> dict:
    """An order typed by its code at the scanner: its tickets to let in (by id, never
    their secrets), and what to collect if it is to be paid at the door."""
    if code is None:
        return {}
    order = await box_office.order_at_door(event, code)
    if order is None:
        return {"order_code": code, "order_found": None}
    return {
        "order_code": code,
        "order_found": order,
        "order_tickets": list(order.tickets),
        "order_collect": box_office.to_collect(order),
    }


async def scan(request: Request) -> Response:
    """A scan from the page: JSON for the scanner script, a page without JavaScript."""
    event = await door_event(request, request.path_params["slug"])
    if event is None:
        return error_page(request, 403)
    wants_json = "application/json" in request.headers.get("accept", "")
    if request.headers.get("content-type", "").startswith("application/json"):
        values = await json_object(request)
    else:
        values = await form_data(request)
    data = parse(ScanIn, values)
    gate = checkin.gate_key(data.gate)
    code = box_office.order_code_in(data.code) if data.ticket_id is None else None
    if code is not None:
        # An order's code, typed: list its tickets to let in, on the scanner page.
        where = f"/door/{event.slug}?{urlencode({'order': code, 'gate': gate})}"
        if wants_json:
            return JSONResponse({"result": "order", "order": code, "location": where})
        return redirect(where)
    if data.ticket_id is not None:
        # A result of the name search: the ticket is named by its id, not its secret.
        outcome = await checkin.check_in_ticket(
            event=event, ticket_id=data.ticket_id, gate=gate, scan_id=data.scan_id
        )
    else:
        outcome = await checkin.check_in(
            event=event, code=data.code, gate=gate, scan_id=data.scan_id
        )
    if wants_json:
        return JSONResponse(outcome.as_dict())
    settings = request.app.state.settings
    response = render(
        request,
        "tickets/scanner.html",
        {
            "event": event,
            "gate": gate,
            "q": "",
            "found": [],
            "result": outcome,
            "public_key": await signing.public_key(event),
            "token": csrf_token(settings.secret_key, session(request).ensure_key()),
        },
    )
    response.set_cookie(
        "yoc_gate", gate, max_age=86400, samesite="lax", httponly=True, secure=settings.https
    )
    return response


async def sync(request: Request) -> Response:
    """Scans made while offline, sent when the network is back: results per scan."""
    event = await door_event(request, request.path_params["slug"])
    shift_ended = None
    user = current_user(request)
    if event is None and user is not None:
        # A door shift that just ended: the scans made offline before its end still count.
        ended = await shift_door.ended_door_shift(user.id, request.path_params["slug"])
        if ended is not None:
            event, shift_ended = ended
    if event is None:
        return api_error(403, "forbidden", gettext("Your account cannot do this."))
    data = parse(SyncIn, await json_object(request))
    results = []
    for scan in data.scans[:500]:
        if shift_ended is not None and (scan.scanned_at is None or scan.scanned_at > shift_ended):
            results.append({"scan_id": scan.scan_id, "result": "invalid", "reason": "shift_ended"})
            continue
        outcome = await checkin.check_in(
            event=event,
            code=scan.code,
            gate=scan.gate,
            scan_id=scan.scan_id,
            scanned_at=scan.scanned_at,
        )
        results.append({"scan_id": scan.scan_id, **outcome.as_dict()})
    return JSONResponse({"results": results})


async def collect(request: Request) -> Response:
    """A pay-at-the-door order: the volunteer took the money."""
    event = await door_event(request, request.path_params["slug"])
    if event is None:
        return error_page(request, 403)
    order = await orders.get_order(request.path_params["code"])
    if order.event_id != event.id:
        return error_page(request, 404)
    try:
        actor = current_user(request)
        label = f"{actor.name} <{actor.email}>" if actor else f"door volunteer ({event.slug})"
        await states.mark_paid_at_door(order, actor=label, settings=request.app.state.settings)
    except DomainError as error:
        flash(request, error.translated(), "error")
        return redirect(f"/door/{event.slug}")
    flash(request, gettext("Paid. Now scan the tickets again to let them in."))
    return redirect(f"/door/{event.slug}")


@requires(Action.MANAGE_EVENTS)
async def live_counts(request: Request) -> Response:
    """Checked in and sold; the page's script fetches ``live_counts_part`` to keep the
    numbers fresh in place (no reload: a screen reader would start the page over)."""
    event = await events.get_event(request.path_params["slug"])
    return render(
        request,
        "tickets/door_counts.html",
        {**await _live(request, event), "every": LIVE_COUNTS_SECONDS},
    )


async def _live(request: Request, event: Event) -> dict:
    """What the live counts show: the numbers, and the tickets let in twice that nobody
    has acknowledged yet (each with a button, hence the page's CSRF token)."""
    settings = request.app.state.settings
    return {
        "event": event,
        "counts": await checkin.counts(event),
        "conflicts": await door_conflicts.open_conflicts(event),
        "token": csrf_token(settings.secret_key, session(request).ensure_key()),
    }


@requires(Action.MANAGE_EVENTS)
async def live_counts_part(request: Request) -> Response:
    """The numbers of the live counts page alone, for its script."""
    event = await events.get_event(request.path_params["slug"])
    return render_part(
        request,
        "tickets/_door_counts.html",
        await _live(request, event),
        headers={"Cache-Control": "no-store"},
    )


@recent_sign_in_required(when=lambda request: can(current_user(request), Action.MANAGE_EVENTS))
async def door_code(request: Request) -> Response:
    """Staff make a new door code for an event (the old one stops working)."""
    user = current_user(request)
    if user is None:
        return login_redirect(request)
    if not can(user, Action.MANAGE_EVENTS):
        return error_page(request, 403)
    code = await door.new_code(request.path_params["slug"])
    flash(
        request, gettext("New door code: %(code)s. Give it only to today's volunteers.", code=code)
    )
    return redirect(f"/staff/events/{request.path_params['slug']}")


@documented(
    "Check a ticket in at an event's door (a staff token, or the event's door code sent as "
    "the token 'door_<code>'); the same scan_id always gets the same answer",
    CheckinOut,
    body=CheckinIn,
    errors=(403, 404, 422, 429),
    status="200",
)
async def api_checkin(request: Request) -> Response:
    """POST /api/v1/checkin {"secret", "event", "gate", "scan_id"?, "scanned_at"?}."""
    user = current_user(request)
    door_code = request.scope.get("door_code")
    if user is None and not door_code:
        return api_error(
            401,
            "unauthenticated",
            gettext("Send an API token: Authorization: Bearer <token>."),
            headers={"WWW-Authenticate": "Bearer"},
        )
    if user is not None and not token_allows(request, TokenScope.CHECKIN):
        return scope_refused()
    staff = can(user, Action.MANAGE_EVENTS)
    # The credential is checked before the body is read: a caller who may not check
    # anybody in costs no parsing.
    opened = None
    if not staff:
        if door_code is None:
            return api_error(403, "forbidden", gettext("Your account cannot do this."))
        limiter, settings, ip = _limits(request)
        await guard.before_code(limiter, settings, kind="door", ip=ip)
        opened = await door.event_for_code(door_code)
        if opened is None:
            await guard.wrong_code(limiter, settings, kind="door", ip=ip)
            return api_error(403, "forbidden", gettext("Your account cannot do this."))
    data = parse(CheckinIn, await json_object(request))
    if opened is not None:
        if data.event != opened.slug:
            # A door code opens its own event only.
            await guard.wrong_code(limiter, settings, kind="door", ip=ip)
            return api_error(403, "forbidden", gettext("Your account cannot do this."))
        event = opened
    else:
        try:
            event = await events.get_event(data.event)
        except NotFound:
            return api_error(404, "not_found", gettext("Not found."))
    outcome = await checkin.check_in(
        event=event,
        code=data.secret,
        gate=data.gate,
        scan_id=data.scan_id,
        scanned_at=data.scanned_at,
    )
    return JSONResponse(outcome.as_dict())


# The box office -------------------------------------------------------------------------


async def door_seller(request: Request, slug: str) -> tuple[Event, Seller] | None:
    """The event and who sells at its door from this browser: staff, or a volunteer
    whose access (granted with the door code) still holds; None for anybody else."""
    user = current_user(request)
    if can(user, Action.MANAGE_EVENTS):
        try:
            return await events.get_event(slug), Seller.staff(user)
        except NotFound:
            return None
    if user is not None:
        on_shift = await shift_door.door_event(user.id, slug)
        if on_shift is not None:
            return on_shift, Seller.on_shift(user)
    grant = await door.current_grant(session(request).door_grant)
    if grant is None or grant.event.slug != slug:
        return None
    return grant.event, Seller.volunteer(grant)


async def _not_at_door(request: Request) -> Response:
    """Refused at the box office: as the scanner refuses (a volunteer whose access ended
    is asked for the door code again)."""
    if current_user(request) is not None:
        return error_page(request, 403)
    if await door.granted_event(session(request).door_grant) is None:
        session(request).door_grant = None
        session(request).dirty = True
        return redirect("/door")
    return error_page(request, 404)


async def _sale_form(
    request: Request,
    event: Event,
    gate: str,
    *,
    values: dict | None = None,
    error: DomainError | None = None,
) -> Response:
    offers = await availability.offers(event)  # active, without a partner code
    context = {"event": event, "gate": gate, "offers": offers, "sale_key": random_code(24)}
    if error is not None:
        return render_form(
            request, "tickets/walk_up.html", values=values or {}, error=error, context=context
        )
    return render(request, "tickets/walk_up.html", {**context, "values": values or {}})


async def walk_up(request: Request) -> Response:
    """Sell tickets at the door: the form, and the sale (paid there in cash or by card)."""
    found = await door_seller(request, request.path_params["slug"])
    if found is None:
        return await _not_at_door(request)
    event, seller = found
    if request.method == "GET":
        gate = _gate(request) or gettext("Main gate")
        return await _sale_form(request, event, gate, values={"language": _language(request)})
    values = await form_data(request)
    gate = checkin.gate_key(str(values.get("gate") or ""))
    settings = request.app.state.settings
    try:
        data = walk_up_from_form(values)
        order = await box_office.sell(
            event,
            data.to_sale(),
            seller=seller,
            gate=gate,
            settings=settings,
            payments=Payments.from_settings(settings),
            sale_key=data.sale_key,
        )
    except ValidationFailed as error:
        # The quote names fields after the checkout form's lines: here there is one line.
        fields = {_door_field(k): v for k, v in error.fields.items()}
        failed = ValidationFailed(fields, error.code)
        return await _sale_form(request, event, gate, values=values, error=failed)
    except DomainError as error:
        return await _sale_form(request, event, gate, values=values, error=error)
    query = urlencode({"then": data.then.value, "gate": gate})
    return redirect(f"/door/{event.slug}/sold/{order.code}?{query}")


_LINE_FIELD = re.compile(r"(price|qty)_[0-9]+")


def _door_field(name: str) -> str:
    """A field of the checkout form's lines, as the door's form of one line names it."""
    found = _LINE_FIELD.fullmatch(name)
    if found is None:
        return name
    return "price" if found.group(1) == "price" else "quantity"


def _language(request: Request) -> str:
    return request.scope.get("language", "en")


async def sold(request: Request) -> Response:
    """A walk-up sale just made: let in, or its QR codes to show, or sent by email. Only
    the person who sold it sees it."""
    found = await door_seller(request, request.path_params["slug"])
    if found is None:
        return await _not_at_door(request)
    event, seller = found
    order = await box_office.sold_by(event, request.path_params["code"][:16], seller)
    if order is None:
        return error_page(request, 404)
    then = request.query_params.get("then", Then.ADMIT.value)
    then = then if then in {t.value for t in Then} else Then.ADMIT.value
    tickets = list(order.tickets)
    codes = []
    if then == Then.SHOW.value:
        codes = [(t, qr_svg(await signing.code_for(t, event))) for t in tickets]
    return render(
        request,
        "tickets/walk_up_sold.html",
        {
            "event": event,
            "order": order,
            "tickets": tickets,
            "codes": codes,
            "then": then,
            "gate": request.query_params.get("gate", "")[:40] or order.sold_gate,
        },
    )


async def my_summary(request: Request) -> Response:
    """The volunteer's (or staff member's) own walk-up sales at this event, per gate."""
    found = await door_seller(request, request.path_params["slug"])
    if found is None:
        return await _not_at_door(request)
    event, seller = found
    lines = await box_office.shift_summary(event, seller=seller.key)
    return render(
        request,
        "tickets/shift_summary.html",
        {"event": event, "lines": lines, "own": True, "gate": _gate(request)},
    )


async def staff_summary(request: Request) -> Response:
    """Staff: every gate's and every seller's walk-up sales at the event."""
    user = current_user(request)
    if user is None:
        return login_redirect(request)
    if not can(user, Action.MANAGE_EVENTS):
        return error_page(request, 403)
    event = await events.get_event(request.path_params["slug"])
    lines = await box_office.shift_summary(event)
    return render(
        request, "tickets/shift_summary.html", {"event": event, "lines": lines, "own": False}
    )


routes = [
    Route("/door", door_home, methods=["GET", "POST"], name="door:home"),
    Route("/door/{slug:str}", scanner, name="door:scanner"),
    Route("/door/{slug:str}/scan", scan, methods=["POST"], name="door:scan"),
    Route("/door/{slug:str}/sync", sync, methods=["POST"], name="door:sync"),
    Route("/door/{slug:str}/collect/{code:str}", collect, methods=["POST"], name="door:collect"),
    Route("/door/{slug:str}/counts", live_counts, name="door:counts"),
    Route("/door/{slug:str}/counts/live", live_counts_part, name="door:counts_live"),
    Route("/door/{slug:str}/sell", walk_up, methods=["GET", "POST"], name="door:sell"),
    Route("/door/{slug:str}/sold/{code:str}", sold, name="door:sold"),
    Route("/door/{slug:str}/summary", my_summary, name="door:summary"),
    Route("/staff/events/{slug:str}/box-office", staff_summary, name="door:box_office"),
    Route("/staff/events/{slug:str}/door-code", door_code, methods=["POST"], name="door:new_code"),
    Route("/api/v1/checkin", api_checkin, methods=["POST"], name="api:checkin"),
]
