"""The whole path through the browser's forms: a member proposes, a mentor accepts,
staff place it and release, the speaker confirms, the public sees it."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_cohort, make_member
from tests.tickets.factories import make_event
from yoc.accounts.enums import Role
from yoc.events.forms import LA
from yoc.soapbox.models import Speech


async def test_propose_review_schedule_release_and_show(client, app):
    event = await make_event()
    mentor = await make_user(role=Role.MENTOR, email="lucia@example.org", name="Lucía Mentor")
    await make_user(role=Role.STAFF, email="staff@example.org", name="Sam Staff")
    member = await make_member(email="ana@example.org", name="Ana Torres", age=16)
    await make_cohort(members=[member], mentors=[mentor])
    local = event.starts_at.astimezone(LA)

    await log_in(client, "ana@example.org", PASSWORD)
    response = await post_form(
        client,
        "/speeches/new",
        {
            "title": "Agua limpia",
            "topic": "Water",
            "summary": "Our school fountains are unsafe.",
            "language": "bilingual",
            "minutes": "4",
            "access_interpreter": "1",
            "avail_date_0": local.date().isoformat(),
            "avail_from_0": local.strftime("%H:%M"),
            "avail_to_0": (local + timedelta(hours=3)).strftime("%H:%M"),
            "action": "submit",
        },
    )
    assert response.status_code == 303, response.text
    speech = await Speech.get(title="Agua limpia")
    assert speech.state == "submitted"
    await client.post("/logout", data={"csrf_token": csrf_from((await client.get("/")).text)})

    await log_in(client, "lucia@example.org", PASSWORD)
    page = await client.get("/speeches/reviews")
    assert "Agua limpia" in page.text
    response = await post_form(
        client,
        f"/speeches/{speech.id}",
        {
            "decision": "accepted",
            "clarity": "3",
            "voice": "4",
            "call_to_action": "2",
            "comments": "¡Muy bien!",
        },
        action=f"/speeches/{speech.id}/review",
    )
    assert response.status_code == 303, response.text
    await client.post("/logout", data={"csrf_token": csrf_from((await client.get("/")).text)})

    await log_in(client, "staff@example.org", PASSWORD)
    board = f"/staff/events/{event.slug}/schedule"
    response = await post_form(
        client,
        board,
        {"name_en": "Main stage", "name_es": "Escenario principal"},
        action=f"/staff/events/{event.slug}/stages",
    )
    assert response.status_code == 303, response.text
    page = await client.get(board)
    stage_id = page.text.split('name="stage_id"')[0]  # the select exists
    assert "Main stage" in page.text
    from yoc.soapbox.models import Stage

    stage = await Stage.get(event=event)
    response = await post_form(
        client,
        board,
        {
            "stage_id": str(stage.id),
            "starts_at": (local + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
            "minutes": "5",
            "count": "3",
            "gap_minutes": "1",
        },
        action=f"/staff/events/{event.slug}/slots",
    )
    assert response.status_code == 303, response.text
    from yoc.soapbox.models import Slot

    slots = await Slot.filter(stage=stage).order_by("starts_at")
    assert len(slots) == 3
    response = await post_form(
        client,
        board,
        {"speech_id": str(speech.id), "slot_id": str(slots[1].id)},
        action=f"/staff/events/{event.slug}/place",
    )
    assert response.status_code == 303, response.text
    await speech.refresh_from_db()
    assert speech.state == "scheduled" and speech.slot_id == slots[1].id
    page = await client.get(board)
    assert "Agua limpia" in page.text
    preview = await client.get(f"{board}/release")
    assert "Agua limpia" in preview.text
    response = await post_form(client, f"{board}/release", {})
    assert response.status_code == 303, response.text
    del stage_id

    # Not confirmed yet: the public does not see it.
    lineup = await client.get(f"/events/{event.slug}/lineup")
    assert lineup.status_code == 200
    assert "Agua limpia" not in lineup.text
    await client.post("/logout", data={"csrf_token": csrf_from((await client.get("/")).text)})

    await log_in(client, "ana@example.org", PASSWORD)
    page = await client.get(f"/speeches/{speech.id}")
    assert "3/4" in page.text and "¡Muy bien!" in page.text
    response = await post_form(
        client, f"/speeches/{speech.id}", {"to": "confirmed"}, action=f"/speeches/{speech.id}/move"
    )
    assert response.status_code == 303, response.text
    mine = await client.get("/speeches")
    assert "Agua limpia" in mine.text
    await client.post("/logout", data={"csrf_token": csrf_from((await client.get("/")).text)})

    lineup = await client.get(f"/events/{event.slug}/lineup", headers={"Accept-Language": "es"})
    assert "Agua limpia" in lineup.text
    assert "Escenario principal" in lineup.text
    assert "Ana T." in lineup.text  # the guardian chose "first name and last initial"
    assert "Ana Torres" not in lineup.text
    feed = await client.get(f"/events/{event.slug}/lineup.ics")
    assert feed.status_code == 200 and b"Agua limpia" in feed.content
    api = await client.get(f"/api/v1/events/{event.slug}/schedule")
    assert api.json()["speeches"][0]["title"] == "Agua limpia"


async def test_member_dashboard_invites_a_proposal_then_shows_the_next_slot(client, app):
    from tests.soapbox.factories import make_slot, make_speech, make_stage
    from yoc.soapbox.enums import SpeechState

    member = await make_member(email="beto@example.org", name="Beto Ruiz")
    await log_in(client, "beto@example.org", PASSWORD)

    page = await client.get("/dashboard")
    assert page.status_code == 200
    assert "Propose a speech" in page.text

    event = await make_event()
    stage = await make_stage(event)
    later = await make_slot(stage, event.starts_at + timedelta(hours=2))
    sooner = await make_slot(stage, event.starts_at + timedelta(hours=1))
    await make_speech(member, state=SpeechState.CONFIRMED, slot=later, title="Later one")
    await make_speech(member, state=SpeechState.SCHEDULED, slot=sooner, title="Sooner one")

    page = await client.get("/dashboard")
    assert page.status_code == 200
    assert "Your next slot:" in page.text
    assert "Confirm my slot" in page.text  # the sooner slot waits for confirmation


async def test_a_failing_review_of_a_speech_the_reviewer_cannot_see_is_not_found(client) -> None:
    """A mentor of another group sends a broken review form: 404, as for a good one."""
    from tests.soapbox.factories import make_speech

    speaker = await make_member(email="ana@example.org")
    await make_cohort("Mecca", members=[speaker], mentors=[await make_user(role=Role.MENTOR)])
    outsider = await make_user(email="marco@example.org", role=Role.MENTOR)
    await make_cohort("Thermal", mentors=[outsider])
    speech = await make_speech(speaker)
    await log_in(client, "marco@example.org", PASSWORD)
    page = await client.get("/speeches/reviews")

    for form in ({"decision": "accepted"}, {"decision": "nonsense", "clarity": "9"}, {}):
        response = await client.post(
            f"/speeches/{speech.id}/review", data={**form, "csrf_token": csrf_from(page.text)}
        )
        assert response.status_code == 404, form

    assert (await Speech.get(id=speech.id)).state == "submitted"
