"""Practice nights (the mentor marks a practice speech delivered, scored on the Soapbox
review's rubric) and "My journey" on My path: every step from the first reflection to
the delivered speech, with dates, in English and in Spanish."""

from __future__ import annotations

import re
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
    make_slot,
    make_speech,
    make_stage,
)
from yoc.accounts.enums import Role
from yoc.curriculum.enums import ActivityKind, Completion, ProgressState
from yoc.curriculum.models import ActivityProgress, PracticeFeedback
from yoc.curriculum.services import catalog, practice, progress
from yoc.i18n import format_date, use_language
from yoc.soapbox.enums import Rubric, RubricScore, SpeechState
from yoc.soapbox.services import schedule, transitions

S = SpeechState


@pytest.fixture
async def night(app):
    mentor = await make_user(role=Role.MENTOR, email="lucia@example.org", name="Lucía Mentor")
    ana = await make_member(email="ana@example.org", name="Ana Torres")
    cohort = await make_cohort(members=[ana], mentors=[mentor])
    track = await make_track("Leadership", "Liderazgo")
    module = await make_module(track, "Public speaking", "Oratoria")
    activity = await catalog.create_activity(
        module_id=module.id,
        kind=ActivityKind.PRACTICE_NIGHT,
        completion=Completion.ATTENDANCE,
        title_en="Soapbox practice night",
        title_es="Noche de práctica Soapbox",
    )
    await give(ana, module)
    return {"mentor": mentor, "ana": ana, "cohort": cohort, "module": module, "activity": activity}


async def test_the_practice_form_asks_for_the_soapbox_review_rubric(client, night):
    await log_in(client, "lucia@example.org", PASSWORD)
    cohort, activity, ana = night["cohort"], night["activity"], night["ana"]

    roster = await client.get(f"/cohorts/{cohort.id}/attendance/{activity.id}")
    link = f"/cohorts/{cohort.id}/practice/{activity.id}/{ana.id}"
    assert f'href="{link}"' in roster.text
    page = await client.get(link)

    assert page.status_code == 200
    legends = re.findall(r"<legend>([^<]+)</legend>", page.text)
    assert legends == [c.label for c in Rubric]
    for criterion in Rubric:
        assert re.findall(rf'name="{criterion.value}" value="(\d)"', page.text) == [
            str(s.value) for s in RubricScore
        ]


async def test_mentor_records_a_delivered_practice_speech_with_rubric_feedback(client, night):
    await log_in(client, "lucia@example.org", PASSWORD)
    cohort, activity, ana = night["cohort"], night["activity"], night["ana"]
    link = f"/cohorts/{cohort.id}/practice/{activity.id}/{ana.id}"

    refused = await post_form(client, link, {"clarity": "3", "comments": "Good"})
    assert refused.status_code == 422
    assert await PracticeFeedback.all().count() == 0

    response = await post_form(
        client,
        link,
        {"clarity": "3", "voice": "4", "call_to_action": "2", "comments": "Slow down at the end."},
    )

    assert response.status_code == 303
    feedback = await PracticeFeedback.get(progress__member=ana).prefetch_related("progress")
    assert feedback.scores == {"clarity": 3, "voice": 4, "call_to_action": 2}
    assert (feedback.comments, feedback.mentor_name) == ("Slow down at the end.", "Lucía Mentor")
    assert feedback.progress.state == ProgressState.DONE
    # Recorded once: a second form (another tab) is refused and changes nothing.
    again = await post_form(client, link, {"clarity": "1", "voice": "1", "call_to_action": "1"})
    assert again.status_code in (200, 409)
    assert await PracticeFeedback.filter(progress__member=ana).count() == 1
    # The member sees it on her module page, with the rubric's words.
    client.cookies.clear()
    await log_in(client, "ana@example.org", PASSWORD)
    page = await client.get(f"/learn/modules/{night['module'].id}")
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', page.text)
    assert rows == [
        ("Clarity", "3/4 · Strong"),
        ("Personal voice", "4/4 · Outstanding"),
        ("Call to action", "2/4 · Getting there"),
    ]


