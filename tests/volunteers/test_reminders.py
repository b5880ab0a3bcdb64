"""The day before a shift, each person on it gets a reminder in their language, sent by
the jobs worker, once, however many rounds or workers run."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.members.factories import make_member
from tests.volunteers.factories import make_shift
from yoc import jobs
from yoc.i18n import gettext, use_language
from yoc.mail import OutboxMessage
from yoc.timeutil import utcnow
from yoc.volunteers.models import Shift
from yoc.volunteers.services import reminders, signups
from yoc.volunteers.services.signups import Guest


def subject_in(language: str, event_name: str) -> str:
    with use_language(language):
        return gettext("Tomorrow: your volunteer shift at %(event)s", event=event_name)


async def tomorrow(shift: Shift, hours: int = 20) -> None:
    start = utcnow() + timedelta(hours=hours)
    await Shift.filter(id=shift.id).update(starts_at=start, ends_at=start + timedelta(hours=3))


async def test_a_reminder_goes_once_in_each_persons_language(app, settings) -> None:
    shift = await make_shift(needed=5)
    member = await make_member(age=20, language="es", email="lupe@example.org")
    await signups.sign_up_member(shift, member, settings=settings)
    await signups.sign_up_guest(
        shift, Guest(name="Ana Pérez", email="ana@example.org", language="en"), settings=settings
    )
    await tomorrow(shift)

    await jobs.run_once(settings)
    await jobs.run_once(settings)

    sent = await OutboxMessage.filter(template="shift_reminder").order_by("to_email")
    assert [(m.to_email, m.language, m.subject) for m in sent] == [
        ("ana@example.org", "en", subject_in("en", shift.event.name_en)),
        ("lupe@example.org", "es", subject_in("es", shift.event.name_es)),
    ]
    assert subject_in("es", "X") != subject_in("en", "X")
    # The guest's reminder carries their link to cancel; the member's, their shifts page.
    by_address = {m.to_email: m.body_text for m in sent}
    assert f"{settings.base_url}/volunteer/cancel/" in by_address["ana@example.org"]
    assert f"{settings.base_url}/me/shifts" in by_address["lupe@example.org"]


async def test_two_workers_at_once_send_one_reminder(app, settings) -> None:
    shift = await make_shift()
    await signups.sign_up_member(shift, await make_member(age=20), settings=settings)
    await tomorrow(shift)

    counts = await asyncio.gather(*(reminders.send_due(settings) for _ in range(4)))

    assert sum(counts) == 1
    assert await OutboxMessage.filter(template="shift_reminder").count() == 1


async def test_no_reminder_before_the_day_before(app, settings) -> None:
    shift = await make_shift()
    await signups.sign_up_member(shift, await make_member(age=20), settings=settings)
    await tomorrow(shift, hours=30)

    await jobs.run_once(settings)

    assert await OutboxMessage.filter(template="shift_reminder").count() == 0


async def test_signing_up_within_the_day_the_confirmation_is_the_reminder(app, settings) -> None:
    shift = await make_shift()
    await tomorrow(shift, hours=5)
    shift = await Shift.get(id=shift.id).select_related("event")
    await signups.sign_up_member(shift, await make_member(age=20), settings=settings)

    await jobs.run_once(settings)

    assert await OutboxMessage.filter(template="shift_reminder").count() == 0
    assert await OutboxMessage.filter(template="shift_confirmed").count() == 1
