"""The pages: members sign up from their dashboard; staff define, change and remove
shifts, see who is coming and the gaps, add and take off people, and print a roster.
Who may open what, as a matrix of address and person."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from tests.conftest import confirm, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.members.factories import make_member
from tests.tickets.factories import make_event
from tests.volunteers.factories import at, event_day, make_shift
from yoc.accounts.enums import Role
from yoc.audit import AuditAction, AuditEntry
from yoc.events.forms import local_input
from yoc.volunteers.enums import ShiftRole
from yoc.volunteers.models import Shift, ShiftSignup
from yoc.volunteers.services import signups


def text_of(page) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text)))


@pytest.fixture
async def staff(client):
    person = await make_user(role=Role.STAFF, name="Sam Staff", email="sam@example.org")
    await log_in(client, "sam@example.org", PASSWORD)
    return person


async def test_a_member_signs_up_from_the_dashboard_and_cancels(client, settings) -> None:
    shift = await make_shift(role=ShiftRole.STAGE_CREW)
    member = await make_member(age=17, email="itzel@example.org")
    await log_in(client, member.email, PASSWORD)
    dashboard = await client.get("/dashboard")
    assert 'href="/me/shifts"' in dashboard.text

    signed = await post_form(client, "/me/shifts", {}, action=f"/me/shifts/{shift.id}")

    assert signed.headers["location"] == "/me/shifts"
    (signup,) = await ShiftSignup.filter(shift=shift)
    assert signup.user_id == member.id
    mine = await client.get("/me/shifts")
    assert "You are on the shift. We sent the details to your email." in text_of(mine)
    dashboard = await client.get("/dashboard")
    assert "Stage crew" in text_of(dashboard)

    await post_form(client, "/me/shifts", {}, action=f"/me/shifts/{signup.id}/cancel")

    assert await ShiftSignup.filter(shift=shift).count() == 0
    assert (await Shift.get(id=shift.id)).taken == 0


async def test_a_minor_sees_why_a_late_shift_is_refused(client, settings) -> None:
    late = await make_shift(start=20, hours=3)
    member = await make_member(age=15)
    await log_in(client, member.email, PASSWORD)

    await post_form(client, "/me/shifts", {}, action=f"/me/shifts/{late.id}")

    page = await client.get("/me/shifts")
    assert "Volunteers under 18 finish by" in text_of(page)
    assert await ShiftSignup.all().count() == 0


async def test_a_member_cannot_cancel_someone_elses_shift(client, settings) -> None:
    shift = await make_shift()
    theirs = await signups.sign_up_member(shift, await make_member(age=20), settings=settings)
    me = await make_member(age=20)
    await log_in(client, me.email, PASSWORD)

    await post_form(client, "/me/shifts", {}, action=f"/me/shifts/{theirs.id}/cancel")

    assert await ShiftSignup.filter(id=theirs.id).exists()


async def test_staff_define_a_shift_and_change_it(client, staff) -> None:
    event = await make_event()
    day = event_day(event)

    made = await post_form(
        client,
        f"/staff/events/{event.slug}/shifts/new",
        {
            "role": "door",
            "place_en": "North gate",
            "place_es": "Entrada norte",
            "starts_at": f"{day.isoformat()}T15:30",
            "ends_at": f"{day.isoformat()}T19:00",
            "needed": "3",
        },
    )

    (shift,) = await Shift.filter(event=event)
    assert made.headers["location"] == f"/staff/shifts/{shift.id}"
    assert (shift.role, shift.place_es, shift.starts_at, shift.ends_at, shift.needed) == (
        ShiftRole.DOOR,
        "Entrada norte",
        at(day, 15, 30),
        at(day, 19),
        3,
    )
    changed = await post_form(
        client,
        f"/staff/shifts/{shift.id}",
        {
            "role": "door",
            "place_en": "South gate",
            "place_es": "Entrada sur",
            "starts_at": local_input(shift.starts_at),
            "ends_at": local_input(shift.ends_at),
            "needed": "4",
        },
    )
    assert changed.status_code == 303
    await shift.refresh_from_db()
    assert (shift.place_en, shift.needed) == ("South gate", 4)


async def test_a_shift_cannot_end_before_it_starts(client, staff) -> None:
    event = await make_event()
    day = event_day(event).isoformat()

    refused = await post_form(
        client,
        f"/staff/events/{event.slug}/shifts/new",
        {"role": "door", "starts_at": f"{day}T18:00", "ends_at": f"{day}T17:00", "needed": "2"},
    )

    assert refused.status_code == 422
    assert "The end must be after the start." in text_of(refused)
    assert await Shift.all().count() == 0


async def test_moving_a_shift_past_the_curfew_of_a_minor_on_it_is_refused(
    client, settings, staff
) -> None:
    shift = await make_shift(start=16, hours=3)
    await signups.sign_up_member(shift, await make_member(age=15), settings=settings)

    refused = await post_form(
        client,
        f"/staff/shifts/{shift.id}",
        {
            "role": "door",
            "starts_at": local_input(shift.starts_at),
            "ends_at": local_input(shift.starts_at + timedelta(hours=6)),
            "needed": "2",
        },
    )

    assert refused.status_code == 409
    assert "Volunteers under 18 finish by" in text_of(refused)
    assert (await Shift.get(id=shift.id)).ends_at == shift.ends_at


async def test_staff_see_gaps_and_who_is_coming_and_fill_a_gap(client, settings, staff) -> None:
    shift = await make_shift(needed=3)
    await signups.sign_up_member(
        shift, await make_member(age=15, name="Itzel Ramírez"), settings=settings
    )
    await AuditEntry.all().delete()

    listing = await client.get(f"/staff/events/{shift.event.slug}/shifts")
    assert "2 places to fill" in text_of(listing)
    page = await client.get(f"/staff/shifts/{shift.id}")
    assert "Itzel Ramírez under 18" in text_of(page)
    # Her name on a staff page is a read of a minor's record: it is in the audit log.
    assert await AuditEntry.filter(action=AuditAction.VIEW, subject_is_minor=True).count() == 1

    added = await post_form(
        client,
        f"/staff/shifts/{shift.id}",
        {"name": "Rosa Díaz", "phone": "760-555-0199", "email": "", "language": "es"},
        action=f"/staff/shifts/{shift.id}/people",
    )
    assert added.status_code == 303
    adult = await make_member(age=30, email="beto@example.org", name="Beto Cruz")
    await post_form(
        client,
        f"/staff/shifts/{shift.id}",
        {"email": "beto@example.org"},
        action=f"/staff/shifts/{shift.id}/people",
    )

    people = await ShiftSignup.filter(shift=shift).order_by("id")
    assert [(p.user_id, p.name, p.added_by) for p in people] == [
        (people[0].user_id, "", "self"),
        (None, "Rosa Díaz", "Sam Staff <sam@example.org>"),
        (adult.id, "", "Sam Staff <sam@example.org>"),
    ]
    assert (await Shift.get(id=shift.id)).taken == 3

    roster = await client.get(f"/staff/events/{shift.event.slug}/roster")
    roster_text = text_of(roster)
    assert "Rosa Díaz" in roster_text and "760-555-0199" in roster_text
    assert "Beto Cruz" in roster_text

    asked = await post_form(
        client,
        f"/staff/shifts/{shift.id}",
        {},
        action=f"/staff/shift-signups/{people[1].id}/remove",
    )
    assert "Take Rosa Díaz off this shift?" in text_of(asked)
    await confirm(client, asked)
    assert await ShiftSignup.filter(shift=shift).count() == 2
    assert (await Shift.get(id=shift.id)).taken == 2


async def test_removing_a_shift_asks_first(client, settings, staff) -> None:
    shift = await make_shift()
    await signups.sign_up_member(shift, await make_member(age=20), settings=settings)

    first = await post_form(
        client, f"/staff/shifts/{shift.id}", {}, action=f"/staff/shifts/{shift.id}/delete"
    )
    assert first.status_code == 200
    assert await Shift.filter(id=shift.id).exists()
    assert "1 person on it is taken off and told by email." in text_of(first)

    done = await confirm(client, first)

    assert done.headers["location"] == f"/staff/events/{shift.event.slug}/shifts"
    assert not await Shift.filter(id=shift.id).exists()
    assert await ShiftSignup.all().count() == 0


@pytest.mark.parametrize(
    "address",
    [
        "/staff/events/{slug}/shifts",
        "/staff/events/{slug}/shifts/new",
        "/staff/events/{slug}/roster",
        "/staff/shifts/{id}",
        "/staff/shifts/{id}/delete",
    ],
)
@pytest.mark.parametrize("who", ["nobody", "member", "mentor"])
async def test_only_staff_open_the_staff_pages(client, address, who) -> None:
    shift = await make_shift()
    if who != "nobody":
        person = await make_user(role=Role(who))
        await log_in(client, person.email, PASSWORD)

    page = await client.get(address.format(slug=shift.event.slug, id=shift.id))

    if who == "nobody":
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
    else:
        assert page.status_code == 403


async def test_signing_up_needs_an_account_and_a_published_event(client, settings) -> None:
    hidden = await make_shift(await make_event(published=False))
    shown = await make_shift()

    anonymous = await client.post(f"/me/shifts/{shown.id}")
    assert anonymous.status_code in (303, 403)
    member = await make_member(age=20)
    await log_in(client, member.email, PASSWORD)
    refused = await post_form(client, "/me/shifts", {}, action=f"/me/shifts/{hidden.id}")
    assert refused.status_code == 404
    assert (await client.get(f"/events/{hidden.event.slug}/volunteer")).status_code == 404
    assert await ShiftSignup.all().count() == 0
