"""JSON API: the public schedule of an event, speeches, and their state transitions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from yoc import paging
from yoc.api.schemas import PublicSchedule, SpeechList, TransitionOut
from yoc.apidoc import Param, documented
from yoc.errors import Conflict
from yoc.events import services as events
from yoc.forms import json_object, parse
from yoc.http import api_auth, api_public, current_user, forget_shared_pages
from yoc.i18n import N_
from yoc.members.services.access import audit_list_read
from yoc.soapbox import forms
from yoc.soapbox.enums import SpeechState
from yoc.soapbox.services import proposals, public, transitions
from yoc.soapbox.services.access import capacities, listed_capacities
from yoc.soapbox.services.schedule import find_slot


@documented(
    "The released Soapbox lineup of an event: confirmed speeches only, speakers named only as "
    "their consent allows",
    PublicSchedule,
    auth=False,
    errors=(404,),
)
@api_public
async def schedule(request: Request) -> Response:
    event = await events.public_event(request.path_params["slug"])
    found = await public.lineup(event)
    return JSONResponse(
        {
            "event": event.slug,
            "release": found.release.number if found.release else None,
            "released_at": found.release.created_at.isoformat() if found.release else None,
            "speeches": [
                {
                    "id": item.speech_id,
                    "title": item.title,
                    "language": item.language.value,
                    "minutes": item.minutes,
                    "stage": {"en": item.stage.name_en, "es": item.stage.name_es},
                    "starts_at": item.starts_at.isoformat(),
                    "ends_at": item.ends_at.isoformat(),
                    # null when the speaker has not agreed to be named in public
                    "speaker": item.speaker_name,
                }
                for item in found.items
            ],
        }
    )


def _speech_out(speech, moves) -> dict:
    slot = speech.slot if speech.slot_id else None
    return {
        "id": speech.id,
        "title": speech.title,
        "topic": speech.topic,
        "summary": speech.summary,
        "language": speech.language.value,
        "minutes": speech.minutes,
        "state": speech.state.value,
        "speaker": {"id": speech.speaker_id, "name": speech.speaker.name},
        "slot": {
            "id": slot.id,
            "event": slot.stage.event.slug,
            "stage": {"en": slot.stage.name_en, "es": slot.stage.name_es},
            "starts_at": slot.starts_at.isoformat(),
            "ends_at": slot.ends_at.isoformat(),
        }
        if slot
        else None,
        "allowed_transitions": [m.value for m in moves],
    }


@documented(
    "Soapbox Speeches, by id, a page at a time: a member's own, a mentor's groups', or all "
    "for staff; state= one state only",
    SpeechList,
    errors=(422,),
    query=(
        *paging.PARAMS,
        Param("state", {"type": "string", "enum": [s.value for s in SpeechState]}),
    ),
)
@api_auth
async def speeches(request: Request) -> Response:
    """The caller's own speeches (members), their groups' (mentors), or all (staff)."""
    user = current_user(request)
    window = paging.requested(request)
    state = parse(forms.SpeechQuery, dict(request.query_params)).state
    page = await proposals.listed_page(user, window, state=state)
    found = page.items
    await audit_list_read(user, {s.speaker_id: s.speaker for s in found}.values(), via="api")
    return JSONResponse(
        {
            "speeches": [
                _speech_out(s, transitions.allowed_moves(s.state, listed_capacities(user, s)))
                for s in page.items
            ],
            "next": paging.next_link(request, page),
        }
    )


@documented(
    "Move a speech to another state: {to, note, slot (to schedule), rubric {clarity, voice, "
    "call_to_action: 1-4}}; 409 transition_not_allowed or a scheduling conflict code (slot_taken, "
    "speaker_busy, too_long, outside_availability, past_curfew, no_consent); 403 role_not_allowed, "
    "or not_ready (sending a proposal before finishing the modules its call asks for)",
    TransitionOut,
    body=forms.TransitionIn,
    errors=(403, 404, 409, 422),
    status="200",
)
@api_auth
async def transition(request: Request) -> Response:
    """Body: {"to": "<state>", "note": "...", "slot": <id, to schedule>,
    "rubric": {"clarity": 1-4, "voice": 1-4, "call_to_action": 1-4}}."""
    data = parse(forms.TransitionIn, await json_object(request))
    try:
        to = SpeechState(data.to)
    except ValueError:
        raise Conflict(N_("There is no such state."), "unknown_state") from None
    slot = await find_slot(data.slot) if data.slot is not None else None
    moved = await transitions.move(
        request.path_params["id"],
        to,
        actor=current_user(request),
        settings=request.app.state.settings,
        note=data.note,
        slot=slot,
        rubric=data.rubric,
    )
    forget_shared_pages(request)
    speech = await proposals.with_speaker_and_slot(moved.speech)
    moves = transitions.allowed_moves(speech.state, await capacities(current_user(request), speech))
    return JSONResponse({**_speech_out(speech, moves), "warnings": moved.warnings})


routes = [
    Route("/api/v1/events/{slug:str}/schedule", schedule, name="api:schedule"),
    Route("/api/v1/speeches", speeches, name="api:speeches"),
    Route(
        "/api/v1/speeches/{id:id}/transition",
        transition,
        methods=["POST"],
        name="api:speech_transition",
    ),
]
