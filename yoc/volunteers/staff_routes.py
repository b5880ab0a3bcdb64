"""Staff: an event's shifts with their gaps, a shift's page (its settings and its
people: add, remove, mark absent), removing a shift, and the printed roster."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc.errors import DomainError
from yoc.events import services as events
from yoc.events.forms import local_input
from yoc.forms import parse
from yoc.http import (
    Confirmation,
    confirm_first,
    current_user,
    flash,
    forget_shared_pages,
    form_data,
    redirect,
    render,
    render_form,
    requires,
)
from yoc.i18n import format_when, gettext, ngettext, tr
from yoc.permissions import Action
from yoc.timeutil import utcnow
from yoc.volunteers.enums import ShiftRole
from yoc.volunteers.forms import ShiftForm, StaffAddIn
from yoc.volunteers.services import rosters, shifts, signups

if TYPE_CHECKING:
    from yoc.volunteers.models import Shift


def _values(shift: Shift) -> dict:
    return {
        "role": shift.role.value,
        "place_en": shift.place_en,
        "place_es": shift.place_es,
        "starts_at": local_input(shift.starts_at),
        "ends_at": local_input(shift.ends_at),
        "needed": str(shift.needed),
    }


def _roles() -> list[tuple[str, str]]:
    return [(role.value, role.label) for role in ShiftRole]


@requires(Action.MANAGE_EVENTS)
async def event_shifts(request: Request) -> Response:
    event = await events.get_event(request.path_params["slug"])
    found = await shifts.of_event(event)
    return render(
        request,
        "volunteers/staff_shifts.html",
        {
            "event": event,
            "shifts": found,
            "needed": sum(s.needed for s in found),
            "gaps": sum(s.gap for s in found),
        },
    )


@requires(Action.MANAGE_EVENTS)
async def new_shift(request: Request) -> Response:
    event = await events.get_event(request.path_params["slug"])
    context = {"event": event, "shift": None, "roles": _roles()}
    if request.method == "GET":
        values = {"starts_at": local_input(event.starts_at), "needed": "2"}
        return render(request, "volunteers/staff_shift_form.html", {**context, "values": values})
    values = await form_data(request)
    try:
        shift = await shifts.create(event, parse(ShiftForm, values))
    except DomainError as error:
        return render_form(
            request, "volunteers/staff_shift_form.html", values=values, error=error, context=context
        )
    forget_shared_pages(request)
    flash(request, gettext("The shift is added."))
    return redirect(f"/staff/shifts/{shift.id}")


async def _shift_page(request: Request, shift: Shift, **extra) -> dict:
    (line,) = await rosters.roster(current_user(request), [shift])
    return {
        "event": shift.event,
        "shift": shift,
        "line": line,
        "roles": _roles(),
        **extra,
    }


@requires(Action.MANAGE_EVENTS)
async def shift_detail(request: Request) -> Response:
    shift = await shifts.get_shift(request.path_params["id"])
    if request.method == "GET":
        context = await _shift_page(request, shift)
        return render(request, "volunteers/staff_shift.html", {**context, "values": _values(shift)})
    values = await form_data(request)
    try:
        changed = await shifts.update(shift, parse(ShiftForm, values))
    except DomainError as error:
        context = await _shift_page(request, shift)
        return render_form(
            request, "volunteers/staff_shift.html", values=values, error=error, context=context
        )
    forget_shared_pages(request)
    flash(request, gettext("Saved."))
    return redirect(f"/staff/shifts/{changed.id}")


@requires(Action.MANAGE_EVENTS)
async def add_person(request: Request) -> Response:
    shift = await shifts.get_shift(request.path_params["id"])
    values = await form_data(request)
    try:
        data = parse(StaffAddIn, values)
        added = await signups.staff_add(
            shift,
            email=data.email,
            name=data.name,
            phone=data.phone,
            language=data.language,
            actor=current_user(request),
            settings=request.app.state.settings,
        )
    except DomainError as error:
        # The two forms of the page have fields of different names: the shift's keep theirs.
        return render_form(
            request,
            "volunteers/staff_shift.html",
            values={**_values(shift), **values},
            error=error,
            context=await _shift_page(request, shift),
        )
    if added is None:
        flash(request, gettext("That person is already on this shift."), "error")
    else:
        flash(request, gettext("Added to the shift."))
    return redirect(f"/staff/shifts/{shift.id}#people")


async def _removing_shift(request: Request, values: dict[str, str]) -> Confirmation:
    shift = await shifts.get_shift(request.path_params["id"])
    return Confirmation(
        title=gettext(
            "Remove the shift “%(role)s” at %(time)s?",
            role=shift.role.label,
            time=format_when(shift.starts_at),
        ),
        consequences=[
            ngettext(
                "%(num)d person on it is taken off and told by email.",
                "%(num)d people on it are taken off and told by email.",
                shift.taken,
            )
            if shift.ends_at > utcnow()
            else ngettext(
                "%(num)d person on it is taken off, without an email.",
                "%(num)d people on it are taken off, without an email.",
                shift.taken,
            ),
            gettext("This cannot be undone."),
        ],
        button=gettext("Remove the shift"),
        cancel_url=f"/staff/shifts/{shift.id}",
        details=[(gettext("Event"), tr(shift.event, "name"))],
    )


@requires(Action.MANAGE_EVENTS)
@confirm_first(_removing_shift)
async def delete_shift(request: Request) -> Response:
    shift = await shifts.get_shift(request.path_params["id"])
    await shifts.delete(shift, settings=request.app.state.settings)
    forget_shared_pages(request)
    flash(request, gettext("The shift is removed."))
    return redirect(f"/staff/events/{shift.event.slug}/shifts")


async def _taking_off(request: Request, values: dict[str, str]) -> Confirmation:
    signup = await signups.get_signup(request.path_params["id"])
    person = await rosters.one(current_user(request), signup)
    shift = signup.shift
    told = shift.ends_at > utcnow() and person.email
    return Confirmation(
        title=gettext("Take %(name)s off this shift?", name=person.name),
        consequences=[
            gettext(
                "%(name)s is told by email, and the place opens for someone else.",
                name=person.name,
            )
            if told
            else gettext("The place opens for someone else. Nobody is told by email.")
        ],
        button=gettext("Take off the shift"),
        cancel_url=f"/staff/shifts/{shift.id}#people",
        details=[
            (gettext("Shift"), f"{shift.role.label} · {format_when(shift.starts_at)}"),
            (gettext("Event"), tr(shift.event, "name")),
        ],
    )


@requires(Action.MANAGE_EVENTS)
@confirm_first(_taking_off)
async def remove_person(request: Request) -> Response:
    signup = await signups.get_signup(request.path_params["id"])
    await signups.take_off(signup, settings=request.app.state.settings)
    forget_shared_pages(request)
    flash(request, gettext("Taken off the shift."))
    return redirect(f"/staff/shifts/{signup.shift_id}#people")


@requires(Action.MANAGE_EVENTS)
async def no_show(request: Request) -> Response:
    signup = await signups.get_signup(request.path_params["id"])
    values = await form_data(request)
    await signups.set_no_show(signup, values.get("no_show") == "1")
    flash(request, gettext("Saved."))
    return redirect(f"/staff/shifts/{signup.shift_id}#people")


@requires(Action.MANAGE_EVENTS)
async def roster(request: Request) -> Response:
    """Every shift of the event with its people, to print for the volunteers' table."""
    event = await events.get_event(request.path_params["slug"])
    lines = await rosters.roster(current_user(request), await shifts.of_event(event))
    return render(request, "volunteers/roster.html", {"event": event, "lines": lines})


routes = [
    Route("/staff/events/{slug:str}/shifts", event_shifts, name="volunteers:staff_shifts"),
    Route(
        "/staff/events/{slug:str}/shifts/new",
        new_shift,
        methods=["GET", "POST"],
        name="volunteers:new_shift",
    ),
    Route("/staff/events/{slug:str}/roster", roster, name="volunteers:roster"),
    Route("/staff/shifts/{id:id}", shift_detail, methods=["GET", "POST"], name="volunteers:shift"),
    Route(
        "/staff/shifts/{id:id}/people", add_person, methods=["POST"], name="volunteers:add_person"
    ),
    Route(
        "/staff/shifts/{id:id}/delete",
        delete_shift,
        methods=["GET", "POST"],
        name="volunteers:delete_shift",
    ),
    Route(
        "/staff/shift-signups/{id:id}/remove",
        remove_person,
        methods=["GET", "POST"],
        name="volunteers:remove_person",
    ),
    Route(
        "/staff/shift-signups/{id:id}/no-show",
        no_show,
        methods=["POST"],
        name="volunteers:no_show",
    ),
]
