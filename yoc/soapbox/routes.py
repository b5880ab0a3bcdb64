"""Speakers and reviewers: my proposals, the proposal form (with autosave), a speech's
page with its feedback and next steps, the review queue."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from yoc.errors import DomainError, NotFound, ValidationFailed
from yoc.forms import parse, whole_number
from yoc.http import (
    Confirmation,
    confirm_first,
    current_user,
    error_page,
    flash,
    forget_shared_pages,
    form_data,
    login_required,
    redirect,
    render,
    render_form,
    requires,
)
from yoc.i18n import N_, format_date, format_when, gettext, tr
from yoc.members.guards import active_member_required
from yoc.members.services.access import audit_list_read, audit_read
from yoc.permissions import Action
from yoc.soapbox import forms
from yoc.soapbox.enums import AccessNeed, SpeechState
from yoc.soapbox.services import conflicts, proposals, public, readiness, transitions
from yoc.soapbox.services.access import Capacity, visible_speech
from yoc.timeutil import utcnow

LA = ZoneInfo("America/Los_Angeles")

MOVE_MESSAGES = {
    SpeechState.SUBMITTED: N_("Your proposal is sent. A mentor will read it soon."),
    SpeechState.CONFIRMED: N_("Thank you! Your slot is confirmed."),
    SpeechState.WITHDRAWN: N_("The speech is withdrawn."),
    SpeechState.DELIVERED: N_("Marked as delivered."),
    SpeechState.ACCEPTED: N_("The speech is off the schedule, and still accepted."),
}


@active_member_required
async def my_speeches(request: Request) -> Response:
    member = current_user(request)
    return render(
        request,
        "soapbox/my_speeches.html",
        {
            "speeches": await proposals.my_speeches(member),
            "slots": await public.my_slots(member),
            "keys": await public.calendar_keys(member),
        },
    )


async def _speech_values(speech) -> dict:
    values = {
        "title": speech.title,
        "topic": speech.topic,
        "summary": speech.summary,
        "language": speech.language.value,
        "minutes": str(speech.minutes),
        "content_notes": speech.content_notes,
        "access_notes": speech.access_notes,
        "event_id": str(speech.event_id or ""),
    }
    for need in filter(None, speech.access_needs.split(",")):
        values[f"access_{need}"] = "1"
    for n, window in enumerate(await proposals.windows_of(speech)):
        start, end = window.starts_at.astimezone(LA), window.ends_at.astimezone(LA)
        values.update(
            {
                f"avail_date_{n}": start.date().isoformat(),
                f"avail_from_{n}": start.strftime("%H:%M"),
                f"avail_to_{n}": end.strftime("%H:%M"),
            }
        )
    return values


async def _form_context(request: Request, values: dict, speech=None) -> dict:
    """The form's choices, and whether the member may send it yet: for the event chosen
    (or the one the draft is for), what is left to finish, with links."""
    member = current_user(request)
    chosen = whole_number(values.get("event_id", "")) if "event_id" in values else None
    if chosen is None and speech is not None:
        chosen = speech.event_id
    return {
        "speech": speech,
        "rows": range(forms.AVAILABILITY_ROWS),
        "needs": list(AccessNeed),
        "calls": [
            (str(e.id), f"{tr(e, 'name')} · {format_date(e.starts_at)}")
            for e in await readiness.open_calls()
        ],
        "readiness": await readiness.readiness(member, chosen),
        "reflections": [] if speech else await proposals.reflections_to_start_from(member),
    }


async def _save(request: Request, speech_id: int | None) -> Response:
    member = current_user(request)
    values = await form_data(request)
    autosave = request.headers.get("x-autosave") == "1"
    settings = request.app.state.settings
    speech = None
    try:
        data = parse(forms.ProposalForm, values)
        speech = await proposals.save(member, speech_id, data)
        if autosave:
            return JSONResponse({"saved": True, "id": speech.id, "at": utcnow().isoformat()})
        if values.get("action") == "submit":
            await transitions.move(
                speech.id, SpeechState.SUBMITTED, actor=member, settings=settings
            )
            flash(request, gettext(MOVE_MESSAGES[SpeechState.SUBMITTED]))
            return redirect(f"/speeches/{speech.id}")
    except NotFound:
        raise  # not a speech this member may see: the 404 page
    except DomainError as error:
        if autosave:
            fields = error.translated_fields() if isinstance(error, ValidationFailed) else {}
            return JSONResponse(
                {"saved": False, "message": error.translated(), "fields": fields},
                status_code=error.status_code,
            )
        if speech is not None and speech_id is None:
            # The draft was kept; only sending it for review failed.
            flash(request, gettext("Your draft is saved."))
        context = await _form_context(request, values, speech)
        return render_form(
            request, "soapbox/proposal_form.html", values=values, error=error, context=context
        )
    flash(request, gettext("Your draft is saved."))
    return redirect(f"/speeches/{speech.id}/edit")


@active_member_required
async def new_speech(request: Request) -> Response:
    """The proposal form; ``?reflection=<id>`` starts it from a reflection the member wrote."""
    if request.method == "GET":
        values = {"minutes": "3"}
        from_reflection = whole_number(request.query_params.get("reflection", ""))
        if from_reflection is not None:
            draft = await proposals.draft_from_reflection(
                current_user(request), from_reflection, language=request.scope["language"]
            )
            values.update(
                title=draft.title, summary=draft.summary, reflection_id=str(draft.reflection_id)
            )
        return render(
            request,
            "soapbox/proposal_form.html",
            {**await _form_context(request, values), "values": values},
        )
    return await _save(request, None)


@active_member_required
async def edit_speech(request: Request) -> Response:
    speech, capacities = await visible_speech(current_user(request), request.path_params["id"])
    if Capacity.SPEAKER not in capacities or speech.state not in proposals.EDITABLE:
        return redirect(f"/speeches/{speech.id}")
    if request.method == "GET":
        values = await _speech_values(speech)
        return render(
            request,
            "soapbox/proposal_form.html",
            {**await _form_context(request, values, speech), "values": values},
        )
    return await _save(request, speech.id)


async def _speech_context(request: Request, speech_id: int) -> dict:
    page = await proposals.speech_page(current_user(request), speech_id)
    speech, capacities, slot = page.speech, page.capacities, page.slot
    ready = None
    if Capacity.SPEAKER in capacities and speech.state in proposals.EDITABLE:
        ready = await readiness.readiness(current_user(request), speech.event_id)
    return {
        "readiness": ready,
        "grew_from": page.grew_from,
        "speech": speech,
        "capacities": capacities,
        # Decisions have the review form, and placing a speech happens on the board.
        "buttons": [
            to
            for to in transitions.allowed_moves(speech.state, capacities)
            if to != SpeechState.SCHEDULED
            and not (speech.state == SpeechState.SUBMITTED and to in transitions.DECISIONS)
        ],
        "reviews": page.reviews,
        "history": page.history,
        "windows": page.windows,
        "slot": slot,
        "confirm_soon": bool(slot and conflicts.needs_confirmation_soon(speech, slot, utcnow())),
        "can_review": speech.state == SpeechState.SUBMITTED
        and bool(capacities & {Capacity.REVIEWER, Capacity.STAFF}),
        "needs": [n for n in AccessNeed if n.value in speech.access_needs.split(",")],
    }


@login_required
async def speech_page(request: Request) -> Response:
    context = await _speech_context(request, request.path_params["id"])
    await audit_read(current_user(request), context["speech"].speaker, via="web")
    return render(request, "soapbox/speech.html", context)


async def _withdrawing(request: Request, values: dict[str, str]) -> Confirmation | Response:
    page = await proposals.speech_page(current_user(request), request.path_params["id"])
    speech, slot = page.speech, page.slot
    back = f"/speeches/{speech.id}"
    if SpeechState.WITHDRAWN not in transitions.allowed_moves(speech.state, page.capacities):
        flash(request, gettext("This speech cannot be withdrawn now."), "error")
        return redirect(back)
    lines = []
    if slot is not None:
        lines.append(
            gettext(
                "Its slot, %(time)s at %(event)s, goes to someone else.",
                time=format_when(slot.starts_at),
                event=tr(slot.stage.event, "name"),
            )
        )
    lines += [
        gettext("A withdrawn speech cannot come back: to speak another time, propose it again."),
        gettext("This cannot be undone."),
    ]
    return Confirmation(
        title=gettext("Withdraw “%(title)s”?", title=speech.title),
        consequences=lines,
        button=gettext("Withdraw this speech"),
        cancel_url=back,
    )


@login_required
@confirm_first(_withdrawing, needed=lambda _, values: values.get("to") == SpeechState.WITHDRAWN)
async def move(request: Request) -> Response:
    """The buttons of a speech's page: submit, confirm, withdraw (after its own page),
    mark delivered, take off the schedule."""
    speech_id = request.path_params["id"]
    values = await form_data(request)
    try:
        to = SpeechState(values.get("to", ""))
    except ValueError:
        return error_page(request, 400)
    try:
        await transitions.move(
            speech_id,
            to,
            actor=current_user(request),
            settings=request.app.state.settings,
            note=values.get("note", ""),
        )
    except NotFound:
        raise  # not a speech this person may see: the 404 page
    except DomainError as error:
        context = await _speech_context(request, speech_id)
        return render_form(
            request, "soapbox/speech.html", values=values, error=error, context=context
        )
    forget_shared_pages(request)  # a confirmation or withdrawal shows on the lineup
    flash(request, gettext(MOVE_MESSAGES.get(to, N_("Saved."))))
    return redirect(f"/speeches/{speech_id}")


@login_required
async def review(request: Request) -> Response:
    speech_id = request.path_params["id"]
    values = await form_data(request)
    try:
        data = parse(forms.ReviewForm, values)
        await proposals.review(
            current_user(request), speech_id, data, settings=request.app.state.settings
        )
    except NotFound:
        raise  # not a speech this reviewer may see: the 404 page
    except DomainError as error:
        context = await _speech_context(request, speech_id)
        return render_form(
            request, "soapbox/speech.html", values=values, error=error, context=context
        )
    flash(request, gettext("Your review is sent to the speaker."))
    return redirect("/speeches/reviews")


@requires(Action.VIEW_MEMBERS)
async def member_readiness(request: Request) -> Response:
    """A mentor (of the member's group) or staff: what the member has left before they may
    propose, the waivers given, and the form to give one."""
    viewer = current_user(request)
    member = await readiness.member_for(viewer, request.path_params["id"])
    values: dict = {}
    error = None
    if request.method == "POST":
        values = await form_data(request)
        try:
            data = parse(forms.WaiverForm, values)
            await readiness.waive(mentor=viewer, member_id=member.id, reason=data.reason)
        except NotFound:
            raise
        except DomainError as failed:
            error = failed
        else:
            flash(
                request,
                gettext("%(name)s may now send a proposal. Your reason is kept.", name=member.name),
            )
            return redirect(f"/speeches/readiness/{member.id}")
    await audit_read(viewer, member, via="web")
    context = {
        "member": member,
        "readiness": await readiness.readiness(member),
        "waivers": await readiness.waivers_of(member),
    }
    if error is not None:
        return render_form(
            request, "soapbox/readiness.html", values=values, error=error, context=context
        )
    return render(request, "soapbox/readiness.html", {**context, "values": values})


@requires(Action.VIEW_MEMBERS)
async def review_queue(request: Request) -> Response:
    viewer = current_user(request)
    speeches = await proposals.review_queue(viewer)
    await audit_list_read(viewer, {s.speaker_id: s.speaker for s in speeches}.values(), via="web")
    return render(request, "soapbox/reviews.html", {"speeches": speeches})


async def private_calendar(request: Request) -> Response:
    body = await public.speaker_private_feed(request.path_params["key"], request.scope["language"])
    return Response(body, media_type="text/calendar; charset=utf-8")


routes = [
    Route("/speeches", my_speeches, name="soapbox:mine"),
    Route("/speeches/new", new_speech, methods=["GET", "POST"], name="soapbox:new"),
    Route("/speeches/reviews", review_queue, name="soapbox:reviews"),
    Route(
        "/speeches/readiness/{id:id}",
        member_readiness,
        methods=["GET", "POST"],
        name="soapbox:readiness",
    ),
    Route("/speeches/{id:id}", speech_page, name="soapbox:speech"),
    Route("/speeches/{id:id}/edit", edit_speech, methods=["GET", "POST"], name="soapbox:edit"),
    Route("/speeches/{id:id}/move", move, methods=["GET", "POST"], name="soapbox:move"),
    Route("/speeches/{id:id}/review", review, methods=["POST"], name="soapbox:review"),
    Route("/calendar/{key:str}.ics", private_calendar, name="soapbox:private_calendar"),
]
