"""A member's hours from shifts: shifts that ended, in the year asked (local time),
without those staff marked as not come."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.members.factories import make_member
from tests.volunteers.factories import make_shift
from yoc.events.forms import LA
from yoc.volunteers.models import Shift, ShiftSignup
from yoc.volunteers.services import signups
from yoc.volunteers.services.hours import shift_hours_for


async def test_delivered_shift_hours_are_summed_per_year(app, settings) -> None:
    member = await make_member(age=20)
    # One person's shifts, one after another on the day.
    made = [
        await make_shift(start=s, hours=h) for s, h in ((6, 3), (10, 2), (12, 4), (17, 1), (18, 5))
    ]
    for shift in made:
        await signups.sign_up_member(shift, member, settings=settings)
    done, also_done, missed, new_years_eve, coming = made
    # Four happened already: three in June 2025, one on New Year's Eve, local time.
    for shift, start in (
        (done, datetime(2025, 6, 14, 10, tzinfo=LA)),
        (also_done, datetime(2025, 6, 15, 10, tzinfo=LA)),
        (missed, datetime(2025, 6, 16, 10, tzinfo=LA)),
        (new_years_eve, datetime(2025, 12, 31, 20, tzinfo=LA)),
    ):
        length = shift.ends_at - shift.starts_at
        await Shift.filter(id=shift.id).update(starts_at=start, ends_at=start + length)
    await ShiftSignup.filter(shift_id=missed.id).update(no_show=True)

    assert await shift_hours_for(member.id, 2025) == 6.0
    assert await shift_hours_for(member.id, 2024) == 0.0
    # The one still to come counts once it has happened, not before.
    assert coming.ends_at - coming.starts_at == timedelta(hours=5)
    assert await shift_hours_for(member.id, coming.starts_at.astimezone(LA).year) == 0.0
