"""The speeches API: who lists which speeches with which next steps, and transitions
with their answers (200, 403, 404, 409, 422) and codes."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from tests.factories import make_user
from tests.members.factories import make_cohort, make_member
from tests.soapbox.factories import (
    LA,
    la_today,
    local,
    make_evening_event,
    make_placed,
    make_slot,
    make_speech,
    make_stage,
)
from tests.tickets.factories import bearer_for, make_event
from yoc.accounts.enums import Role
from yoc.soapbox.enums import SpeechState
from yoc.soapbox.models import Review, Speech, SpeechEvent
from yoc.timeutil import utcnow

S = SpeechState


@pytest.fixture
async def world(app):
    ana = await make_member(name="Ana Torres")
    beto = await make_member(name="Beto Ruiz")
    carla = await make_member(name="Carla Other")
    mentor = await make_user(role=Role.MENTOR, name="Lucía Mentor")
    other_mentor = await make_user(role=Role.MENTOR, name="Otto Mentor")
    await make_cohort(members=[ana, beto], mentors=[mentor])
    await make_cohort(members=[carla], mentors=[other_mentor])
    event = await make_evening_event(la_today() + timedelta(days=10))
    stage = await make_stage(event)
    day = event.starts_at.astimezone(LA).date()
    slot = await make_slot(stage, local(day, 18))
    speeches = {
        "ana_draft": await make_speech(ana, state=S.DRAFT, title="Ana's draft"),
        "ana_submitted": await make_speech(ana, state=S.SUBMITTED, title="Ana's proposal"),
        "beto_placed": await make_placed(beto, slot, state=S.SCHEDULED, title="Beto's speech"),
        "beto_draft": await make_speech(beto, state=S.DRAFT, title="Beto's draft"),
        "carla_accepted": await make_speech(
            carla,
            state=S.ACCEPTED,
            title="Carla's speech",
            available=[(event.starts_at, event.ends_at)],
        ),
    }
    return {
        "ana": ana,
        "beto": beto,
        "carla": carla,
        "mentor": mentor,
        "other_mentor": other_mentor,
        "staff": await make_user(role=Role.STAFF, name="Sam Staff"),
        "event": event,
        "stage": stage,
        "day": day,
        "speeches": speeches,
    }


async def listed(client: httpx.AsyncClient, user, query: str = "") -> dict[str, list[str]]:
    response = await client.get(f"/api/v1/speeches{query}", headers=await bearer_for(user))
    assert response.status_code == 200, response.text
    return {s["title"]: s["allowed_transitions"] for s in response.json()["speeches"]}


async def test_a_member_lists_their_own_speeches_drafts_included(client, world) -> None:
    assert await listed(client, world["ana"]) == {
        "Ana's draft": ["submitted", "withdrawn"],
        "Ana's proposal": ["withdrawn"],
    }


async def test_a_mentor_lists_their_groups_speeches_without_drafts(client, world) -> None:
    assert await listed(client, world["mentor"]) == {
        "Ana's proposal": ["accepted", "changes_requested", "declined"],
        "Beto's speech": [],
    }
    assert await listed(client, world["other_mentor"]) == {"Carla's speech": []}


async def test_staff_list_every_speech_but_drafts(client, world) -> None:
    assert await listed(client, world["staff"]) == {
        "Ana's proposal": ["accepted", "changes_requested", "declined", "withdrawn"],
        "Beto's speech": ["scheduled", "accepted", "confirmed", "withdrawn"],
        "Carla's speech": ["scheduled", "withdrawn"],
    }


async def test_the_list_filters_by_state(client, world) -> None:
    assert list(await listed(client, world["staff"], "?state=scheduled")) == ["Beto's speech"]


async def test_a_state_that_does_not_exist_is_refused(client, world) -> None:
    response = await client.get(
        "/api/v1/speeches?state=nonsense", headers=await bearer_for(world["staff"])
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {"state": "Choose one of the options."}


async def test_the_list_shows_the_slot(client, world) -> None:
    response = await client.get("/api/v1/speeches", headers=await bearer_for(world["beto"]))

    beto = next(s for s in response.json()["speeches"] if s["title"] == "Beto's speech")
    slot = beto.pop("slot")
    assert (
        datetime.fromisoformat(slot.pop("starts_at")),
        datetime.fromisoformat(slot.pop("ends_at")),
    ) == (local(world["day"], 18), local(world["day"], 18, 5))
    assert slot == {
        "id": world["speeches"]["beto_placed"].slot_id,
        "event": world["event"].slug,
        "stage": {"en": "Main stage", "es": "Main stage (es)"},
    }
    assert (beto["state"], beto["speaker"]) == (
        "scheduled",
        {"id": world["beto"].id, "name": "Beto Ruiz"},
    )


async def test_listing_needs_a_token(client, world) -> None:
    response = await client.get("/api/v1/speeches")

    assert (response.status_code, response.json()["error"]) == (401, "unauthenticated")


async def transition(client, user, speech: Speech, body) -> httpx.Response:
    kwargs = {"json": body} if not isinstance(body, str) else {"content": body}
    return await client.post(
        f"/api/v1/speeches/{speech.id}/transition", headers=await bearer_for(user), **kwargs
    )


async def test_a_transition_answers_with_the_new_state(client, world) -> None:
    speech = world["speeches"]["ana_draft"]

    response = await transition(client, world["ana"], speech, {"to": "submitted"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["id"], body["state"], body["allowed_transitions"], body["warnings"]) == (
        speech.id,
        "submitted",
        ["withdrawn"],
        [],
    )
    assert (await Speech.get(id=speech.id)).state == S.SUBMITTED


@pytest.mark.parametrize(
    ("who", "speech", "body", "status", "code"),
    [
        ("ana", "ana_submitted", {"to": "confirmed"}, 409, "transition_not_allowed"),
        ("ana", "ana_submitted", {"to": "accepted"}, 403, "role_not_allowed"),
        ("mentor", "beto_placed", {"to": "confirmed"}, 403, "role_not_allowed"),
        ("carla", "ana_submitted", {"to": "withdrawn"}, 404, "not_found"),
        ("other_mentor", "ana_submitted", {"to": "accepted"}, 404, "not_found"),
        ("mentor", "ana_draft", {"to": "withdrawn"}, 404, "not_found"),
        ("staff", "beto_draft", {"to": "withdrawn"}, 404, "not_found"),
        ("ana", "ana_draft", {"to": "published"}, 409, "unknown_state"),
        ("ana", "ana_draft", {}, 422, "invalid"),
        ("ana", "ana_draft", {"to": ""}, 422, "invalid"),
        ("ana", "ana_draft", "not json", 422, "invalid"),
        ("ana", "ana_draft", ["submitted"], 422, "invalid"),
        ("mentor", "ana_submitted", {"to": "declined"}, 422, "invalid"),  # no note
        (
            "mentor",
            "ana_submitted",
            {"to": "accepted", "rubric": {"clarity": 5}},
            422,
            "invalid",
        ),
        ("staff", "carla_accepted", {"to": "scheduled"}, 422, "slot_required"),
        ("staff", "carla_accepted", {"to": "scheduled", "slot": 999999}, 404, "not_found"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
async def test_a_refused_transition_answers_with_its_code(
    client, world, who, speech, body, status, code
) -> None:
    target = world["speeches"][speech]
    history = await SpeechEvent.all().count()

    response = await transition(client, world[who], target, body)

    assert (response.status_code, response.json()["error"]) == (status, code)
    assert response.json()["message"]
    assert (await Speech.get(id=target.id)).state == target.state
    assert await SpeechEvent.all().count() == history


async def test_a_decision_keeps_the_note_and_rubric(client, world) -> None:
    speech = world["speeches"]["ana_submitted"]

    response = await transition(
        client,
        world["mentor"],
        speech,
        {
            "to": "changes_requested",
            "note": "Say more about the dust.",
            "rubric": {"clarity": 2, "voice": 4, "call_to_action": 3},
        },
    )

    assert (response.status_code, response.json()["state"]) == (200, "changes_requested")
    review = await Review.get(speech=speech)
    assert (review.comments, review.clarity, review.voice, review.call_to_action) == (
        "Say more about the dust.",
        2,
        4,
        3,
    )
    event = await SpeechEvent.filter(speech=speech).order_by("-id").first()
    assert (event.actor_id, event.note) == (world["mentor"].id, "Say more about the dust.")


async def test_staff_schedule_into_a_slot_and_get_the_48_hour_warning(client, world) -> None:
    now = utcnow()
    event = await make_event(starts_at=now, ends_at=now + timedelta(days=3))
    soon = await make_slot(await make_stage(event), now + timedelta(hours=24))
    adult = await make_member(age=20)  # no curfew, whatever the time of day
    speech = await make_speech(
        adult, state=S.ACCEPTED, available=[(event.starts_at, event.ends_at)]
    )

    response = await transition(
        client, world["staff"], speech, {"to": "scheduled", "slot": soon.id}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["state"], body["slot"]["id"], body["warnings"]) == (
        "scheduled",
        soon.id,
        ["unconfirmed_48h"],
    )
    assert body["allowed_transitions"] == ["scheduled", "accepted", "confirmed", "withdrawn"]


async def test_a_scheduling_conflict_answers_409_with_its_code(client, world) -> None:
    speech = world["speeches"]["carla_accepted"]
    taken = world["speeches"]["beto_placed"].slot_id

    response = await transition(client, world["staff"], speech, {"to": "scheduled", "slot": taken})

    assert (response.status_code, response.json()["error"]) == (409, "slot_taken")
    assert (await Speech.get(id=speech.id)).slot_id is None


async def test_a_speaker_confirms_through_the_api(client, world) -> None:
    speech = world["speeches"]["beto_placed"]

    response = await transition(client, world["beto"], speech, {"to": "confirmed"})

    assert (response.status_code, response.json()["state"]) == (200, "confirmed")
    assert (await Speech.get(id=speech.id)).confirmed_at is not None
