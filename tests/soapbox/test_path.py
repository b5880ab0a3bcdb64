"""From the classroom to the stage: a Soapbox call requires modules before a member may
send a proposal (pages and API), a mentor's waiver is logged and lets her propose, a
reflection becomes a proposal's first draft, a delivered speech earns a badge once, and
the public speaker page shows only what consent allows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests.conftest import log_in, post_form
from tests.curriculum.factories import give, make_activity, make_module, make_track
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_cohort, make_member
from tests.soapbox.factories import (
    la_today,
    local,
    make_evening_event,
    make_placed,
    make_slot,
    make_speech,
    make_stage,
    publish,
)
from tests.tickets.factories import bearer_for
from yoc.accounts.enums import Role
from yoc.audit import AuditEntry
from yoc.curriculum.enums import ActivityKind, Completion
from yoc.curriculum.models import ActivityProgress, Badge
from yoc.curriculum.services import catalog, progress
from yoc.errors import PermissionDenied
from yoc.i18n import format_date, use_language
from yoc.members.enums import ConsentPurpose
from yoc.members.services import consent
from yoc.soapbox.enums import SpeechState
from yoc.soapbox.models import ReadinessWaiver, SpeakerCalendar, Speech
from yoc.soapbox.services import readiness, transitions

S = SpeechState


@dataclass
class Speaking:
    module: object
    practice: object  # self-marked
    draft: object  # the "speech" reflection


async def make_speaking_module(*members) -> Speaking:
    """A "Public speaking" module whose second activity is where the speech is written
    (so it is what a call requires by default), given to ``members``."""
    track = await make_track("Leadership", "Liderazgo")
    module = await make_module(track, "Public speaking", "Oratoria")
    practice = await make_activity(module, "Practice with a partner", "Practica con una pareja")
    draft = await catalog.create_activity(
        module_id=module.id,
        kind=ActivityKind.SPEECH,
        completion=Completion.REFLECTION,
        title_en="My Soapbox Speech draft",
        title_es="El borrador de mi Discurso Soapbox",
    )
    for member in members:
        await give(member, module)
    return Speaking(module, practice, draft)


async def finish(member, mentor, speaking: Speaking, settings, text: str = "My story.") -> int:
    """The member finishes the module; return the id of her approved speech draft."""
    await progress.mark_done(member, speaking.practice.id)
    await progress.submit_reflection(member, speaking.draft.id, text)
    row = await ActivityProgress.get(member=member, activity=speaking.draft)
    await progress.review(
        mentor=mentor, progress_id=row.id, approve=True, feedback="", settings=settings
    )
    return row.id


@pytest.fixture
async def world(app):
    mentor = await make_user(role=Role.MENTOR, email="lucia@example.org", name="Lucía Mentor")
    other_mentor = await make_user(role=Role.MENTOR, email="otto@example.org", name="Otto")
    ana = await make_member(email="ana@example.org", name="Ana Torres")
    carla = await make_member(email="carla@example.org", name="Carla Ruiz")
    await make_cohort(members=[ana], mentors=[mentor])
    await make_cohort(members=[carla], mentors=[other_mentor])
    speaking = await make_speaking_module(ana, carla)
    return {
        "mentor": mentor,
        "other_mentor": other_mentor,
        "ana": ana,
        "carla": carla,
        "speaking": speaking,
    }


def proposal(**extra: str) -> dict[str, str]:
    day = la_today() + timedelta(days=20)
    return {
        "title": "Clean air",
        "topic": "Air",
        "summary": "The dust from the Salton Sea.",
        "language": "en",
        "minutes": "4",
        "avail_date_0": day.isoformat(),
        "avail_from_0": "17:00",
        "avail_to_0": "20:00",
        **extra,
    }


# Readiness ------------------------------------------------------------------------


async def test_member_not_ready_sees_what_is_left_with_links_and_cannot_send(client, world):
    module = world["speaking"].module
    await log_in(client, "ana@example.org", PASSWORD)

    page = await client.get("/speeches/new")

    assert page.status_code == 200
    left = re.search(r'<ul class="readiness-left">(.*?)</ul>', page.text, re.S)
    assert left, page.text
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', left.group(1)) == [
        (f"/learn/modules/{module.id}", "Public speaking")
    ]
    assert 'value="submit"' not in page.text  # no "Send for review" button

    # Sending anyway (an old page, a crafted form): the draft is kept, nothing is sent.
    response = await post_form(client, "/speeches/new", proposal(action="submit"))

    assert response.status_code == 403
    assert "Finish the modules this call asks for" in response.text
    assert 'class="readiness-left"' in response.text
    speech = await Speech.get(speaker=world["ana"])
    assert speech.state == S.DRAFT
    assert speech.submitted_at is None


async def test_member_not_ready_cannot_send_through_the_api(client, world):
    speech = await make_speech(world["ana"], state=S.DRAFT)

    response = await client.post(
        f"/api/v1/speeches/{speech.id}/transition",
        json={"to": "submitted"},
        headers=await bearer_for(world["ana"]),
    )

    assert response.status_code == 403
    assert response.json()["error"] == "not_ready"
    await speech.refresh_from_db()
    assert speech.state == S.DRAFT


async def test_member_who_finished_the_module_sends_her_proposal(client, world, settings):
    await finish(world["ana"], world["mentor"], world["speaking"], settings)
    await log_in(client, "ana@example.org", PASSWORD)

    page = await client.get("/speeches/new")
    assert 'class="readiness-left"' not in page.text
    response = await post_form(client, "/speeches/new", proposal(action="submit"))

    assert response.status_code == 303, response.text
    assert (await Speech.get(speaker=world["ana"])).state == S.SUBMITTED


async def test_a_call_sets_its_own_modules_and_none_means_anyone_ready(world, settings):
    staff = await make_user(role=Role.STAFF)
    event = await make_evening_event(la_today() + timedelta(days=20))
    await make_stage(event)
    other = await make_module(await make_track(), "Know your rights", "Conoce tus derechos")

    assert [m.id for m in (await readiness.readiness(world["ana"], event.id)).missing] == [
        world["speaking"].module.id
    ]
    await readiness.set_call(actor=staff, event=event, module_ids=[other.id])
    assert [m.title_en for m in (await readiness.readiness(world["ana"], event.id)).missing] == [
        "Know your rights"
    ]
    await readiness.set_call(actor=staff, event=event, module_ids=[])
    assert (await readiness.readiness(world["ana"], event.id)).ready
    # Another event still asks for the default.
    assert not (await readiness.readiness(world["ana"], None)).ready


async def test_staff_set_the_call_on_the_board(client, world):
    await make_user(role=Role.STAFF, email="staff@example.org")
    event = await make_evening_event(la_today() + timedelta(days=20))
    await make_stage(event)
    other = await make_module(await make_track(), "Know your rights", "Conoce tus derechos")
    await log_in(client, "staff@example.org", PASSWORD)
    board = f"/staff/events/{event.slug}/schedule"

    page = await client.get(board)
    checked = re.findall(r'name="module_ids" value="(\d+)" checked', page.text)
    assert checked == [str(world["speaking"].module.id)]  # the default
    response = await post_form(
        client, board, {"module_ids": str(other.id)}, action=f"/staff/events/{event.slug}/call"
    )

    assert response.status_code == 303
    page = await client.get(board)
    assert re.findall(r'name="module_ids" value="(\d+)" checked', page.text) == [str(other.id)]
    assert await readiness.required_module_ids(event.id) == [other.id]


# Waivers --------------------------------------------------------------------------


async def test_mentor_waiver_is_logged_and_lets_the_member_propose(client, world, settings):
    await log_in(client, "lucia@example.org", PASSWORD)
    page = f"/speeches/readiness/{world['ana'].id}"

    refused = await post_form(client, page, {"reason": "  "})
    assert refused.status_code == 422
    assert await ReadinessWaiver.all().count() == 0

    response = await post_form(client, page, {"reason": "She spoke at last year's Pride."})

    assert response.status_code == 303
    waiver = await ReadinessWaiver.get(member=world["ana"])
    assert (waiver.granted_by_id, waiver.granted_by_name, waiver.reason) == (
        world["mentor"].id,
        "Lucía Mentor",
        "She spoke at last year's Pride.",
    )
    logged = await AuditEntry.filter(actor=world["mentor"], subject=world["ana"])
    assert [e.detail for e in logged if e.detail.get("soapbox")] == [
        {"soapbox": "readiness_waived"}
    ]
    speech = await make_speech(world["ana"], state=S.DRAFT)
    moved = await transitions.move(speech.id, S.SUBMITTED, actor=world["ana"], settings=settings)
    assert moved.speech.state == S.SUBMITTED


async def test_staff_see_who_waived_when_and_why(client, world):
    await readiness.waive(mentor=world["mentor"], member_id=world["ana"].id, reason="Ready now.")
    await make_user(role=Role.STAFF, email="staff@example.org")
    await log_in(client, "staff@example.org", PASSWORD)

    page = await client.get("/staff/soapbox/waivers")

    assert page.status_code == 200
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", page.text, re.S).group(1)
    cells = [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    assert cells[0] == "Ana Torres"
    assert cells[1] == "Lucía Mentor"
    assert cells[2] != ""
    assert cells[3] == "Ready now."


async def test_only_the_members_own_mentor_or_staff_may_waive(client, world):
    with pytest.raises(Exception) as refused:
        await readiness.waive(
            mentor=world["other_mentor"], member_id=world["ana"].id, reason="Ready."
        )
    assert refused.value.code == "not_found"
    with pytest.raises(Exception) as refused:
        await readiness.waive(mentor=world["carla"], member_id=world["ana"].id, reason="Ready.")
    assert refused.value.code == "not_found"
    await log_in(client, "otto@example.org", PASSWORD)
    assert (await client.get(f"/speeches/readiness/{world['ana'].id}")).status_code == 404
    client.cookies.clear()
    await log_in(client, "carla@example.org", PASSWORD)
    assert (await client.get(f"/speeches/readiness/{world['ana'].id}")).status_code in (403, 404)
    assert await ReadinessWaiver.all().count() == 0


async def test_staff_waiver_list_is_for_staff_only(client, world):
    await log_in(client, "lucia@example.org", PASSWORD)
    assert (await client.get("/staff/soapbox/waivers")).status_code == 403
    with pytest.raises(PermissionDenied):
        await readiness.all_waivers(world["mentor"])


# The speech grows from the work ---------------------------------------------------


async def test_a_reflection_becomes_the_first_draft_and_the_mentor_sees_the_link_both_ways(
    client, world, settings
):
    text = "When the clinic in Mecca closed, my mother drove an hour."
    reflection_id = await finish(world["ana"], world["mentor"], world["speaking"], settings, text)
    await log_in(client, "ana@example.org", PASSWORD)

    module_page = await client.get(f"/learn/modules/{world['speaking'].module.id}")
    assert f'href="/speeches/new?reflection={reflection_id}"' in module_page.text
    form = await client.get(f"/speeches/new?reflection={reflection_id}")
    assert form.status_code == 200
    assert f'name="reflection_id" value="{reflection_id}"' in form.text
    summary = re.search(r'<textarea id="f-summary"[^>]*>(.*?)</textarea>', form.text, re.S)
    assert summary.group(1).strip() == text
    assert 'value="My Soapbox Speech draft"' in form.text  # the title to rework

    response = await post_form(
        client,
        f"/speeches/new?reflection={reflection_id}",
        proposal(reflection_id=str(reflection_id), summary=text, action="submit"),
        action="/speeches/new",
    )
    assert response.status_code == 303, response.text
    speech = await Speech.get(speaker=world["ana"])
    assert (speech.reflection_id, speech.summary, speech.state) == (
        reflection_id,
        text,
        S.SUBMITTED,
    )

    client.cookies.clear()
    await log_in(client, "lucia@example.org", PASSWORD)
    review = await client.get(f"/speeches/{speech.id}")
    grew = re.search(r'<dd id="grew-from"><a href="([^"]+)">([^<]+)</a>', review.text)
    assert grew.groups() == (f"/mentor/reflections/{reflection_id}", "My Soapbox Speech draft")
    reflection_page = await client.get(f"/mentor/reflections/{reflection_id}")
    assert reflection_page.status_code == 200
    assert f'<a href="/speeches/{speech.id}">“Clean air”</a>' in reflection_page.text


async def test_someone_elses_reflection_cannot_start_a_proposal(client, world, settings):
    carlas = await finish(world["carla"], world["other_mentor"], world["speaking"], settings)
    await log_in(client, "ana@example.org", PASSWORD)

    assert (await client.get(f"/speeches/new?reflection={carlas}")).status_code == 404
    response = await post_form(
        client, "/speeches/new", proposal(reflection_id=str(carlas), action="save")
    )
    assert response.status_code == 404
    assert await Speech.filter(speaker=world["ana"]).count() == 0
    # Nor may another group's mentor read it.
    client.cookies.clear()
    await log_in(client, "lucia@example.org", PASSWORD)
    assert (await client.get(f"/mentor/reflections/{carlas}")).status_code == 404


# On stage ------------------------------------------------------------------------


async def _delivered_world(world, settings):
    staff = await make_user(role=Role.STAFF, email="staff@example.org", name="Sam Staff")
    day = la_today() - timedelta(days=3)
    event = await make_evening_event(
        day, slug="soapbox-night", name_en="Soapbox Night", name_es="Noche Soapbox"
    )
    stage = await make_stage(event)
    slot = await make_slot(stage, local(day, 18))
    speech = await make_placed(world["ana"], slot, state=S.CONFIRMED, title="Clean air for all")
    await publish(event, settings)
    return staff, event, speech


async def test_delivered_speech_earns_a_public_badge_once(world, settings):
    staff, _, speech = await _delivered_world(world, settings)

    await transitions.move(speech.id, S.DELIVERED, actor=staff, settings=settings)
    with pytest.raises(Exception) as again:
        await transitions.move(speech.id, S.DELIVERED, actor=staff, settings=settings)

    assert again.value.code == "transition_not_allowed"
    badges = await Badge.filter(member=world["ana"])
    assert [(b.achievement_key, b.title_en, b.title_es, b.public) for b in badges] == [
        (f"speech:{speech.id}", "Soapbox Speech delivered", "Discurso Soapbox pronunciado", True)
    ]
    # Awarding again (a retry, a second worker) gives nothing new.
    from yoc.curriculum.services import badges as badge_service

    assert await badge_service.award_for_speech(world["ana"].id, speech.id) is None
    assert await Badge.filter(member=world["ana"]).count() == 1


async def test_public_speaker_page_shows_talk_badge_and_membership_date(client, world, settings):
    staff, event, speech = await _delivered_world(world, settings)
    await transitions.move(speech.id, S.DELIVERED, actor=staff, settings=settings)
    key = (await SpeakerCalendar.get(user=world["ana"])).public_key
    profile = await world["ana"].profile
    lineup = await client.get(f"/events/{event.slug}/lineup")
    assert f'<a href="/speakers/{key}">Ana T.</a>' in lineup.text

    page = await client.get(f"/speakers/{key}")

    assert page.status_code == 200
    assert "<h1>Ana T.</h1>" in page.text
    assert "Ana Torres" not in page.text
    assert "“Clean air for all”" in page.text
    assert "Soapbox Speech delivered" in page.text
    with use_language("en"):
        since = format_date(profile.decided_at, "long")
    assert f"A member of YO-C since {since}" in page.text
    spanish = await client.get(f"/speakers/{key}", headers={"Accept-Language": "es"})
    with use_language("es"):
        since_es = format_date(profile.decided_at, "long")
    assert f"Integrante de YO-C desde el {since_es}" in spanish.text
    assert "Discurso Soapbox pronunciado" in spanish.text


async def test_no_public_name_consent_no_speaker_page_and_no_name(client, world, settings):
    staff, event, speech = await _delivered_world(world, settings)
    await transitions.move(speech.id, S.DELIVERED, actor=staff, settings=settings)
    key = (await SpeakerCalendar.get(user=world["ana"])).public_key
    assert (await client.get(f"/speakers/{key}")).status_code == 200

    await consent.revoke(
        actor=world["ana"], member=world["ana"], purpose=ConsentPurpose.PUBLIC_NAME
    )

    page = await client.get(f"/speakers/{key}")
    assert page.status_code == 404
    assert "Ana" not in page.text
    lineup = await client.get(f"/events/{event.slug}/lineup")
    assert "/speakers/" not in lineup.text
    assert "Ana" not in lineup.text
    assert (await client.get("/speakers/not-a-key")).status_code == 404
