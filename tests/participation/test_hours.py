"""Service hours: a member logs them, a mentor of theirs verifies or rejects them (with
a reason the member reads), verified hours add up per year. Nobody verifies their own
hours, and a mentor of another group cannot verify them either."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.conftest import client_from, csrf_from, post_form
from tests.members.factories import make_member
from tests.participation.conftest import signed_in
from tests.participation.test_letter import text_of
from tests.volunteers.factories import make_shift
from yoc.errors import PermissionDenied
from yoc.events.forms import LA
from yoc.participation.enums import HoursState
from yoc.participation.models import ServiceHours
from yoc.participation.services import hours, letters
from yoc.timeutil import utcnow
from yoc.volunteers.models import Shift
from yoc.volunteers.services import signups


async def _log(member, served_on: date, amount: str = "2.5", organisation: str = "Food bank"):
    return await hours.log_hours(
        member,
        served_on=served_on,
        hours=Decimal(amount),
        organisation=organisation,
        description="Sorting donations",
    )


async def _verify(client, hours_id: int):
    page = await client.get("/dashboard")
    return await client.post(
        f"/mentor/hours/{hours_id}/verify", data={"csrf_token": csrf_from(page.text)}
    )


async def test_member_logs_hours_and_sees_them_waiting(client, cast) -> None:
    await signed_in(client, cast.member)
    served = utcnow().date() - timedelta(days=1)

    saved = await post_form(
        client,
        "/me/hours",
        {
            "served_on": served.isoformat(),
            "hours": "2,5",
            "organisation": "Mecca Food Bank",
            "description": "Sorting donations",
        },
    )

    assert saved.status_code == 303
    rows = await ServiceHours.all().values_list("member_id", "served_on", "minutes", "state")
    assert rows == [(cast.member.id, served, 150, HoursState.PENDING)]
    page = await client.get("/me/hours")
    assert "Saved. A mentor will verify your hours." in page.text
    assert "Waiting for a mentor: 2.5" in page.text
    assert "Verified hours: 0" in page.text


async def test_hours_form_refuses_what_cannot_be_right(client, cast) -> None:
    await signed_in(client, cast.member)
    tomorrow = utcnow().date() + timedelta(days=2)

    refused = await post_form(
        client,
        "/me/hours",
        {"served_on": tomorrow.isoformat(), "hours": "30", "organisation": ""},
    )

    assert refused.status_code == 422
    assert "Log hours once you have served them." in refused.text
    assert "Enter from 0.25 to 24 hours for one day." in refused.text
    assert 'id="f-organisation-error"' in refused.text
    assert await ServiceHours.all().count() == 0


async def test_mentor_verifies_and_the_year_sums_verified_hours(client, cast) -> None:
    this_year = utcnow().year
    first = await _log(cast.member, date(this_year, 1, 10), "2.5")
    second = await _log(cast.member, date(this_year, 1, 17), "3")
    await _log(cast.member, date(this_year - 1, 11, 5), "4")
    await signed_in(client, cast.mentor)

    queue = await client.get("/mentor/hours")
    assert queue.status_code == 200
    assert queue.text.count("Itzel Ramírez") == 3
    assert (await _verify(client, first.id)).status_code == 303
    assert (await _verify(client, second.id)).status_code == 303

    stored = await ServiceHours.get(id=first.id)
    assert (stored.state, stored.reviewed_by_id, stored.reviewer_name) == (
        HoursState.VERIFIED,
        cast.mentor.id,
        "Lucía Torres",
    )
    years = await hours.years_of(cast.member)
    assert [(y.year, y.verified_minutes, y.pending_minutes) for y in years] == [
        (this_year, 330, 0),
        (this_year - 1, 0, 240),
    ]
    async with client_from(client._transport.app, "10.1.1.1") as member:
        await signed_in(member, cast.member)
        page = await member.get("/me/hours")
    assert "Verified hours: 5.5" in page.text
    assert "Waiting for a mentor: 4" in page.text


async def test_member_cannot_verify_their_own_hours(client, cast) -> None:
    entry = await _log(cast.member, utcnow().date())
    await signed_in(client, cast.member)

    response = await _verify(client, entry.id)

    assert response.status_code == 403
    assert (await ServiceHours.get(id=entry.id)).state == HoursState.PENDING


async def test_a_mentor_cannot_verify_hours_they_logged_for_themself(cast) -> None:
    entry = await ServiceHours.create(
        member=cast.mentor, served_on=utcnow().date(), minutes=60, organisation="Myself"
    )
    with pytest.raises(PermissionDenied) as refused:
        await hours.review(actor=cast.mentor, hours_id=entry.id, verified=True)

    assert refused.value.code == "own_hours"
    assert (await ServiceHours.get(id=entry.id)).state == HoursState.PENDING


async def test_mentor_of_another_group_cannot_verify(client, cast) -> None:
    entry = await _log(cast.member, utcnow().date())
    await signed_in(client, cast.other_mentor)

    queue = await client.get("/mentor/hours")
    response = await _verify(client, entry.id)

    assert "Itzel Ramírez" not in queue.text
    assert response.status_code == 404
    assert (await ServiceHours.get(id=entry.id)).state == HoursState.PENDING


async def test_rejected_hours_show_the_reason_to_the_member(app, client, cast) -> None:
    entry = await _log(cast.member, utcnow().date(), organisation="Car wash")
    await signed_in(client, cast.mentor)
    page = await client.get("/mentor/hours")

    no_reason = await client.post(
        f"/mentor/hours/{entry.id}/reject", data={"reason": " ", "csrf_token": csrf_from(page.text)}
    )
    assert no_reason.status_code == 422
    assert f'id="f-{entry.id}-reason-error"' in no_reason.text
    rejected = await client.post(
        f"/mentor/hours/{entry.id}/reject",
        data={
            "reason": "This was a fundraiser for a team trip",
            "csrf_token": csrf_from(page.text),
        },
    )

    assert rejected.status_code == 303
    assert (await ServiceHours.get(id=entry.id)).state == HoursState.REJECTED
    again = await _verify(client, entry.id)
    assert again.status_code == 409
    assert (await ServiceHours.get(id=entry.id)).state == HoursState.REJECTED
    async with client_from(app, "10.1.1.2") as member:
        await signed_in(member, cast.member)
        mine = await member.get("/me/hours")
    assert "Reason: This was a fundraiser for a team trip" in mine.text
    assert "not verified" in mine.text


async def test_hours_on_volunteer_shifts_add_to_the_years_total_and_the_letter(
    cast, settings
) -> None:
    """A shift she worked at a festival counts, without a mentor logging it again."""
    adult = await make_member(age=19, name="Itzel Ramírez Mayor", email="itzel.m@example.org")
    await cast.cohort.members.add(adult)
    shift = await make_shift(hours=3)
    await signups.sign_up_member(shift, adult, settings=settings)
    ended = utcnow() - timedelta(days=1, hours=4)
    if ended.astimezone(LA).year != utcnow().astimezone(LA).year:  # on New Year's Day
        ended += timedelta(hours=20)
    await Shift.filter(id=shift.id).update(starts_at=ended, ends_at=ended + timedelta(hours=3))
    year = ended.astimezone(LA).year
    entry = await _log(adult, ended.astimezone(LA).date(), "2")
    await hours.review(actor=cast.mentor, hours_id=entry.id, verified=True)

    found = await hours.year_of(adult, year)
    pdf = await letters.letter_of_hours(
        adult, year=year, language="es", org_name="YO-C", issued_on=utcnow().date()
    )

    assert found.other == [("Volunteer shifts at YO-C events", 180)]
    assert found.verified_minutes == 300
    text = text_of(pdf)
    assert "Turnos de voluntariado en eventos de YO-C 3" in text
    assert f"Total de horas en {year} 5" in text
