"""Staff: the events list, a new event, and each event's page (its settings, with the
sales figures and ticket types of the ticket domain beside them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc.errors import DomainError
from yoc.events import services as events
from yoc.events.forms import EVENT_PRICES, EventForm, event_from_form, local_input
from yoc.forms import dollars
from yoc.http import flash, forget_shared_pages, form_data, redirect, render, render_form, requires
from yoc.i18n import gettext
from yoc.permissions import Action
from yoc.tickets.services import reports

if TYPE_CHECKING:
    from yoc.events.models import Event


_TIMES = ("starts_at", "ends_at", "sales_start", "sales_end", "unpaid_until")


def _event_values(event: Event) -> dict:
    values = {
        k: getattr(event, k)
        for k in EventForm.model_fields
        if k not in (*_TIMES, *EVENT_PRICES.values())
    }
    values.update(
        {
            name: dollars(getattr(event, field)) if getattr(event, field) else ""
            for name, field in EVENT_PRICES.items()
        }
    )
    values.update({k: local_input(getattr(event, k)) for k in _TIMES})
    return {k: ("" if v is None else v) for k, v in values.items()}


@requires(Action.MANAGE_EVENTS)
async def event_list(request: Request) -> Response:
    return render(
        request, "events/staff_events.html", {"events": await events.all_events(newest_first=True)}
    )


@requires(Action.MANAGE_EVENTS)
async def event_new(request: Request) -> Response:
    if request.method == "GET":
        return render(
            request, "events/staff_event_form.html", {"event": None, "values": {"capacity": "500"}}
        )
    values = await form_data(request)
    try:
        event = await events.create_event(event_from_form(values))
    except DomainError as error:
        return render_form(
            request,
            "events/staff_event_form.html",
            values=values,
            error=error,
            context={"event": None},
        )
    flash(request, gettext("The event is created. Now add its ticket types."))
    return redirect(f"/staff/events/{event.slug}")


@requires(Action.MANAGE_EVENTS)
async def event_detail(request: Request) -> Response:
    event = await events.get_event(request.path_params["slug"])
    context = {"event": event, "sales": await reports.sales(event)}
    if request.method == "GET":
        return render(
            request, "events/staff_event.html", {**context, "values": _event_values(event)}
        )
    values = await form_data(request)
    try:
        event = await events.update_event(event, event_from_form(values))
    except DomainError as error:
        return render_form(
            request, "events/staff_event.html", values=values, error=error, context=context
        )
    forget_shared_pages(request)
    flash(request, gettext("Saved."))
    return redirect(f"/staff/events/{event.slug}")


routes = [
    Route("/staff/events", event_list, name="events:staff_list"),
    Route("/staff/events/new", event_new, methods=["GET", "POST"], name="events:new"),
    Route(
        "/staff/events/{slug:str}", event_detail, methods=["GET", "POST"], name="events:staff_event"
    ),
]
