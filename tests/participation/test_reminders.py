"""Reminders by email, queued by the worker: an assignment due in two days, a Soapbox
slot still waiting for confirmation 48 hours before, a group meeting the day before.
Each goes once, in the recipient's language, and only to whoever chose it: a member
gets every kind until they opt out, a guardian none until they opt in."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

from tests.conftest import csrf_from, post_form
from tests.curriculum.factories import give, make_module, make_track
from tests.family.conftest import sign_in, teen_with_guardian
from tests.members.conftest import browser
from tests.participation.conftest import make_meeting, signed_in
from tests.soapbox.factories import la_today, local, make_placed, make_slot, make_stage
from tests.tickets.factories import make_event
from yoc import jobs
from yoc.curriculum.models import ModuleCompletion
from yoc.mail import OutboxMessage
from yoc.participation.enums import ReminderKind, Rsvp
from yoc.participation.models import MeetingRsvp, ReminderSent
from yoc.participation.services import choices, reminders
from yoc.soapbox.enums import SpeechState
from yoc.timeutil import utcnow

TEMPLATES = ["reminder_due", "reminder_meeting", "reminder_speech"]


async def _sent() -> list[tuple[str, str, str]]:
    return sorted(await OutboxMessage.all().values_list("to_email", "template", "language"))


async def _all_three_due_for(member) -> None:
    """An assignment due in two days, a slot in 30 hours not yet confirmed, and a meeting
    of the member's group tomorrow evening."""
    track = await make_track("Speak Up", "Alza la voz")
    module = await make_module(track, "Public speaking", "Hablar en público")
    await give(member, module, due_on=la_today() + timedelta(days=2))
    event = await make_event(starts_at=utcnow() + timedelta(hours=29))
    slot = await make_slot(await make_stage(event), utcnow() + timedelta(hours=30))
    await make_placed(member, slot, state=SpeechState.SCHEDULED, title="Agua limpia")
    cohort = await member.member_cohorts.all().first()
    await make_meeting(cohort, starts_at=local(la_today() + timedelta(days=1), 17))


async def test_a_member_gets_each_reminder_once_in_their_language(settings, cast) -> None:
    cast.member.language = "es"
    await cast.member.save()
    await _all_three_due_for(cast.member)

    first = await reminders.send_due(settings)
    second = await reminders.send_due(settings)

    assert (first, second) == (3, 0)
    assert await _sent() == [("itzel@example.org", t, "es") for t in TEMPLATES]
    subjects = dict(await OutboxMessage.all().values_list("template", "subject"))
    assert subjects["reminder_due"].startswith("Recordatorio: “Hablar en público” vence el ")
    assert subjects["reminder_speech"] == "Por favor confirma tu horario Soapbox"
    assert subjects["reminder_meeting"].startswith("Recordatorio: tu grupo se reúne el ")
    meeting = await OutboxMessage.get(template="reminder_meeting")
    assert "Our stories, our stage" in meeting.body_text
    assert "http://testserver/me/reminders" in meeting.body_text


async def test_english_reminders_for_an_english_reader(settings, cast) -> None:
    await _all_three_due_for(cast.member)

    await reminders.send_due(settings)

    subjects = dict(await OutboxMessage.all().values_list("template", "subject"))
    assert subjects["reminder_due"].startswith("Reminder: “Public speaking” is due on ")
    assert subjects["reminder_speech"] == "Please confirm your Soapbox slot"


async def test_a_member_who_opts_out_of_meetings_gets_only_the_rest(client, settings, cast) -> None:
    await _all_three_due_for(cast.member)
    await signed_in(client, cast.member)

    saved = await post_form(
        client, "/me/reminders", {"kinds": "due_dates"}
    )  # speeches and meetings unticked
    assert saved.status_code == 303
    page = await client.get("/me/reminders")
    assert 'value="due_dates" checked' in page.text
    assert 'value="meetings">' in page.text

    await reminders.send_due(settings)

    assert await _sent() == [("itzel@example.org", "reminder_due", "en")]


