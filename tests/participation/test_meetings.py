"""Weekly meetings: a mentor plans them for their group (one, or a weekly series), the
members see them on their dashboard and answer yes, maybe or no."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.conftest import client_from, csrf_from, post_form
from tests.curriculum.factories import make_module, make_track
from tests.participation.conftest import make_meeting, signed_in
from yoc.members.services.profiles import today
from yoc.participation.models import Meeting, MeetingRsvp


async def _rsvp(client, meeting_id: int, answer: str):
    page = await client.get("/meetings")
    return await client.post(
        f"/meetings/{meeting_id}/rsvp",
        data={"answer": answer, "csrf_token": csrf_from(page.text)},
    )


async def test_member_sees_the_next_meeting_on_the_dashboard_and_answers_it(client, cast) -> None:
    meeting = await make_meeting(cast.cohort, topic="Our stories, our stage")
    await signed_in(client, cast.member)

    dashboard = await client.get("/dashboard")
    assert dashboard.status_code == 200
    assert "Our stories, our stage" in dashboard.text
    assert f'action="/meetings/{meeting.id}/rsvp"' in dashboard.text

    answered = await _rsvp(client, meeting.id, "yes")
    assert answered.status_code == 303
    assert answered.headers["location"] == f"/meetings#meeting-{meeting.id}"
    page = await client.get(answered.headers["location"])
    assert "Thank you! Your group knows you are coming." in page.text
    assert re.search(r'<span class="badge">I’ll be there</span>', page.text)

    await _rsvp(client, meeting.id, "maybe")
    rows = await MeetingRsvp.all().values_list("member_id", "meeting_id", "answer")
    assert rows == [(cast.member.id, meeting.id, "maybe")]


async def test_member_cannot_answer_for_another_groups_meeting(client, cast) -> None:
    others = await make_meeting(cast.other_cohort)
    await signed_in(client, cast.member)

    answered = await _rsvp(client, others.id, "yes")

    assert answered.status_code == 404
    assert await MeetingRsvp.all().count() == 0
    page = await client.get("/meetings")
    assert others.topic not in page.text


async def test_answer_to_a_meeting_that_started_is_refused(client, cast) -> None:
    started = await make_meeting(cast.cohort, starts_at=cast.cohort.created_at - timedelta(days=1))
    await signed_in(client, cast.member)

    answered = await _rsvp(client, started.id, "no")

    assert answered.status_code == 409
    assert "This meeting has already started." in answered.text
    assert await MeetingRsvp.all().count() == 0


async def test_member_meetings_page_is_in_spanish(client, cast) -> None:
    await make_meeting(cast.cohort)
    cast.member.language = "es"
    await cast.member.save()
    await signed_in(client, cast.member)

    page = await client.get("/meetings")

    assert "Las reuniones de mi grupo" in page.text
    assert "¿Vienes?" in page.text


async def test_mentor_plans_a_weekly_series_linked_to_a_module(client, cast) -> None:
    module = await make_module(
        await make_track("Speak Up", "Alza la voz"), "Public speaking", "Hablar en público"
    )
    await signed_in(client, cast.mentor)
    first_day = today() + timedelta(days=3)

    planned = await post_form(
        client,
        f"/cohorts/{cast.cohort.id}/meetings",
        {
            "day": first_day.isoformat(),
            "start": "16:30",
            "minutes": "90",
            "place": "Mecca Library, Room B",
            "topic": "Practice night",
            "module_id": str(module.id),
            "weeks": "4",
        },
    )

    assert planned.status_code == 303
    meetings = await Meeting.filter(cohort=cast.cohort).order_by("starts_at")
    assert [m.starts_at - meetings[0].starts_at for m in meetings] == [
        timedelta(weeks=w) for w in range(4)
    ]
    assert {(m.topic, m.module_id, m.created_by_id) for m in meetings} == {
        ("Practice night", module.id, cast.mentor.id)
    }
    assert len({m.series for m in meetings}) == 1 and meetings[0].series
    page = await client.get(planned.headers["location"])
    assert "4 meetings planned." in page.text
    assert page.text.count("Take attendance") == 4


async def test_mentor_of_another_group_cannot_plan_its_meetings(client, cast) -> None:
    await signed_in(client, cast.other_mentor)

    page = await client.get(f"/cohorts/{cast.cohort.id}/meetings")
    assert page.status_code == 404
    response = await client.post(
        f"/cohorts/{cast.cohort.id}/meetings",
        data={
            "day": (today() + timedelta(days=2)).isoformat(),
            "start": "16:00",
            "place": "Anywhere",
            "topic": "Not mine",
            "csrf_token": csrf_from((await client.get("/dashboard")).text),
        },
    )

    assert response.status_code == 404
    assert await Meeting.all().count() == 0


async def test_a_member_cannot_plan_meetings(app, cast) -> None:
    async with client_from(app, "10.0.0.9") as member:
        await signed_in(member, cast.member)
        page = await member.get(f"/cohorts/{cast.cohort.id}/meetings")
    assert page.status_code == 403


async def test_plan_form_says_what_is_missing(client, cast) -> None:
    await signed_in(client, cast.mentor)

    refused = await post_form(client, f"/cohorts/{cast.cohort.id}/meetings", {"weeks": "1"})

    assert refused.status_code == 422
    assert 'id="f-place-error"' in refused.text
    assert 'id="f-day-error"' in refused.text
    assert await Meeting.all().count() == 0
