"""A mentor changes a planned meeting (day, time, place, topic) or cancels it, or the
later meetings of its weekly series too. Cancelling asks first. The members who said
they would come are told, once, in their language; a meeting that has started stays as
it is, and another group's mentor finds nothing to change."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.conftest import confirm, csrf_from, post_form
from tests.members.factories import make_member
from tests.participation.conftest import make_meeting, signed_in
from yoc.accounts.models import User
from yoc.i18n import local_time
from yoc.mail import OutboxMessage
from yoc.participation.enums import Presence, Rsvp
from yoc.participation.models import Meeting, MeetingAttendance, MeetingRsvp
from yoc.participation.services import meetings
from yoc.timeutil import utcnow


def form_of(meeting: Meeting, **changes: str) -> dict[str, str]:
    when = local_time(meeting.starts_at)
    values = {
        "day": when.date().isoformat(),
        "start": when.strftime("%H:%M"),
        "minutes": str(meeting.minutes),
        "place": meeting.place,
        "topic": meeting.topic,
        "module_id": "",
    }
    return {**values, **changes}


async def answered(meeting: Meeting, member: User, answer: Rsvp) -> None:
    await MeetingRsvp.create(meeting=meeting, member=member, answer=answer)


async def mails(template: str) -> list[OutboxMessage]:
    return list(await OutboxMessage.filter(template=template).order_by("to_email"))


async def test_a_mentor_moves_a_meeting_and_those_who_answered_are_asked_again(
    client, cast
) -> None:
    meeting = await make_meeting(cast.cohort, place="Mecca Library")
    await User.filter(id=cast.member.id).update(language="es")
    await answered(meeting, cast.member, Rsvp.YES)
    beto = await make_member(age=16, name="Beto Cruz", email="beto@example.org")
    await cast.cohort.members.add(beto)
    await answered(meeting, beto, Rsvp.NO)
    # Someone who answered, then left the group, is not written to.
    gone = await make_member(age=17, name="Gabi Luna", email="gabi@example.org")
    await answered(meeting, gone, Rsvp.YES)
    await signed_in(client, cast.mentor)

    page = await client.get(f"/meetings/{meeting.id}/edit")
    assert page.status_code == 200
    assert 'value="Mecca Library"' in page.text
    later = local_time(meeting.starts_at) + timedelta(days=1)
    changed = await post_form(
        client,
        f"/meetings/{meeting.id}/edit",
        form_of(meeting, day=later.date().isoformat(), place="Mecca Library, room 2"),
    )

    assert changed.status_code == 303
    assert changed.headers["location"] == f"/cohorts/{cast.cohort.id}/meetings"
    meeting = await Meeting.get(id=meeting.id)
    assert (meeting.place, local_time(meeting.starts_at).date()) == (
        "Mecca Library, room 2",
        later.date(),
    )
    # Their answers were for the old day: each is told, in their language, and asked again.
    told = await mails("meeting_changed")
    assert [(m.to_email, m.language) for m in told] == [
        ("beto@example.org", "en"),
        ("itzel@example.org", "es"),
    ]
    assert "Mecca Library, room 2" in told[1].body_text
    assert "Hola, Itzel Ramírez:" in told[1].body_text
    assert "tell your group again whether you will come" in told[0].body_text
    assert await MeetingRsvp.filter(meeting=meeting).count() == 0


async def test_a_new_place_alone_keeps_the_answers(client, cast) -> None:
    meeting = await make_meeting(cast.cohort, place="Mecca Library")
    await answered(meeting, cast.member, Rsvp.YES)
    await signed_in(client, cast.mentor)

    await post_form(client, f"/meetings/{meeting.id}/edit", form_of(meeting, place="Oasis"))

    [told] = await mails("meeting_changed")
    assert "If you can no longer come, tell your group here:" in told.body_text
    assert await MeetingRsvp.filter(meeting=meeting, answer=Rsvp.YES).count() == 1


async def test_a_meeting_cannot_be_moved_to_a_time_that_has_passed(client, cast) -> None:
    meeting = await make_meeting(cast.cohort)
    await signed_in(client, cast.mentor)
    earlier = local_time(utcnow() - timedelta(hours=2))

    refused = await post_form(
        client,
        f"/meetings/{meeting.id}/edit",
        form_of(meeting, day=earlier.date().isoformat(), start=earlier.strftime("%H:%M")),
    )

    assert refused.status_code == 422
    assert (await Meeting.get(id=meeting.id)).starts_at == meeting.starts_at


async def test_a_change_with_a_mistake_keeps_what_was_typed_and_changes_nothing(
    client, cast
) -> None:
    meeting = await make_meeting(cast.cohort, topic="Our stories, our stage")
    await signed_in(client, cast.mentor)

    refused = await post_form(
        client,
        f"/meetings/{meeting.id}/edit",
        form_of(meeting, topic="Speaking up at the school board", place=""),
    )

    assert refused.status_code == 422
    assert 'value="Speaking up at the school board"' in refused.text
    assert (await Meeting.get(id=meeting.id)).topic == "Our stories, our stage"
    assert await mails("meeting_changed") == []


@pytest.mark.parametrize("why", ["started", "attendance"])
async def test_a_meeting_that_has_started_or_whose_roll_is_taken_stays_as_it_is(
    client, cast, why
) -> None:
    if why == "started":
        meeting = await make_meeting(cast.cohort, starts_at=utcnow() - timedelta(minutes=10))
    else:  # a few minutes early, the mentor has begun the roll
        meeting = await make_meeting(cast.cohort)
        await MeetingAttendance.create(
            meeting=meeting, member=cast.member, presence=Presence.PRESENT,
            marked_by=cast.mentor, marked_at=utcnow(),
        )  # fmt: skip
    await signed_in(client, cast.mentor)

    changed = await post_form(
        client, f"/cohorts/{cast.cohort.id}/meetings", form_of(meeting, place="Elsewhere"),
        action=f"/meetings/{meeting.id}/edit",
    )  # fmt: skip
    cancelled = await post_form(
        client, f"/cohorts/{cast.cohort.id}/meetings", {"confirm": "yes"},
        action=f"/meetings/{meeting.id}/cancel",
    )  # fmt: skip

    assert (changed.status_code, cancelled.status_code) == (409, 409)
    assert (await Meeting.get(id=meeting.id)).place == meeting.place
    marks = 0 if why == "started" else 1
    assert await MeetingAttendance.filter(meeting=meeting).count() == marks


@pytest.mark.parametrize("path", ["edit", "cancel"])
async def test_another_groups_mentor_finds_nothing_to_change(client, cast, path) -> None:
    meeting = await make_meeting(cast.cohort)
    await signed_in(client, cast.other_mentor)

    page = await client.get(f"/meetings/{meeting.id}/{path}")

    assert page.status_code == 404
    assert await Meeting.filter(id=meeting.id).exists()


async def test_cancelling_the_rest_of_a_series_asks_first_and_tells_each_person_once(
    client, cast
) -> None:
    first, second, third = await meetings.plan_meetings(
        actor=cast.mentor,
        cohort_id=cast.cohort.id,
        plan=meetings.Plan(
            starts_at=utcnow() + timedelta(days=2),
            minutes=90,
            place="Mecca Library",
            topic="Policy 101",
            weeks=3,
        ),
    )
    await answered(second, cast.member, Rsvp.YES)
    await answered(third, cast.member, Rsvp.YES)
    await signed_in(client, cast.mentor)

    asked = await post_form(
        client,
        f"/meetings/{second.id}/edit",
        {"later": "1"},
        action=f"/meetings/{second.id}/cancel",
    )
    assert asked.status_code == 200
    assert "Cancel 2 meetings of “Policy 101”?" in asked.text
    assert await Meeting.filter(cohort=cast.cohort).count() == 3

    done = await confirm(client, asked)

    assert done.headers["location"] == f"/cohorts/{cast.cohort.id}/meetings"
    assert [m.id for m in await Meeting.filter(cohort=cast.cohort)] == [first.id]
    [told] = await mails("meeting_cancelled")
    assert told.to_email == "itzel@example.org"
    assert "Policy 101" in told.body_text
    assert told.body_text.count("Mecca Library") == 2  # both dates, in one email


async def test_cancelling_one_meeting_leaves_the_rest_of_its_series(client, cast) -> None:
    first, second = await meetings.plan_meetings(
        actor=cast.mentor,
        cohort_id=cast.cohort.id,
        plan=meetings.Plan(
            starts_at=utcnow() + timedelta(days=2), minutes=60, place="Oasis", topic="Maps",
            weeks=2,
        ),
    )  # fmt: skip
    await signed_in(client, cast.mentor)

    asked = await post_form(
        client, f"/meetings/{first.id}/edit", {}, action=f"/meetings/{first.id}/cancel"
    )
    assert "Cancel the meeting “Maps”?" in asked.text
    await confirm(client, asked)

    assert [m.id for m in await Meeting.filter(cohort=cast.cohort)] == [second.id]
    assert await mails("meeting_cancelled") == []  # nobody had said they would come


async def test_the_group_page_links_to_changing_each_coming_meeting(client, cast) -> None:
    meeting = await make_meeting(cast.cohort)
    await signed_in(client, cast.mentor)

    page = await client.get(f"/cohorts/{cast.cohort.id}/meetings")

    assert f'href="/meetings/{meeting.id}/edit"' in page.text
    assert csrf_from(page.text)


async def test_in_spanish_the_place_of_a_meeting_is_lugar_not_the_boards_verb(client, cast) -> None:
    """ "Place" is a noun on these forms and a verb on the Soapbox board ("Asignar")."""
    meeting = await make_meeting(cast.cohort)
    await User.filter(id=cast.mentor.id).update(language="es")
    await signed_in(client, cast.mentor)

    for path in (f"/cohorts/{cast.cohort.id}/meetings", f"/meetings/{meeting.id}/edit"):
        page = (await client.get(path)).text
        assert re.search(r'<label for="f-place">\s*Lugar', page), path


@pytest.mark.parametrize("path", ["edit", "cancel"])
async def test_nobody_signed_out_and_no_member_may_change_or_cancel(client, cast, path) -> None:
    meeting = await make_meeting(cast.cohort)

    signed_out = await client.get(f"/meetings/{meeting.id}/{path}")
    await signed_in(client, cast.member)
    member = await client.get(f"/meetings/{meeting.id}/{path}")

    assert signed_out.status_code == 303 and "/login" in signed_out.headers["location"]
    assert member.status_code in (403, 404)
    assert await Meeting.filter(id=meeting.id).exists()