async def test_nothing_is_sent_for_a_finished_module_or_a_meeting_the_member_declined(
    settings, cast
) -> None:
    await _all_three_due_for(cast.member)
    await choices.choose_for_member(cast.member, {ReminderKind.DUE_DATES, ReminderKind.MEETINGS})
    due = await cast.member.assignments.all().first()
    await ModuleCompletion.create(member=cast.member, module_id=due.module_id)
    meeting = await cast.cohort.meetings.all().first()
    await MeetingRsvp.create(meeting=meeting, member=cast.member, answer=Rsvp.NO)

    assert await reminders.send_due(settings) == 0
    assert await _sent() == []


async def test_a_guardian_gets_none_until_they_choose_then_in_their_language(
    settings, cast
) -> None:
    teen, _ = await teen_with_guardian(name="Luz Ortega")
    await cast.cohort.members.add(teen)
    for member in (teen, cast.member):  # Itzel, in the same group, chose none either
        await choices.choose_for_member(member, set())
    await _all_three_due_for(teen)

    assert await reminders.send_due(settings) == 0

    await choices.choose_for_guardian("Maria@Example.org", {ReminderKind.MEETINGS})
    assert await reminders.send_due(settings) == 1
    assert await reminders.send_due(settings) == 0

    message = await OutboxMessage.get()
    assert (message.to_email, message.template, message.language) == (
        "maria@example.org",
        "reminder_meeting",
        "es",
    )
    assert message.subject.startswith("Recordatorio: el grupo de Luz Ortega se reúne el ")
    assert "Para elegir qué recordatorios recibe, visite:" in message.body_text
    assert "http://testserver/family/reminders" in message.body_text


async def test_a_teen_who_keeps_progress_private_keeps_due_dates_from_guardians(
    settings, cast
) -> None:
    teen, _ = await teen_with_guardian(age=16, email="luz.mom@example.org")
    await cast.cohort.members.add(teen)
    for member in (teen, cast.member):
        await choices.choose_for_member(member, set())
    await choices.choose_for_guardian("luz.mom@example.org", set(ReminderKind))
    profile = await teen.profile
    profile.hide_progress_from_guardians = True
    await profile.save()
    await _all_three_due_for(teen)

    await reminders.send_due(settings)

    assert await _sent() == [
        ("luz.mom@example.org", "reminder_meeting", "es"),
        ("luz.mom@example.org", "reminder_speech", "es"),
    ]


async def test_two_workers_at_once_queue_each_reminder_once(settings, cast) -> None:
    await _all_three_due_for(cast.member)

    counts = await asyncio.gather(*(reminders.send_due(settings) for _ in range(3)))

    assert sum(counts) == 3
    assert len(await _sent()) == 3
    assert await ReminderSent.all().count() == 3


async def test_the_worker_sends_reminders_by_email(settings, cast, smtp_server) -> None:
    mailbox, url = smtp_server
    await _all_three_due_for(cast.member)

    await jobs.run_once(dataclasses.replace(settings, smtp_url=url))
    await jobs.run_once(dataclasses.replace(settings, smtp_url=url))

    assert sorted(m["Subject"].split(":")[0] for m in mailbox.messages) == [
        "Please confirm your Soapbox slot",
        "Reminder",
        "Reminder",
    ]
    assert {m["To"] for m in mailbox.messages} == {"itzel@example.org"}


async def test_a_guardian_chooses_reminders_on_the_family_page(app, cast) -> None:
    teen, _ = await teen_with_guardian(email="rosa@example.org")
    async with browser(app) as family:
        await sign_in(family, "rosa@example.org")
        teen_page = await family.get(f"/family/teens/{teen.id}")
        assert 'href="/family/reminders"' in teen_page.text
        page = await family.get("/family/reminders")
        assert "¿Qué recordatorios sobre sus jóvenes desea recibir?" in page.text
        assert "checked" not in page.text

        saved = await family.post(
            "/family/reminders",
            data={"kinds": ["meetings", "speeches"], "csrf_token": csrf_from(page.text)},
        )

    assert saved.status_code == 303
    assert await choices.for_guardian("rosa@example.org") == {
        ReminderKind.MEETINGS,
        ReminderKind.SPEECHES,
    }
