"""Signing up for shifts: members and mentors from their dashboard's shifts page, and
adults without an account from the public event page (with an emailed link to cancel)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc.errors import DomainError, NotFound, TooManyRequests
from yoc.events import services as events
from yoc.forms import parse
from yoc.http import (
    current_user,
    flash,
    form_data,
    limit_mail,
    login_required,
    redirect,
    render,
    render_form,
)
from yoc.i18n import gettext
from yoc.timeutil import utcnow
from yoc.volunteers.forms import GuestSignupIn
from yoc.volunteers.services import rosters, shifts, signups
from yoc.volunteers.services.signups import Guest


@login_required
async def my_shifts(request: Request) -> Response:
    user = current_user(request)
    return render(
        request,
        "volunteers/my_shifts.html",
        {
            "mine": await rosters.upcoming_for(user),
            "offers": await rosters.open_for_signup(await events.upcoming()),
        },
    )


@login_required
async def sign_up(request: Request) -> Response:
    user = current_user(request)
    shift = await shifts.get_shift(request.path_params["id"])
    if not shift.event.published:
        raise NotFound(shifts.NOT_FOUND, "not_found")
    try:
        await signups.sign_up_member(shift, user, settings=request.app.state.settings)
    except DomainError as error:
        flash(request, error.translated(), "error")
        return redirect("/me/shifts")
    flash(request, gettext("You are on the shift. We sent the details to your email."))
    return redirect("/me/shifts")


@login_required
async def cancel_mine(request: Request) -> Response:
    try:
        await signups.cancel_own(current_user(request), request.path_params["id"])
    except DomainError as error:
        flash(request, error.translated(), "error")
        return redirect("/me/shifts")
    flash(request, gettext("You are off the shift. Thank you for telling us."))
    return redirect("/me/shifts")


async def _public_context(slug: str) -> dict:
    event = await events.public_event(slug)
    found = await rosters.open_for_signup([event])
    return {"event": event, "shifts": found[0][1] if found else [], "done": False}


async def volunteer(request: Request) -> Response:
    """The public sign-up form of an event's shifts, for adults without an account."""
    context = await _public_context(request.path_params["slug"])
    if request.method == "GET":
        return render(request, "volunteers/volunteer.html", context)
    values = await form_data(request)
    try:
        data = parse(
            GuestSignupIn,
            {**values, "language": values.get("language") or request.scope["language"]},
        )
        shift = next((s for s in context["shifts"] if s.id == data.shift), None)
        if shift is None:
            raise NotFound(shifts.NOT_FOUND, "not_found")
        shift.event = context["event"]
        await limit_mail(request, "volunteer", data.email)
        await signups.sign_up_guest(
            shift,
            Guest(name=data.name, email=data.email, phone=data.phone, language=data.language),
            settings=request.app.state.settings,
        )
    except DomainError as error:
        context = await _public_context(request.path_params["slug"])
        response = render_form(
            request, "volunteers/volunteer.html", values=values, error=error, context=context
        )
        if isinstance(error, TooManyRequests):
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    return render(
        request, "volunteers/volunteer.html", {**context, "done": True, "email": data.email}
    )


async def cancel_link(request: Request) -> Response:
    """The emailed link: a button to cancel (a mail scanner opening it cancels nothing)."""
    token = request.path_params["token"]
    settings = request.app.state.settings
    try:
        signup = await signups.from_token(token, settings)
    except NotFound:
        return render(request, "volunteers/cancel.html", {"signup": None}, status_code=404)
    started = signup.shift.starts_at <= utcnow()
    cancelled = False
    if request.method == "POST" and not started:
        cancelled = await signups.cancel(signup)
    return render(
        request,
        "volunteers/cancel.html",
        {"signup": signup, "token": token, "started": started, "cancelled": cancelled},
    )


routes = [
    Route("/me/shifts", my_shifts, name="volunteers:mine"),
    Route("/me/shifts/{id:id}", sign_up, methods=["POST"], name="volunteers:sign_up"),
    Route("/me/shifts/{id:id}/cancel", cancel_mine, methods=["POST"], name="volunteers:cancel"),
    Route(
        "/events/{slug:str}/volunteer",
        volunteer,
        methods=["GET", "POST"],
        name="volunteers:public",
    ),
    Route(
        "/volunteer/cancel/{token:str}",
        cancel_link,
        methods=["GET", "POST"],
        name="volunteers:cancel_link",
    ),
]