async def test_only_the_members_mentor_records_a_practice_speech(night):
    stranger = await make_user(role=Role.MENTOR, email="otto@example.org")
    with pytest.raises(Exception) as refused:
        await practice.record(
            mentor=stranger,
            activity_id=night["activity"].id,
            member_id=night["ana"].id,
            scores={"clarity": 3, "voice": 3, "call_to_action": 3},
            comments="",
        )
    assert refused.value.code == "not_found"
    assert await PracticeFeedback.all().count() == 0


async def test_my_journey_shows_each_step_with_dates_in_both_languages(client, night, settings):
    ana, mentor = night["ana"], night["mentor"]
    staff = await make_user(role=Role.STAFF, email="staff@example.org")
    reflect = await make_activity(
        night["module"],
        "My Soapbox Speech draft",
        "El borrador de mi Discurso Soapbox",
        completion=Completion.REFLECTION,
    )
    await progress.submit_reflection(ana, reflect.id, "My story.")
    row = await ActivityProgress.get(member=ana, activity=reflect)
    await progress.review(
        mentor=mentor, progress_id=row.id, approve=True, feedback="", settings=settings
    )
    await practice.record(
        mentor=mentor,
        activity_id=night["activity"].id,
        member_id=ana.id,
        scores={"clarity": 3, "voice": 4, "call_to_action": 2},
        comments="Slow down.",
    )
    day = la_today() - timedelta(days=2)
    event = await make_evening_event(day, name_en="Soapbox Night", name_es="Noche Soapbox")
    slot = await make_slot(await make_stage(event), local(day, 18))
    speech = await make_speech(
        ana,
        state=S.ACCEPTED,
        title="Clean air",
        available=[(local(day, 17), local(day, 20))],
    )
    await schedule.place(
        actor=staff, event=event, speech_id=speech.id, slot_id=slot.id, settings=settings
    )
    await transitions.move(speech.id, S.CONFIRMED, actor=ana, settings=settings)
    await transitions.move(speech.id, S.DELIVERED, actor=staff, settings=settings)
    await log_in(client, "ana@example.org", PASSWORD)

    for language, expected in (
        (
            "en",
            [
                ("Reflection sent", "My Soapbox Speech draft"),
                ("Reflection approved", "My Soapbox Speech draft"),
                ("Practice speech delivered", "Soapbox practice night"),
                ("Module finished", "Public speaking"),
                ("Proposal accepted", "“Clean air”"),
                ("Slot given", "“Clean air”"),
                ("Slot confirmed", "“Clean air”"),
                ("Speech delivered", "“Clean air”"),
                ("Badge earned", "Leadership"),  # the track, all of it done
                ("Badge earned", "Soapbox Speech delivered"),
            ],
        ),
        (
            "es",
            [
                ("Reflexión enviada", "El borrador de mi Discurso Soapbox"),
                ("Reflexión aprobada", "El borrador de mi Discurso Soapbox"),
                ("Discurso de práctica dado", "Noche de práctica Soapbox"),
                ("Módulo terminado", "Oratoria"),
                ("Propuesta aceptada", "“Clean air”"),
                ("Horario asignado", "“Clean air”"),
                ("Horario confirmado", "“Clean air”"),
                ("Discurso dado", "“Clean air”"),
                ("Insignia obtenida", "Liderazgo"),
                ("Insignia obtenida", "Discurso Soapbox pronunciado"),
            ],
        ),
    ):
        ana.language = language
        await ana.save(update_fields=["language"])
        page = await client.get("/learn")
        assert page.status_code == 200
        journey = re.search(r'<section class="card journey".*?</section>', page.text, re.S).group(0)
        steps = re.findall(
            r'<li class="journey-step">\s*<p><strong>([^<]+)</strong> · '
            r'<time datetime="([^"]+)">([^<]+)</time></p>\s*<p><a href="[^"]+">([^<]+)</a>',
            journey,
        )
        assert sorted((words, title) for words, _, _, title in steps) == sorted(expected), steps
        with use_language(language):
            today = format_date(la_today(), "long")
        assert {written for _, _, written, _ in steps} >= {today}
        assert all(written for _, _, written, _ in steps)
    assert 'href="/static/css/print.css" media="print"' in page.text
