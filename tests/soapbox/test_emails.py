"""Each step of a speech emails its speaker, in the speaker's language; confirming a
minor's slot also tells each guardian who has an email address, in their language."""

from __future__ import annotations

from datetime import timedelta

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
from yoc import i18n
from yoc.accounts.enums import Role
from yoc.mail import OutboxMessage
from yoc.members.enums import ContactMethod, Relationship
from yoc.members.models import Guardian
from yoc.soapbox.enums import SpeechState
from yoc.soapbox.models import Slot
from yoc.soapbox.services import transitions
from yoc.timeutil import utcnow

S = SpeechState

# step -> (from, to, who takes it, the subject's message id)
STEPS = {
    "submit": (S.DRAFT, S.SUBMITTED, "speaker", "We received your Soapbox proposal"),
    "accept": (S.SUBMITTED, S.ACCEPTED, "mentor", "Your Soapbox Speech is accepted!"),
    "ask-changes": (
        S.SUBMITTED,
        S.CHANGES_REQUESTED,
        "mentor",
        "Your mentor asks for changes to your Soapbox proposal",
    ),
    "decline": (S.SUBMITTED, S.DECLINED, "mentor", "About your Soapbox proposal"),
    "schedule": (S.ACCEPTED, S.SCHEDULED, "staff", "You have a Soapbox slot: please confirm"),
    "move": (S.SCHEDULED, S.SCHEDULED, "staff", "Your Soapbox slot has changed: please confirm"),
    "confirm": (S.SCHEDULED, S.CONFIRMED, "speaker", "Your Soapbox slot is confirmed"),
    "unschedule": (S.CONFIRMED, S.ACCEPTED, "staff", "Your Soapbox slot was removed"),
    "deliver": (S.CONFIRMED, S.DELIVERED, "staff", "Thank you for your Soapbox Speech!"),
    "withdraw": (S.ACCEPTED, S.WITHDRAWN, "speaker", "Your Soapbox Speech is withdrawn"),
}


def subject_in(language: str, message: str, **params: str) -> str:
    with i18n.use_language(language):
        return i18n.gettext(message, **params)


async def mails() -> list[tuple[str, str, str, str]]:
    return [
        (m.to_email, m.template, m.language, m.subject)
        for m in await OutboxMessage.all().order_by("id")
    ]


@pytest.fixture
async def people(app):
    speaker = await make_member(name="Beto Ruiz", age=19, language="es")
    mentor = await make_user(role=Role.MENTOR, name="Lucía Mentor", language="en")
    await make_cohort(members=[speaker], mentors=[mentor])
    return {
        "speaker": speaker,
        "mentor": mentor,
        "staff": await make_user(role=Role.STAFF, name="Sam Staff", language="en"),
    }


@pytest.fixture
async def event(app):
    return await make_evening_event(la_today() + timedelta(days=10))


async def slot_at(event, hour: int, minute: int = 0):
    stage = await make_stage(event)
    return await make_slot(stage, local(event.starts_at.astimezone(LA).date(), hour, minute))


@pytest.mark.parametrize("step", list(STEPS))
async def test_each_step_emails_the_speaker_in_their_language(
    people, event, settings, step
) -> None:
    source, to, who, subject = STEPS[step]
    speaker = people["speaker"]
    slot = None
    if source in (S.SCHEDULED, S.CONFIRMED):
        held = await slot_at(event, 18)
        if to == S.DELIVERED:
            await Slot.filter(id=held.id).update(starts_at=utcnow() - timedelta(minutes=1))
        speech = await make_placed(speaker, held, state=source)
    else:
        speech = await make_speech(
            speaker, state=source, available=[(event.starts_at, event.ends_at)]
        )
    if to == S.SCHEDULED:
        slot = await slot_at(event, 19)

    await transitions.move(
        speech.id, to, actor=people[who], settings=settings, note="Un comentario.", slot=slot
    )

    assert await mails() == [
        (speaker.email, "speech_update", "es", subject_in("es", subject)),
    ]


async def test_the_speaker_hears_the_reviewers_comments_and_rubric(people, settings) -> None:
    speech = await make_speech(people["speaker"], state=S.SUBMITTED)
    people["speaker"].language = "en"
    await people["speaker"].save()

    await transitions.move(
        speech.id,
        S.CHANGES_REQUESTED,
        actor=people["mentor"],
        settings=settings,
        note="Say more about the dust.",
        rubric={"clarity": 2, "voice": 3, "call_to_action": 1},
    )

    (mail,) = await OutboxMessage.all()
    assert "Say more about the dust." in mail.body_text
    assert "2/4" in mail.body_text and "3/4" in mail.body_text and "1/4" in mail.body_text
    assert f"{settings.base_url}/speeches/{speech.id}" in mail.body_text


