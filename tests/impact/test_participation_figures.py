"""The Impact page's figures of what members give and attend: hours served (verified
service hours and hours on volunteer shifts) per month, and each group's attendance
rate at its meetings, against rows the test makes, in the table and the CSV file."""

from __future__ import annotations

from datetime import timedelta

import httpx

from tests.impact.test_impact_page import JAN_TO_MAR, at, csv_rows, staff, tables  # noqa: F401
from tests.members.factories import make_cohort, make_member
from tests.volunteers.factories import make_shift
from yoc.participation.enums import HoursState, Presence
from yoc.participation.models import Meeting, MeetingAttendance, ServiceHours
from yoc.timeutil import utcnow
from yoc.volunteers.models import Shift, ShiftSignup
from yoc.volunteers.services import signups

P, A, E = Presence.PRESENT, Presence.ABSENT, Presence.EXCUSED


async def _meeting(cohort, day: str, marks: list[Presence]) -> None:
    members = await cohort.members.all().order_by("id")
    meeting = await Meeting.create(cohort=cohort, starts_at=at(day), place="Library", topic="T")
    for member, presence in zip(members, marks, strict=False):
        await MeetingAttendance.create(
            meeting=meeting, member=member, presence=presence, marked_at=at(day)
        )


async def _attendance() -> None:
    north = await make_cohort("North Shore Summer", members=[await make_member() for _ in range(4)])
    mecca = await make_cohort("Mecca Fall", members=[await make_member() for _ in range(2)])
    await make_cohort("Oasis Spring", members=[await make_member()])  # no meeting: not shown
    await _meeting(north, "2026-01-10", [P, P, P, A])
    await _meeting(north, "2026-02-12", [P, P, E, A])
    await _meeting(north, "2026-04-09", [P, P, P, P])  # after the period
    await _meeting(mecca, "2026-03-03", [P, A])


async def _hours(settings) -> None:
    member = await make_member(age=20)
    for day, minutes, state in (
        ("2026-01-15", 150, HoursState.VERIFIED),
        ("2026-02-03", 180, HoursState.VERIFIED),
        ("2026-02-04", 300, HoursState.PENDING),
        ("2026-03-08", 60, HoursState.REJECTED),
        ("2026-04-02", 120, HoursState.VERIFIED),
    ):
        await ServiceHours.create(
            member=member,
            served_on=at(day).date(),
            minutes=minutes,
            organisation="Food bank",
            state=state,
        )
    # Shifts: two people for three hours in March (one did not come), one for two in
    # February, and one still to come.
    for day, hours, people, no_show in (
        ("2026-03-14", 3, 2, 1),
        ("2026-02-20", 2, 1, 0),
        (None, 4, 1, 0),
    ):
        shift = await make_shift(hours=hours, needed=people)
        for _ in range(people):
            await signups.sign_up_member(shift, await make_member(age=30), settings=settings)
        if no_show:
            first = await ShiftSignup.filter(shift_id=shift.id).order_by("id").first()
            await ShiftSignup.filter(id=first.id).update(no_show=True)
        start = at(day) if day else utcnow() + timedelta(days=3)
        await Shift.filter(id=shift.id).update(
            starts_at=start, ends_at=start + timedelta(hours=hours)
        )


async def test_hours_served_count_verified_hours_and_shifts_by_month(
    staff: httpx.AsyncClient,  # noqa: F811
    settings,
) -> None:
    await _hours(settings)

    page = await staff.get(f"/staff/impact?{JAN_TO_MAR}")
    csv = await staff.get(f"/staff/impact/hours_served.csv?{JAN_TO_MAR}")

    expected = [
        ["Month", "Verified service hours", "Hours on volunteer shifts"],
        ["Jan 2026", "2.5", "0"],
        ["Feb 2026", "3", "2"],
        ["Mar 2026", "0", "3"],
    ]
    assert tables(page)["Hours served"] == expected
    assert csv_rows(csv) == expected


async def test_attendance_rate_per_group_leaves_out_the_excused(
    staff: httpx.AsyncClient,  # noqa: F811
) -> None:
    await _attendance()

    page = await staff.get(f"/staff/impact?{JAN_TO_MAR}")
    csv = await staff.get(f"/staff/impact/attendance_by_group.csv?{JAN_TO_MAR}")

    assert tables(page)["Attendance rate per group"] == [
        ["Group", "Meetings with attendance taken", "Attendance rate"],
        ["Mecca Fall", "1", "50%"],
        ["North Shore Summer", "2", "71.4%"],
    ]
    assert csv_rows(csv)[1:] == [
        ["Mecca Fall", "1", "50.0"],
        ["North Shore Summer", "2", "71.4"],
    ]
