"""Staff: the scheduling board of an event (stages as columns, times as rows), stages
and slots, placing and moving speeches with forms, and releasing the schedule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yoc import paging
from yoc.errors import DomainError, NotFound
from yoc.events import services as events
from yoc.forms import parse, whole_number
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
from yoc.i18n import format_clock, format_when, gettext, ngettext, tr
from yoc.members.services.access import audit_list_read
from yoc.permissions import Action
from yoc.soapbox import forms
from yoc.soapbox.enums import SpeechState
from yoc.soapbox.services import conflicts, proposals, readiness, releases, schedule

if TYPE_CHECKING:
    from yoc.events.models import Event

STATE_FILTERS = [s for s in SpeechState if s != SpeechState.DRAFT]


async def _board_context(request: Request, event: Event) -> dict:
    """The board, and its reading audited: it names every speaker on it."""
    last, changes = await releases.preview(event)
    shown = await schedule.board(event)
    await audit_list_read(current_user(request), shown.speakers, via="web")
    return {
        "board": shown,
        "last_release": last,
        "pending_changes": len(changes),
        "warning_texts": conflicts.WARNINGS,
        "failed_form": None,
        "call": await readiness.call_settings(event),
    }


@requires(Action.MANAGE_EVENTS)
async def board(request: Request) -> Response:
    event = await events.get_event(request.path_params["slug"])
    return render(
        request, "soapbox/board.html", {"event": event, **await _board_context(request, event)}
    )


async def _board_form(request: Request, action) -> Response:
    """Stage and slot forms: on a refusal the board comes back with what was typed."""
    event = await events.get_event(request.path_params["slug"])
    values = await form_data(request)
    try:
        message = await action(event, values)
    except NotFound:
        raise  # no such stage, slot or speech: the 404 page
    except DomainError as error:
        return render_form(
            request,
            "soapbox/board.html",
            values=values,
            error=error,
            context={
                "event": event,
                **await _board_context(request, event),
                "failed_form": values.get("form"),
            },
        )
    forget_shared_pages(request)
    flash(request, message)
    return redirect(f"/staff/events/{event.slug}/schedule{values.get('anchor', '')}")


@requires(Action.MANAGE_EVENTS)
async def add_stage(request: Request) -> Response:
    async def act(event, values):
        await schedule.add_stage(event, parse(forms.StageForm, values))
        return gettext("The stage is added.")

    return await _board_form(request, act)


async def _refused_on_the_board(request: Request, event: Event, error: DomainError) -> Response:
    flash(request, error.translated(), "error")
    return redirect(f"/staff/events/{event.slug}/schedule")


async def _removing_stage(request: Request, values: dict[str, str]) -> Confirmation | Response:
    event = await events.get_event(request.path_params["slug"])
    try:
        stage, slots = await schedule.stage_to_remove(event, request.path_params["id"])
    except NotFound:
        raise
    except DomainError as error:
        return await _refused_on_the_board(request, event, error)
    lines = (
        [
            ngettext(
                "Its %(num)d slot is removed with it.",
                "Its %(num)d slots are removed with it.",
                slots,
            )
        ]
        if slots
        else []
    )
    return Confirmation(
        title=gettext("Remove the stage “%(name)s”?", name=tr(stage, "name")),
        consequences=[*lines, gettext("This cannot be undone.")],
        button=gettext("Remove the stage"),
        cancel_url=f"/staff/events/{event.slug}/schedule#stages",
    )


async def _removing_slot(request: Request, values: dict[str, str]) -> Confirmation | Response:
    event = await events.get_event(request.path_params["slug"])
    try:
        slot = await schedule.slot_to_remove(event, request.path_params["id"])
    except NotFound:
        raise
    except DomainError as error:
        return await _refused_on_the_board(request, event, error)
    return Confirmation(
        title=gettext(
            "Remove the slot at %(time)s on %(stage)s?",
            time=format_clock(slot.starts_at),
            stage=tr(slot.stage, "name"),
        ),
        consequences=[
            gettext("Nobody can be placed in it any more."),
            gettext("This cannot be undone."),
        ],
        button=gettext("Remove the slot"),
        cancel_url=f"/staff/events/{event.slug}/schedule#slot-{slot.id}",
        details=[(gettext("When"), format_when(slot.starts_at))],
    )


@requires(Action.MANAGE_EVENTS)
@confirm_first(_removing_stage)
async def remove_stage(request: Request) -> Response:
    async def act(event, values):
        await schedule.remove_stage(event, request.path_params["id"])
        return gettext("The stage is removed.")

    return await _board_form(request, act)


@requires(Action.MANAGE_EVENTS)
async def add_slots(request: Request) -> Response:
    async def act(event, values):
        made = await schedule.add_slots(event, parse(forms.SlotForm, values))
        return ngettext("%(num)d slot added.", "%(num)d slots added.", len(made))

    return await _board_form(request, act)


@requires(Action.MANAGE_EVENTS)
@confirm_first(_removing_slot)
async def remove_slot(request: Request) -> Response:
    async def act(event, values):
        await schedule.remove_slot(event, request.path_params["id"])
        return gettext("The slot is removed.")

    return await _board_form(request, act)


@requires(Action.MANAGE_EVENTS)
async def place(request: Request) -> Response:
    async def act(event, values):
        data = parse(forms.PlaceForm, values)
        moved = await schedule.place(
            actor=current_user(request),
            event=event,
            speech_id=data.speech_id,
            slot_id=data.slot_id,
            settings=request.app.state.settings,
        )
        for code in moved.warnings:
            flash(request, gettext(conflicts.WARNINGS[code]), "info")
        return gettext(
            "“%(title)s” is on the schedule. The speaker is asked to confirm.",
            title=moved.speech.title,
        )

    return await _board_form(request, act)


@requires(Action.MANAGE_EVENTS)
async def unplace(request: Request) -> Response:
    async def act(event, values):
        speech_id = whole_number(values.get("speech_id", "")) or 0
        moved = await schedule.unplace(
            actor=current_user(request), speech_id=speech_id, settings=request.app.state.settings
        )
        return gettext("“%(title)s” is off the schedule.", title=moved.speech.title)

    return await _board_form(request, act)


@requires(Action.MANAGE_EVENTS)
async def release(request: Request) -> Response:
    event = await events.get_event(request.path_params["slug"])
    if request.method == "POST":
        try:
            made = await releases.publish(
                actor=current_user(request), event=event, settings=request.app.state.settings
            )
        except DomainError as error:
            flash(request, error.translated(), "error")
            return redirect(f"/staff/events/{event.slug}/schedule/release")
        forget_shared_pages(request)
        flash(request, gettext("Release %(number)d is published.", number=made.number))
        return redirect(f"/staff/events/{event.slug}/schedule")
    last, changes = await releases.preview(event)
    speakers = await releases.speakers(changes)
    await audit_list_read(current_user(request), speakers.values(), via="web")
    return render(
        request,
        "soapbox/release.html",
        {
            "event": event,
            "last_release": last,
            "changes": releases.readable(changes),
            "speaker_names": {speech: person.name for speech, person in speakers.items()},
            "history": await releases.history(event),
        },
    )


@requires(Action.MANAGE_EVENTS)
async def set_call(request: Request) -> Response:
    event = await events.get_event(request.path_params["slug"])
    form = await request.form()
    ids = [n for v in form.getlist("module_ids") if (n := whole_number(str(v))) is not None]
    await readiness.set_call(actor=current_user(request), event=event, module_ids=ids)
    flash(request, gettext("The Soapbox call is saved."))
    return redirect(f"/staff/events/{event.slug}/schedule#call")


@requires(Action.MANAGE_EVENTS)
async def waivers(request: Request) -> Response:
    """Every readiness waiver mentors gave: who, when, why."""
    found = await readiness.all_waivers(current_user(request))
    await audit_list_read(
        current_user(request), {w.member_id: w.member for w in found}.values(), via="web"
    )
    return render(request, "soapbox/waivers.html", {"waivers": found})


@requires(Action.MANAGE_EVENTS)
async def all_speeches(request: Request) -> Response:
    state = request.query_params.get("state", "")
    chosen = SpeechState(state) if state in {s.value for s in STATE_FILTERS} else None
    page = await proposals.submitted_page(paging.requested(request), chosen)
    found = page.items
    await audit_list_read(
        current_user(request), {s.speaker_id: s.speaker for s in found}.values(), via="web"
    )
    return render(
        request,
        "soapbox/staff_speeches.html",
        {
            "speeches": found,
            "state": state,
            "states": STATE_FILTERS,
            "pager_links": paging.links(request, page),
        },
    )


routes = [
    Route("/staff/speeches", all_speeches, name="soapbox:staff_speeches"),
    Route("/staff/soapbox/waivers", waivers, name="soapbox:waivers"),
    Route("/staff/events/{slug:str}/call", set_call, methods=["POST"], name="soapbox:call"),
    Route("/staff/events/{slug:str}/schedule", board, name="soapbox:board"),
    Route("/staff/events/{slug:str}/stages", add_stage, methods=["POST"], name="soapbox:add_stage"),
    Route(
        "/staff/events/{slug:str}/stages/{id:id}/delete",
        remove_stage,
        methods=["GET", "POST"],
        name="soapbox:remove_stage",
    ),
    Route("/staff/events/{slug:str}/slots", add_slots, methods=["POST"], name="soapbox:add_slots"),
    Route(
        "/staff/events/{slug:str}/slots/{id:id}/delete",
        remove_slot,
        methods=["GET", "POST"],
        name="soapbox:remove_slot",
    ),
    Route("/staff/events/{slug:str}/place", place, methods=["POST"], name="soapbox:place"),
    Route("/staff/events/{slug:str}/unplace", unplace, methods=["POST"], name="soapbox:unplace"),
    Route(
        "/staff/events/{slug:str}/schedule/release",
        release,
        methods=["GET", "POST"],
        name="soapbox:release",
    ),
]
