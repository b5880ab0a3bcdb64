"""A volunteer whom staff take off a shift, or whose shift staff remove, is told by email
in their language before the shift would have started or ended: nobody comes to a gate
where they are no longer expected. The email is queued in the transaction that takes
them off, so one never happens without the other."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import confirm, csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_member
from tests.volunteers.factories import make_shift
from tests.volunteers.test_pages import text_of
from yoc import mail
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.audit import AuditAction, AuditEntry
from yoc.mail import OutboxMessage
from yoc.timeutil import utcnow
from yoc.volunteers.models import Shift, ShiftSignup
from yoc.volunteers.services import signups
from yoc.volunteers.services.signups import Guest


@pytest.fixture
async def staff(client):
    person = await make_user(role=Role.STAFF, name="Sam Staff", email="sam@example.org")
    await log_in(client, "sam@example.org", PASSWORD)
    return person


async def notices() -> list[OutboxMessage]:
    return list(await OutboxMessage.filter(template="shift_cancelled").order_by("id"))


async def take_off(client, signup: ShiftSignup):
    """Staff tap "Take off the shift", then confirm on the page that asks first."""
    asked = await post_form(
        client,
        f"/staff/shifts/{signup.shift_id}",
        {},
        action=f"/staff/shift-signups/{signup.id}/remove",
    )
    assert asked.status_code == 200
    return await confirm(client, asked)


async def test_taking_someone_off_asks_first_and_says_who_is_told(client, settings, staff) -> None:
    shift = await make_shift()
    itzel = await make_member(age=16, name="Itzel Ramírez")
    signup = await signups.sign_up_member(shift, itzel, settings=settings)
    token = csrf_from((await client.get(f"/staff/shifts/{shift.id}")).text)
    await AuditEntry.all().delete()  # the shift's page named her: that read is logged

    asked = await client.post(
        f"/staff/shift-signups/{signup.id}/remove", data={"csrf_token": token}
    )

    assert asked.status_code == 200
    page = text_of(asked)
    assert "Take Itzel Ramírez off this shift?" in page
    assert "Itzel Ramírez is told by email, and the place opens for someone else." in page
    # Nothing happens before the confirmation; her name on the page is an audited read.
    assert await ShiftSignup.filter(id=signup.id).exists()
    assert await notices() == []
    assert await AuditEntry.filter(action=AuditAction.VIEW, subject_is_minor=True).count() == 1

    done = await confirm(client, asked)

    assert done.headers["location"] == f"/staff/shifts/{shift.id}#people"
    assert not await ShiftSignup.filter(id=signup.id).exists()
    assert len(await notices()) == 1


async def test_a_member_taken_off_a_shift_is_told_in_her_language(client, settings, staff) -> None:
    shift = await make_shift()
    itzel = await make_member(age=16, name="Itzel Ramírez", email="itzel@example.org")
    await User.filter(id=itzel.id).update(language="es")
    itzel = await User.get(id=itzel.id)
    signup = await signups.sign_up_member(shift, itzel, settings=settings)

    taken_off = await take_off(client, signup)

    assert taken_off.status_code == 303
    assert not await ShiftSignup.filter(id=signup.id).exists()
    [notice] = await notices()
    assert (notice.to_email, notice.language) == ("itzel@example.org", "es")
    assert shift.event.name_es in notice.subject
    assert "Hola, Itzel Ramírez:" in notice.body_text
    assert "Entrada norte" in notice.body_text
    # Whom to ask, and where her own shifts are.
    assert settings.contact_email in notice.body_text
    assert f"{settings.base_url}/me/shifts" in notice.body_text


async def test_a_guest_taken_off_is_told_and_one_without_an_address_is_not(
    client, settings, staff
) -> None:
    shift = await make_shift(needed=3)
    rosa = await signups.sign_up_guest(
        shift, Guest(name="Rosa Díaz", email="rosa@example.org", language="en"), settings=settings
    )
    await signups.staff_add(
        shift, email="", name="Jorge", phone="760-555-0100", language="es",
        actor=staff, settings=settings,
    )  # fmt: skip
    jorge = await ShiftSignup.get(shift=shift, name="Jorge")

    assert (await take_off(client, rosa)).status_code == 303
    assert (await take_off(client, jorge)).status_code == 303

    [notice] = await notices()
    assert (notice.to_email, notice.language) == ("rosa@example.org", "en")
    assert "The YO-C team has taken you off this volunteer shift" in notice.body_text
    # She may sign up again for another shift from the event's page.
    assert f"{settings.base_url}/events/{shift.event.slug}/volunteer" in notice.body_text
    assert (await Shift.get(id=shift.id)).taken == 0


async def test_removing_a_shift_tells_everyone_on_it(client, settings, staff) -> None:
    shift = await make_shift(needed=3)
    await signups.sign_up_member(
        shift, await make_member(age=20, email="beto@example.org"), settings=settings
    )
    await signups.sign_up_guest(
        shift, Guest(name="Rosa Díaz", email="rosa@example.org", language="es"), settings=settings
    )

    first = await post_form(
        client, f"/staff/shifts/{shift.id}", {}, action=f"/staff/shifts/{shift.id}/delete"
    )
    assert "2 people on it are taken off and told by email." in text_of(first)
    await confirm(client, first)

    assert not await Shift.filter(id=shift.id).exists()
    sent = await notices()
    assert sorted(n.to_email for n in sent) == ["beto@example.org", "rosa@example.org"]
    rosa = next(n for n in sent if n.to_email == "rosa@example.org")
    assert "Se eliminó este turno de voluntariado" in rosa.body_text


async def test_after_the_shift_has_ended_nobody_is_written_to(client, settings, staff) -> None:
    shift = await make_shift()
    signup = await signups.sign_up_member(shift, await make_member(age=20), settings=settings)
    await Shift.filter(id=shift.id).update(
        starts_at=utcnow() - timedelta(hours=4), ends_at=utcnow() - timedelta(hours=1)
    )

    assert (await take_off(client, signup)).status_code == 303

    assert not await ShiftSignup.filter(id=signup.id).exists()
    assert await notices() == []


async def test_a_member_who_cancels_her_own_shift_gets_no_notice(app, settings) -> None:
    shift = await make_shift()
    member = await make_member(age=17)
    signup = await signups.sign_up_member(shift, member, settings=settings)

    await signups.cancel_own(member, signup.id)

    assert await notices() == []


async def test_if_the_notice_cannot_be_queued_the_person_stays_on_the_shift(
    client, settings, staff, monkeypatch
) -> None:
    shift = await make_shift()
    signup = await signups.sign_up_member(shift, await make_member(age=20), settings=settings)

    async def broken(**_: object) -> None:
        raise RuntimeError("the outbox is unwritable")

    monkeypatch.setattr(mail, "queue_mail", broken)
    with pytest.raises(RuntimeError):
        await signups.take_off(signup, settings=settings)

    assert await ShiftSignup.filter(id=signup.id).exists()
    assert (await Shift.get(id=shift.id)).taken == 1


async def test_removing_a_shift_that_has_ended_says_nobody_is_written_to(
    client, settings, staff
) -> None:
    shift = await make_shift()
    await signups.sign_up_member(shift, await make_member(age=20), settings=settings)
    await Shift.filter(id=shift.id).update(
        starts_at=utcnow() - timedelta(hours=4), ends_at=utcnow() - timedelta(hours=1)
    )

    first = await post_form(
        client, f"/staff/shifts/{shift.id}", {}, action=f"/staff/shifts/{shift.id}/delete"
    )
    assert "1 person on it is taken off, without an email." in text_of(first)
    await confirm(client, first)

    assert not await Shift.filter(id=shift.id).exists()
    assert await notices() == []
