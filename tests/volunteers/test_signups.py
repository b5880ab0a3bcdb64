"""Who may take a shift: a minor needs participation consent and is never placed past
the event's minor curfew; a full shift refuses, and of many people for the last place
at once, one gets it."""

from __future__ import annotations

import asyncio

import pytest

from tests.factories import make_user
from tests.members.factories import make_member
from tests.volunteers.factories import make_shift
from yoc.accounts.enums import Role
from yoc.errors import Conflict
from yoc.i18n import gettext, use_language
from yoc.mail import OutboxMessage
from yoc.volunteers.models import Shift, ShiftSignup
from yoc.volunteers.services import signups
from yoc.volunteers.services.signups import Guest

CURFEW_EN = "9:00\u202fPM"


async def test_a_minor_is_refused_a_shift_that_ends_past_the_curfew(app, settings) -> None:
    minor = await make_member(age=15)
    # The event's curfew for minors is 21:00; this shift ends at 22:00.
    late = await make_shift(start=19, hours=3)

    with pytest.raises(Conflict) as refused:
        await signups.sign_up_member(late, minor, settings=settings)

    assert refused.value.code == "past_curfew"
    with use_language("en"):
        assert refused.value.translated() == (
            f"Volunteers under 18 finish by {CURFEW_EN} at this event, and this shift ends later."
        )
    await late.refresh_from_db()
    assert (late.taken, await ShiftSignup.filter(shift=late).count()) == (0, 0)


async def test_a_minor_may_take_a_shift_that_ends_by_the_curfew(app, settings) -> None:
    minor = await make_member(age=15)
    early = await make_shift(start=17, hours=4)  # ends at 21:00, the curfew

    signup = await signups.sign_up_member(early, minor, settings=settings)

    await early.refresh_from_db()
    assert (signup.user_id, early.taken) == (minor.id, 1)


async def test_an_adult_may_work_past_the_curfew(app, settings) -> None:
    adult = await make_member(age=19)
    late = await make_shift(start=19, hours=3)

    await signups.sign_up_member(late, adult, settings=settings)

    await late.refresh_from_db()
    assert late.taken == 1


async def test_a_minor_without_participation_consent_is_refused(app, settings) -> None:
    minor = await make_member(age=16, consented=False)
    shift = await make_shift(start=16, hours=2)

    with pytest.raises(Conflict) as refused:
        await signups.sign_up_member(shift, minor, settings=settings)

    assert refused.value.code == "no_consent"
    await shift.refresh_from_db()
    assert shift.taken == 0


async def test_a_full_shift_refuses(app, settings) -> None:
    shift = await make_shift(needed=1)
    await signups.sign_up_member(shift, await make_member(age=20), settings=settings)

    with pytest.raises(Conflict) as refused:
        await signups.sign_up_member(shift, await make_member(age=20), settings=settings)

    assert refused.value.code == "shift_full"
    await shift.refresh_from_db()
    assert (shift.taken, await ShiftSignup.filter(shift=shift).count()) == (1, 1)


async def test_of_many_people_for_the_last_place_at_once_one_gets_it(app, settings) -> None:
    shift = await make_shift(needed=3)
    await signups.sign_up_member(shift, await make_member(age=20), settings=settings)
    await signups.sign_up_member(shift, await make_member(age=20), settings=settings)
    people = [await make_member(age=20) for _ in range(6)]

    async def try_(person):
        try:
            await signups.sign_up_member(shift, person, settings=settings)
        except Conflict as error:
            return error.code
        return "placed"

    results = await asyncio.gather(*(try_(p) for p in people))

    assert sorted(results) == ["placed"] + ["shift_full"] * 5
    await shift.refresh_from_db()
    assert (shift.taken, await ShiftSignup.filter(shift=shift).count()) == (3, 3)


async def test_the_same_person_twice_is_one_place(app, settings) -> None:
    shift = await make_shift(needed=5)
    member = await make_member(age=20)
    await signups.sign_up_member(shift, member, settings=settings)

    with pytest.raises(Conflict) as refused:
        await signups.sign_up_member(shift, member, settings=settings)

    assert refused.value.code == "already_signed_up"
    again = await signups.sign_up_guest(
        shift, Guest(name="Ana", email="ana@example.org"), settings=settings
    )
    twice = await signups.sign_up_guest(
        shift, Guest(name="Ana", email="ANA@example.org"), settings=settings
    )
    assert again is not None and twice is None
    await shift.refresh_from_db()
    assert shift.taken == 2


async def test_cancelling_gives_the_place_back(app, settings) -> None:
    shift = await make_shift(needed=1)
    member = await make_member(age=20)
    signup = await signups.sign_up_member(shift, member, settings=settings)

    await signups.cancel_own(member, signup.id)
    await signups.sign_up_member(shift, await make_member(age=20), settings=settings)

    await shift.refresh_from_db()
    assert (shift.taken, await ShiftSignup.filter(shift=shift).count()) == (1, 1)


async def test_a_member_is_not_on_two_shifts_at_once(app, settings) -> None:
    first = await make_shift(start=16, hours=3)
    overlapping = await make_shift(first.event, start=18, hours=2)
    member = await make_member(age=20)
    await signups.sign_up_member(first, member, settings=settings)

    with pytest.raises(Conflict) as refused:
        await signups.sign_up_member(overlapping, member, settings=settings)

    assert refused.value.code == "busy"


async def test_the_confirmation_is_in_the_members_language(app, settings) -> None:
    shift = await make_shift()
    member = await make_member(age=20, language="es")

    await signups.sign_up_member(shift, member, settings=settings)

    (mail,) = await OutboxMessage.filter(template="shift_confirmed")
    with use_language("es"):
        subject = gettext("Your volunteer shift: %(event)s", event=shift.event.name_es)
    assert (mail.to_email, mail.language, mail.subject) == (member.email, "es", subject)
    assert subject == f"Turno de voluntariado: {shift.event.name_es}"


async def test_a_mentor_may_volunteer_too(app, settings) -> None:
    shift = await make_shift()
    mentor = await make_user(role=Role.MENTOR)

    await signups.sign_up_member(shift, mentor, settings=settings)

    assert await Shift.filter(id=shift.id, taken=1).exists()