async def test_confirming_a_minors_slot_tells_each_confirmed_guardian_with_an_email(
    app, event, settings
) -> None:
    speaker = await make_member(name="Ana Torres", age=15, language="en")  # guardian: "es"
    first = await Guardian.get(member=speaker)  # signed the factory's paper form
    second = await Guardian.create(
        member=speaker,
        name="Second Guardian",
        relationship=Relationship.FATHER,
        email="dad@example.org",
        language="en",
        confirmed_at=utcnow(),
        confirmed_by_name="Sam Staff",
        confirmation_method=ContactMethod.PHONE,
    )
    await Guardian.create(
        member=speaker, name="No Email", relationship=Relationship.GRANDPARENT, email=""
    )
    # An address staff have not confirmed (a teen may have typed it) learns nothing of
    # where and when she will be.
    await Guardian.create(
        member=speaker, name="Unconfirmed", relationship=Relationship.OTHER, email="x@example.org"
    )
    speech = await make_placed(speaker, await slot_at(event, 18), state=S.SCHEDULED)

    await transitions.move(speech.id, S.CONFIRMED, actor=speaker, settings=settings)

    about = "%(member)s will give a Soapbox Speech"
    assert await mails() == [
        (
            speaker.email,
            "speech_update",
            "en",
            subject_in("en", "Your Soapbox slot is confirmed"),
        ),
        (first.email, "speech_guardian", "es", subject_in("es", about, member="Ana Torres")),
        (second.email, "speech_guardian", "en", subject_in("en", about, member="Ana Torres")),
    ]
    guardian_mail = await OutboxMessage.get(to_email=second.email)
    assert "Second Guardian" in guardian_mail.body_text
    assert event.venue in guardian_mail.body_text
    assert f"{settings.base_url}/family/sign-in" in guardian_mail.body_text


async def test_confirming_an_adults_slot_tells_no_guardian(app, event, settings) -> None:
    speaker = await make_member(name="Beto Ruiz", age=19)
    await Guardian.create(
        member=speaker,
        name="Still Listed",
        relationship=Relationship.MOTHER,
        email="mom@example.org",
        confirmed_at=utcnow(),
    )
    speech = await make_placed(speaker, await slot_at(event, 18), state=S.SCHEDULED)

    await transitions.move(speech.id, S.CONFIRMED, actor=speaker, settings=settings)

    assert [(to, template) for to, template, _, _ in await mails()] == [
        (speaker.email, "speech_update")
    ]


GUARDIAN_NEWS = {
    # step -> (from, to, the subject's message id)
    "schedule": (S.ACCEPTED, S.SCHEDULED, "%(member)s is on the Soapbox schedule"),
    "move": (S.SCHEDULED, S.SCHEDULED, "The time of %(member)s’s Soapbox Speech has changed"),
    "move confirmed": (
        S.CONFIRMED,
        S.SCHEDULED,
        "The time of %(member)s’s Soapbox Speech has changed",
    ),
    "unschedule": (
        S.CONFIRMED,
        S.ACCEPTED,
        "%(member)s’s Soapbox Speech is no longer on the schedule",
    ),
    "withdraw": (
        S.SCHEDULED,
        S.WITHDRAWN,
        "%(member)s’s Soapbox Speech is no longer on the schedule",
    ),
}


@pytest.mark.parametrize("step", list(GUARDIAN_NEWS))
async def test_a_minors_guardian_hears_when_she_is_scheduled_moved_or_removed(
    app, event, settings, step
) -> None:
    source, to, subject = GUARDIAN_NEWS[step]
    speaker = await make_member(name="Ana Torres", age=15, language="en")
    guardian = await Guardian.get(member=speaker)  # Spanish, confirmed by the paper form
    staff = await make_user(role=Role.STAFF)
    first_slot = await slot_at(event, 18)
    if source == S.ACCEPTED:
        speech = await make_speech(
            speaker, state=source, available=[(event.starts_at, event.ends_at)]
        )
    else:
        speech = await make_placed(speaker, first_slot, state=source)
    new_slot = await slot_at(event, 19) if to == S.SCHEDULED else None
    if step == "schedule":
        new_slot = first_slot

    await transitions.move(speech.id, to, actor=staff, settings=settings, slot=new_slot)

    (mail,) = await OutboxMessage.filter(template="speech_guardian")
    assert (mail.to_email, mail.language) == (guardian.email, "es")
    assert mail.subject == subject_in("es", subject, member="Ana Torres")
    assert mail.subject != subject_in("en", subject, member="Ana Torres")
    with i18n.use_language("es"):
        first_time = i18n.format_when(first_slot.starts_at)
        second_time = i18n.format_when(new_slot.starts_at) if new_slot else None
    if step == "schedule":
        assert first_time in mail.body_text
    elif step.startswith("move"):
        assert second_time in mail.body_text and first_time in mail.body_text
    else:
        assert first_time in mail.body_text  # when it would have been
    # Guardians are addressed with "usted" ("Puede ver ...").
    family = "You can see the schedule and the permissions of %(member)s on the family page:"
    assert subject_in("es", family, member="Ana Torres").startswith("Puede ver")
    assert subject_in("es", family, member="Ana Torres") in mail.body_text
    assert f"{settings.base_url}/family/sign-in" in mail.body_text
