"""The Soapbox pages in the browser: the proposal form and its autosave, who may open a
speech's page, and the staff board and release pages with their forms."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from tests.conftest import csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
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
from tests.tickets.factories import make_event
from yoc.accounts.enums import Role
from yoc.members.enums import ApplicationDecision
from yoc.soapbox.enums import SpeechState
from yoc.soapbox.models import Availability, Slot, Speech, SpeechEvent
from yoc.timeutil import utcnow

S = SpeechState


@pytest.fixture
async def people(app):
    ana = await make_member(email="ana@example.org", name="Ana Torres")
    mentor = await make_user(role=Role.MENTOR, email="mentor@example.org", name="Lucía Mentor")
    other_mentor = await make_user(role=Role.MENTOR, email="otto@example.org")
    other = await make_member(email="olga@example.org")
    await make_cohort(members=[ana], mentors=[mentor])
    await make_cohort(members=[other], mentors=[other_mentor])
    staff = await make_user(role=Role.STAFF, email="staff@example.org", name="Sam Staff")
    return {
        "ana": ana,
        "mentor": mentor,
        "other_mentor": other_mentor,
        "other": other,
        "staff": staff,
    }


def value_of(html: str, name: str) -> str:
    """The value of the form input called ``name``."""
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html)
    assert tag, f"no input {name}"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


# The proposal form -------------------------------------------------------------------


async def test_a_draft_can_be_saved_with_only_a_title(client, people) -> None:
    await log_in(client, "ana@example.org", PASSWORD)

    response = await post_form(
        client, "/speeches/new", {"title": "Agua limpia", "minutes": "", "action": "save"}
    )

    speech = await Speech.get(speaker=people["ana"])
    assert (response.status_code, response.headers["location"]) == (
        303,
        f"/speeches/{speech.id}/edit",
    )
    assert (speech.title, speech.state, speech.minutes, speech.topic) == (
        "Agua limpia",
        S.DRAFT,
        3,
        "",
    )
    assert await Availability.filter(speech=speech).count() == 0


async def test_the_form_keeps_what_was_typed_when_a_value_is_wrong(client, people) -> None:
    await log_in(client, "ana@example.org", PASSWORD)

    response = await post_form(
        client,
        "/speeches/new",
        {
            "title": "Agua limpia",
            "topic": "Water",
            "summary": "Our school fountains are unsafe.",
            "minutes": "25",
            "avail_date_0": "2027-03-13",
            "avail_from_0": "18:00",
            "avail_to_0": "20:00",
            "action": "save",
        },
    )

    assert response.status_code == 422
    assert "This number is too big." in response.text
    assert value_of(response.text, "title") == "Agua limpia"
    assert value_of(response.text, "minutes") == "25"
    assert value_of(response.text, "avail_date_0") == "2027-03-13"
    assert "Our school fountains are unsafe.</textarea>" in response.text
    assert await Speech.all().count() == 0


async def test_an_availability_row_that_ends_before_it_starts_is_refused(client, people) -> None:
    await log_in(client, "ana@example.org", PASSWORD)

    response = await post_form(
        client,
        "/speeches/new",
        {
            "title": "Agua limpia",
            "avail_date_0": "2027-03-13",
            "avail_from_0": "20:00",
            "avail_to_0": "18:00",
        },
    )

    assert response.status_code == 422
    assert "The end must be after the start." in response.text
    assert await Speech.all().count() == 0


async def test_sending_an_incomplete_proposal_keeps_the_draft_and_says_what_is_missing(
    client, people
) -> None:
    await log_in(client, "ana@example.org", PASSWORD)

    response = await post_form(
        client, "/speeches/new", {"title": "Agua limpia", "action": "submit"}
    )

    assert response.status_code == 422
    assert "Give your speech a topic." in response.text
    assert "Tell us at least one time when you can speak." in response.text
    assert value_of(response.text, "title") == "Agua limpia"
    speech = await Speech.get(speaker=people["ana"])
    assert speech.state == S.DRAFT
    assert await SpeechEvent.filter(speech=speech).count() == 0


async def autosave(
    client: httpx.AsyncClient, speech: Speech, data: dict[str, str]
) -> httpx.Response:
    page = await client.get(f"/speeches/{speech.id}/edit")
    assert page.status_code == 200
    return await client.post(
        f"/speeches/{speech.id}/edit",
        data=data,
        headers={"X-Autosave": "1", "X-CSRF-Token": csrf_from(page.text)},
    )


async def test_autosave_stores_the_change_and_answers_json(client, people) -> None:
    speech = await make_speech(people["ana"], state=S.DRAFT, title="Agua")
    await log_in(client, "ana@example.org", PASSWORD)

    response = await autosave(
        client,
        speech,
        {"title": "Agua limpia", "topic": "Water", "minutes": "5", "avail_date_0": ""},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["saved"], body["id"]) == (True, speech.id)
    stored = await Speech.get(id=speech.id)
    assert (stored.title, stored.topic, stored.minutes, stored.state) == (
        "Agua limpia",
        "Water",
        5,
        S.DRAFT,
    )


async def test_autosave_refuses_bad_input_with_the_message(client, people) -> None:
    speech = await make_speech(people["ana"], state=S.DRAFT, title="Agua")
    await log_in(client, "ana@example.org", PASSWORD)

    response = await autosave(client, speech, {"title": "Agua limpia", "minutes": "25"})

    assert response.status_code == 422
    assert response.json() == {
        "saved": False,
        "message": "Please check the highlighted fields.",
        "fields": {"minutes": "This number is too big."},
    }
    assert (await Speech.get(id=speech.id)).title == "Agua"


async def test_autosave_without_the_csrf_token_is_refused(client, people) -> None:
    speech = await make_speech(people["ana"], state=S.DRAFT, title="Agua")
    await log_in(client, "ana@example.org", PASSWORD)

    response = await client.post(
        f"/speeches/{speech.id}/edit", data={"title": "Hacked"}, headers={"X-Autosave": "1"}
    )

    assert response.status_code in (400, 403)
    assert (await Speech.get(id=speech.id)).title == "Agua"


async def test_a_submitted_proposal_can_no_longer_be_edited(client, people) -> None:
    speech = await make_speech(people["ana"], state=S.SUBMITTED, title="Agua")
    await log_in(client, "ana@example.org", PASSWORD)

    page = await client.get(f"/speeches/{speech.id}/edit")

    assert (page.status_code, page.headers["location"]) == (303, f"/speeches/{speech.id}")


@pytest.mark.parametrize(
    "overrides",
    [{"decision": ApplicationDecision.PENDING}, {"consented": False}],
    ids=["not-approved", "no-consent"],
)
async def test_a_member_who_is_not_active_cannot_propose(client, app, overrides) -> None:
    await make_member(email="new@example.org", **overrides)
    await log_in(client, "new@example.org", PASSWORD)

    page = await client.get("/speeches/new")
    response = await client.post(
        "/speeches/new", data={"title": "Agua", "csrf_token": csrf_from(page.text)}
    )

    assert (page.status_code, response.status_code) == (403, 403)
    assert await Speech.all().count() == 0


# Who may open a speech's page ---------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "state", "status"),
    [
        ("ana", S.DRAFT, 200),
        ("mentor", S.SUBMITTED, 200),
        ("staff", S.SUBMITTED, 200),
        ("mentor", S.DRAFT, 404),
        ("staff", S.DRAFT, 404),
        ("other_mentor", S.SUBMITTED, 404),
        ("other", S.SUBMITTED, 404),
    ],
)
async def test_who_may_open_a_speechs_page(client, people, who, state, status) -> None:
    speech = await make_speech(people["ana"], state=state, title="Agua limpia")
    await log_in(client, people[who].email, PASSWORD)

    page = await client.get(f"/speeches/{speech.id}")

    assert page.status_code == status
    assert ("Agua limpia" in page.text) is (status == 200)


async def test_a_signed_out_visitor_is_sent_to_sign_in(client, people) -> None:
    speech = await make_speech(people["ana"], state=S.SUBMITTED)

    page = await client.get(f"/speeches/{speech.id}")

    assert (page.status_code, page.headers["location"]) == (
        303,
        f"/login?next=/speeches/{speech.id}",
    )


async def test_someone_who_cannot_see_a_speech_cannot_move_it(client, people) -> None:
    speech = await make_speech(people["ana"], state=S.SUBMITTED)
    await log_in(client, "otto@example.org", PASSWORD)

    response = await post_form(
        client, "/", {"to": "withdrawn"}, action=f"/speeches/{speech.id}/move"
    )

    assert response.status_code == 404
    assert (await Speech.get(id=speech.id)).state == S.SUBMITTED


async def test_a_step_not_allowed_now_shows_the_message_on_the_page(client, people) -> None:
    speech = await make_speech(people["ana"], state=S.SUBMITTED, title="Agua limpia")
    await log_in(client, "ana@example.org", PASSWORD)

    response = await post_form(
        client,
        f"/speeches/{speech.id}",
        {"to": "confirmed"},
        action=f"/speeches/{speech.id}/move",
    )

    assert response.status_code == 409
    assert "This step is not possible for this speech now." in response.text
    assert (await Speech.get(id=speech.id)).state == S.SUBMITTED


# Staff pages ---------------------------------------------------------------------------


@pytest.fixture
async def event(app):
    return await make_evening_event(la_today() + timedelta(days=10))


STAFF_PAGES = ["/staff/events/{}/schedule", "/staff/events/{}/schedule/release", "/staff/speeches"]


@pytest.mark.parametrize(("who", "status"), [("mentor", 403), ("ana", 403), ("staff", 200)])
async def test_staff_pages_need_staff(client, people, event, who, status) -> None:
    await log_in(client, people[who].email, PASSWORD)

    answers = {
        page: (await client.get(page.format(event.slug))).status_code for page in STAFF_PAGES
    }

    assert answers == dict.fromkeys(STAFF_PAGES, status)


@pytest.mark.parametrize("page", STAFF_PAGES)
async def test_staff_pages_send_signed_out_visitors_to_sign_in(client, app, event, page) -> None:
    response = await client.get(page.format(event.slug))

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


async def test_a_mentor_cannot_release_or_add_slots(client, people, event) -> None:
    stage = await make_stage(event)
    await log_in(client, "mentor@example.org", PASSWORD)
    token = csrf_from((await client.get("/")).text)

    release = await client.post(
        f"/staff/events/{event.slug}/schedule/release", data={"csrf_token": token}
    )
    slots = await client.post(
        f"/staff/events/{event.slug}/slots",
        data={"csrf_token": token, "stage_id": str(stage.id), "starts_at": "2030-01-01T18:00"},
    )

    assert (release.status_code, slots.status_code) == (403, 403)
    assert await Slot.all().count() == 0


async def test_an_overlapping_slot_is_refused_on_the_board_with_what_was_typed(
    client, people, event
) -> None:
    stage = await make_stage(event)
    day = event.starts_at.astimezone(LA).date()
    await make_slot(stage, local(day, 18), minutes=5)
    await log_in(client, "staff@example.org", PASSWORD)
    board = f"/staff/events/{event.slug}/schedule"
    typed = f"{day.isoformat()}T18:03"

    response = await post_form(
        client,
        board,
        {
            "form": "slots",
            "stage_id": str(stage.id),
            "starts_at": typed,
            "minutes": "7",
            "count": "2",
            "gap_minutes": "",
        },
        action=f"/staff/events/{event.slug}/slots",
    )

    assert response.status_code == 409
    assert "This overlaps the slot at" in response.text
    assert value_of(response.text, "starts_at") == typed
    assert value_of(response.text, "minutes") == "7"
    assert value_of(response.text, "count") == "2"
    assert await Slot.all().count() == 1


async def test_a_slot_outside_the_event_is_refused_on_the_board(client, people, event) -> None:
    stage = await make_stage(event)
    await log_in(client, "staff@example.org", PASSWORD)
    typed = f"{event.starts_at.astimezone(LA).date().isoformat()}T12:00"

    response = await post_form(
        client,
        f"/staff/events/{event.slug}/schedule",
        {"form": "slots", "stage_id": str(stage.id), "starts_at": typed, "minutes": "5"},
        action=f"/staff/events/{event.slug}/slots",
    )

    assert response.status_code == 409
    assert "Slots must fit inside the event" in response.text
    assert value_of(response.text, "starts_at") == typed
    assert await Slot.all().count() == 0


async def test_a_placement_conflict_is_shown_on_the_board(client, people, event) -> None:
    stage = await make_stage(event)
    day = event.starts_at.astimezone(LA).date()
    slot = await make_slot(stage, local(day, 18), minutes=3)
    speech = await make_speech(
        people["ana"],
        state=S.ACCEPTED,
        minutes=4,
        title="Agua limpia",
        available=[(event.starts_at, event.ends_at)],
    )
    await log_in(client, "staff@example.org", PASSWORD)

    response = await post_form(
        client,
        f"/staff/events/{event.slug}/schedule",
        {"speech_id": str(speech.id), "slot_id": str(slot.id)},
        action=f"/staff/events/{event.slug}/place",
    )

    assert response.status_code == 409
    assert "This speech needs 4 minutes, and the slot has only 3." in response.text
    assert (await Speech.get(id=speech.id)).slot_id is None


async def test_the_board_marks_a_speaker_to_call(client, people) -> None:
    now = utcnow()
    event = await make_event(starts_at=now, ends_at=now + timedelta(days=3))
    slot = await make_slot(await make_stage(event), now + timedelta(hours=20))
    await make_placed(await make_member(age=19), slot, state=S.SCHEDULED, title="Agua limpia")
    await log_in(client, "staff@example.org", PASSWORD)

    page = await client.get(f"/staff/events/{event.slug}/schedule")

    assert page.status_code == 200
    assert "board-cell filled warn" in page.text
    assert (
        "The speaker has not confirmed yet, and the slot is less than 48 hours away." in page.text
    )
    assert "1 speaker to call" in page.text
